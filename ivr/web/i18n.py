"""The pages' words in Korean and English: `t("key")` in templates, the language from ?lang= (kept in the
session), the browser, or the user. Others add their keys with `add({...})` (each key with both languages)."""
from __future__ import annotations

from flask import Flask, g, request, session

LANGUAGES = ("ko", "en")
STRINGS: dict[str, dict[str, str]] = {
    "app.name": {"ko": "콜센터", "en": "Call center"},
    "nav.sign_out": {"ko": "로그아웃", "en": "Sign out"},
    "nav.language": {"ko": "언어", "en": "Language"},
    "login.title": {"ko": "로그인", "en": "Sign in"},
    "login.username": {"ko": "아이디", "en": "Username"},
    "login.password": {"ko": "비밀번호", "en": "Password"},
    "login.submit": {"ko": "로그인", "en": "Sign in"},
    "login.bad": {"ko": "아이디 또는 비밀번호가 올바르지 않습니다.", "en": "Wrong username or password."},
    "login.throttled": {"ko": "로그인 실패가 너무 많습니다. 15분 후에 다시 시도해 주세요.",
                        "en": "Too many failed sign-ins. Please try again in 15 minutes."},
    "login.expired": {"ko": "오래 사용하지 않아 로그아웃되었습니다. 다시 로그인해 주세요.",
                      "en": "You were signed out after a while without use. Please sign in again."},
    "csrf.title": {"ko": "요청이 거부되었습니다", "en": "Request refused"},
    "csrf.text": {"ko": "보안 토큰이 없거나 만료되었습니다. 페이지를 새로 고친 뒤 다시 시도해 주세요.",
                  "en": "The form's security token is missing or expired. Reload the page and try again."},
    "forbidden.title": {"ko": "권한이 없습니다", "en": "Not allowed"},
    "forbidden.text": {"ko": "이 페이지는 회원님의 역할로 볼 수 없습니다.", "en": "Your role may not open this page."},
}


def add(strings: dict[str, dict[str, str]]) -> None:
    """Add keys (a package's own words); each must have every language, and no key may change meaning."""
    for key, texts in strings.items():
        missing = [lang for lang in LANGUAGES if not texts.get(lang)]
        if missing:
            raise ValueError(f"i18n key {key!r} lacks {', '.join(missing)}")
        if key in STRINGS and STRINGS[key] != texts:
            raise ValueError(f"i18n key {key!r} is defined already with other words")
        STRINGS[key] = dict(texts)


def language() -> str:
    """The switch's choice (?lang=, remembered in the session), else the browser's (Accept-Language), else the
    signed-in user's stored language (their last choice on any browser), else Korean."""
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    browser = request.accept_languages.best_match(LANGUAGES)
    if browser:
        return browser
    user = g.get("user")
    if user is not None and getattr(user, "language", None) in LANGUAGES:
        return user.language
    return LANGUAGES[0]


def t(key: str, **values) -> str:
    """The words for `key` in this request's language (the key itself when unknown, so a gap shows on the page)."""
    texts = STRINGS.get(key)
    if texts is None:
        return key
    text = texts.get(language()) or texts[LANGUAGES[0]]
    return text.format(**values) if values else text


def _remember_choice() -> None:
    chosen = request.args.get("lang")
    if chosen in LANGUAGES and request.method == "GET":
        session["lang"] = chosen


def init_app(app: Flask) -> None:
    app.before_request(_remember_choice)
    app.jinja_env.globals.update(t=t, language=language)
