"""The supervisor board's domain: wallboard figures, reports, exports, abandoned callers and call-backs, the IVR
funnel."""
