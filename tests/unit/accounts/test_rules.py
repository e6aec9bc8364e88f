"""The rules for names, roles, passwords and agent ids; safe `next` targets; the pages' words."""
from __future__ import annotations

import pytest

from ivr.accounts import model
from ivr.accounts.errors import BadUserInput
from ivr.accounts.model import Role
from ivr.accounts.passwords import Passwords
from ivr.accounts.web import safe_next
from ivr.web import i18n


@pytest.mark.parametrize("given, kept", [("Kim", "kim"), (" lee.s ", "lee.s"), ("a_1-b", "a_1-b")])
def test_usernames_are_kept_lower_case(given, kept):
    assert model.check_username(given) == kept


@pytest.mark.parametrize("given", ["", "k", "-kim", "kim lee", "김민지", "x" * 65, None, 7])
def test_bad_usernames_are_refused(given):
    with pytest.raises(BadUserInput, match="username"):
        model.check_username(given)


@pytest.mark.parametrize("password, words", [("", "required"), (None, "required"), ("Ab3-def", "too short"),
                                             ("x" * 257, "too long"), ("abababababab", "too easy"),
                                             ("my-kim-password", "too easy")])
def test_weak_passwords_are_refused_without_repeating_them(password, words):
    with pytest.raises(BadUserInput, match=words) as refused:
        model.check_password(password, "kim")
    assert not password or password not in str(refused.value)


def test_agents_need_an_agent_id_and_others_have_none():
    assert model.check_agent(Role.AGENT, " kim ") == "kim"
    assert model.check_agent(Role.ADMIN, None) is None
    with pytest.raises(BadUserInput, match="needs an agent id"):
        model.check_agent(Role.AGENT, "")
    with pytest.raises(BadUserInput, match="only agent users"):
        model.check_agent(Role.SUPERVISOR, "kim")


def test_an_unknown_role_is_refused_by_name():
    with pytest.raises(BadUserInput, match="role 'root' is unknown: use agent, supervisor or admin"):
        model.check_role("root")


def test_a_password_hash_verifies_only_its_password():
    passwords = Passwords()
    stored = passwords.hash("Morning-Tea-2026")
    assert stored.startswith("$argon2id$") and "Morning-Tea-2026" not in stored
    assert passwords.verify(stored, "Morning-Tea-2026") and not passwords.verify(stored, "morning-tea-2026")
    assert not passwords.verify("not a hash", "x") and not passwords.check_unknown("Morning-Tea-2026")


@pytest.mark.parametrize("target, kept", [
    ("/desk", "/desk"), ("/board?view=today", "/board?view=today"), (None, None), ("", None), ("desk", None),
    ("//evil.example/x", None), ("/\\evil.example", None), ("https://evil.example/", None), ("/login?next=/x", None)])
def test_only_paths_on_this_site_are_followed_after_sign_in(target, kept):
    assert safe_next(target) == kept


def test_every_word_has_korean_and_english():
    assert [key for key, texts in i18n.STRINGS.items() if set(texts) != set(i18n.LANGUAGES)] == []


def test_added_words_need_both_languages_and_cannot_change_meaning():
    with pytest.raises(ValueError, match="lacks en"):
        i18n.add({"test.only_ko": {"ko": "한국어만"}})
    with pytest.raises(ValueError, match="defined already"):
        i18n.add({"login.title": {"ko": "다른 말", "en": "Other words"}})
