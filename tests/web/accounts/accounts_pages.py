"""Helpers of the accounts web tests: a password, fast hashing, reading a page's CSRF token, signing in."""
from __future__ import annotations

import re

from argon2 import PasswordHasher

from ivr.accounts.passwords import Passwords

PASSWORD = "Morning-Tea-2026"
CHEAP = Passwords(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))  # the real one takes ~0.1 s a hash


def csrf_of(response) -> str:
    found = re.search(r'name="csrf-token" content="([^"]+)"', response.get_data(as_text=True))
    assert found, "the page carries no csrf-token meta tag"
    return found.group(1)


def sign_in(client, username: str = "kim", password: str = PASSWORD, base_url: str = "http://localhost", **form):
    token = csrf_of(client.get("/login", base_url=base_url))
    return client.post("/login", base_url=base_url,
                       data={"username": username, "password": password, "csrf_token": token, **form})


def audit_rows(app, action: str | None = None) -> list[dict]:
    return app.extensions["ivr"].audit.recent(100, action)
