"""The pages' language: the switch's choice (kept in the session, saved with a signed-in user) before the
browser's Accept-Language, before the user's stored language, before Korean."""
from __future__ import annotations

import pytest

from accounts_pages import sign_in

KO_TITLE, EN_TITLE = "<title>로그인 · 콜센터</title>", "<title>Sign in · Call center</title>"


def lang_of(answer) -> str:
    text = answer.get_data(as_text=True)
    return text.split('<html lang="', 1)[1].split('"', 1)[0]


@pytest.mark.parametrize("header, expected", [(None, "ko"), ("en-US,en;q=0.9", "en"), ("ko-KR,ko;q=0.9,en;q=0.8", "ko"),
                                              ("fr-FR,en;q=0.5", "en"), ("fr-FR", "ko")])
def test_without_a_choice_the_browser_language_decides(browser, header, expected):
    answer = browser.get("/login", headers={"Accept-Language": header} if header else {})
    assert lang_of(answer) == expected
    assert (EN_TITLE if expected == "en" else KO_TITLE) in answer.get_data(as_text=True)


def test_the_switch_beats_the_browser_and_is_remembered(browser):
    english = {"Accept-Language": "en-US"}
    assert lang_of(browser.get("/login?lang=ko", headers=english)) == "ko"
    assert lang_of(browser.get("/login", headers=english)) == "ko"


def test_the_browser_beats_the_users_stored_language(app, browser):
    app.extensions["ivr"].accounts.add("lee", "Quiet-River-41", "supervisor", language="en")
    sign_in(browser, "lee", "Quiet-River-41")
    assert lang_of(browser.get("/board", headers={"Accept-Language": "ko-KR"})) == "ko"


def test_the_users_stored_language_applies_when_the_browser_names_none_we_speak(app, browser):
    app.extensions["ivr"].accounts.add("lee", "Quiet-River-41", "supervisor", language="en")
    sign_in(browser, "lee", "Quiet-River-41")
    assert lang_of(browser.get("/board", headers={"Accept-Language": "fr-FR"})) == "en"
    assert lang_of(browser.get("/board")) == "en"


def test_a_signed_in_users_switch_is_saved_with_the_user(app, browser):
    sign_in(browser, "sue")
    assert lang_of(browser.get("/board?lang=en", headers={"Accept-Language": "ko-KR"})) == "en"
    assert [u["language"] for u in app.extensions["ivr"].accounts.users() if u["username"] == "sue"] == ["en"]
    elsewhere = app.test_client()  # another browser that names no language we speak
    sign_in(elsewhere, "sue")
    assert lang_of(elsewhere.get("/board", headers={"Accept-Language": "de-DE"})) == "en"


def test_a_switch_to_an_unknown_language_is_ignored(app, browser):
    sign_in(browser, "sue")
    assert lang_of(browser.get("/board?lang=xx", headers={"Accept-Language": "ko"})) == "ko"
    assert [u["language"] for u in app.extensions["ivr"].accounts.users() if u["username"] == "sue"] == ["ko"]
