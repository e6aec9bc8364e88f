"""People who use the pages: users with a role, passwords, sign-in throttling, sessions, CSRF and the audit log."""
