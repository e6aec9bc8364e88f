"""Voicemail and call recordings: kept with the call, fetched from Twilio into local storage."""
