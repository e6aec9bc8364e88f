"""The agent desk's domain: the caller card, presence with break reasons, wrap-up, an agent's day, the browser-phone token."""
