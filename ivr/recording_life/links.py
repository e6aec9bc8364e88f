"""Signed playback links: `/recordings/<token>/audio`, where the token names one recording for one signed-in user
until a short expiry, signed with a key derived from the server secret — nothing in it can be guessed or reused
by someone else."""
from __future__ import annotations

from itsdangerous import BadSignature, URLSafeSerializer

SALT = "recording-playback"


class LinkRefused(Exception):
    """The token is forged, damaged, expired, or belongs to another user."""


class PlaybackLinks:
    def __init__(self, key: bytes, clock, ttl_s: float):
        self.serializer, self.clock, self.ttl_s = URLSafeSerializer(key, salt=SALT), clock, ttl_s

    def issue(self, recording_id: int, user_id: int) -> str:
        expires = int(self.clock.now().timestamp() + self.ttl_s)
        return self.serializer.dumps({"r": int(recording_id), "u": int(user_id), "e": expires})

    def open(self, token: str, user_id: int) -> int:
        """The recording id the token names for `user_id`; LinkRefused otherwise (never says which check failed)."""
        try:
            claims = self.serializer.loads(token)
        except BadSignature:
            raise LinkRefused("forged or damaged link") from None
        if not isinstance(claims, dict) or {"r", "u", "e"} - set(claims):
            raise LinkRefused("forged or damaged link")
        if claims["u"] != user_id:
            raise LinkRefused("the link was made for another user")
        if claims["e"] < self.clock.now().timestamp():
            raise LinkRefused("the link has expired")
        return int(claims["r"])
