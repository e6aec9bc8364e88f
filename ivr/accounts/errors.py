"""What can go wrong with accounts, each a small class the web layer maps to one answer."""
from __future__ import annotations


class AccountError(Exception):
    """Base of the accounts' errors: the message is safe to show (it never holds a password)."""


class BadUserInput(AccountError):
    """A username, password, role, agent or language that cannot be used (400)."""


class DuplicateUser(AccountError):
    """A user of that name exists already (409)."""


class UnknownUser(AccountError):
    """No user of that name (404)."""


class BadCredentials(AccountError):
    """Unknown user, wrong password or a disabled user: one message for all, so names cannot be probed."""


class Throttled(AccountError):
    """Too many failed sign-ins for this username or address within the window (429)."""
