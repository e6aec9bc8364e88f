"""The IVR: Twilio webhook server, call-flow engine and the `ivr` command."""
