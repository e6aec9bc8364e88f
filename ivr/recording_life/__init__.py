"""What happens to a recording after it is kept: who may list and play it (signed, expiring links; every play
audited), legal hold, the voicemail inbox (assign, handled, call back) and its page."""
