"""Password hashing with argon2id (argon2-cffi); a dummy hash keeps an unknown user's sign-in as slow as a real one."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


class Passwords:
    """Hash and verify; `check_unknown` spends the same time when there is no user to check against."""

    def __init__(self, hasher: PasswordHasher | None = None):
        self.hasher = hasher or PasswordHasher()
        self._dummy = self.hasher.hash("not a password of anyone")

    def hash(self, password: str) -> str:
        return self.hasher.hash(password)

    def verify(self, stored: str, password: str) -> bool:
        try:
            return self.hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False

    def check_unknown(self, password: str) -> bool:
        """Verify against a dummy hash and say no: the answer for an unknown or disabled user takes as long."""
        self.verify(self._dummy, password)
        return False

    def needs_rehash(self, stored: str) -> bool:
        return self.hasher.check_needs_rehash(stored)
