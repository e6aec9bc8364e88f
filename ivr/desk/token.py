"""The browser phone's access token: Twilio's AccessToken with a VoiceGrant for agents whose contact is client:NAME,
or, translated, why browser calling is off for this agent (a setting missing, or they answer on a phone)."""
from __future__ import annotations

from datetime import datetime

from twilio.jwt.access_token import AccessToken
from twilio.jwt.access_token.grants import VoiceGrant

CLIENT = "client:"
NEEDED = (("TWILIO_ACCOUNT_SID", "twilio_account_sid"), ("TWILIO_API_KEY", "twilio_api_key"),
          ("TWILIO_API_SECRET", "twilio_api_secret"), ("TWILIO_TWIML_APP_SID", "twilio_twiml_app_sid"))


def missing_settings(settings) -> list[str]:
    """The environment names browser calling needs that are not set."""
    return [env for env, field in NEEDED if not getattr(settings, field)]


def access_token(settings, contact: str, now: datetime) -> dict:
    """`{"enabled": True, "token", "identity", "ttl_s", "expires_at"}`, or `{"enabled": False, "code", "reason":
    {"ko", "en"}}` with code `phone` (the agent answers on a phone) or `settings` (a setting is missing)."""
    if not contact.startswith(CLIENT):
        return _off("phone", f"전화 {contact}(으)로 받습니다", f"answers on the phone {contact}")
    missing = missing_settings(settings)
    if missing:
        names = ", ".join(missing)
        return _off("settings", f"브라우저 통화가 꺼져 있습니다: {names}이(가) 설정되지 않았습니다",
                    f"browser calling is off: {names} {'is' if len(missing) == 1 else 'are'} not set")
    identity, ttl_s, issued = contact[len(CLIENT):], settings.desk_token_ttl_s, int(now.timestamp())
    token = AccessToken(settings.twilio_account_sid, settings.twilio_api_key, settings.twilio_api_secret,
                        identity=identity, ttl=ttl_s, nbf=issued, valid_until=issued + ttl_s)
    token.add_grant(VoiceGrant(outgoing_application_sid=settings.twilio_twiml_app_sid, incoming_allow=True))
    expires = datetime.fromtimestamp(issued + ttl_s, tz=now.tzinfo)
    return {"enabled": True, "token": token.to_jwt(), "identity": identity, "ttl_s": ttl_s,
            "expires_at": expires.isoformat()}


def _off(code: str, ko: str, en: str) -> dict:
    return {"enabled": False, "code": code, "reason": {"ko": ko, "en": en}}
