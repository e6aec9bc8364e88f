"""Outbound Twilio in one room: the port (`ports`), the media allow-list (`hosts`), and the Twilio adapter."""
