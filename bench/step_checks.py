"""Before the load: calls brought to the menu, and proof that each side answers what we mean to measure."""
from __future__ import annotations

from step_servers import Gunicorn
from step_webhooks import REPEAT_MENU, Signer, body, call_form, step_path

APOLOGY_MARK = "죄송합니다. 일시적인"  # the start of the fallback's Korean apology (ivr/config.py)


def prepare(full: Gunicorn, signer: Signer, calls: int) -> None:
    """Bring `calls` calls to main_menu: bench/flows/menu.yaml greets, then waits there."""
    for index in range(calls):
        post_signed(full, signer, "/voice", call_form(index, CallStatus="ringing"), "node=main_menu")
    print(f"prepared {calls} calls at main_menu")


def check_menu(full: Gunicorn, signer: Signer) -> str:
    """One measured-kind request by hand: it must be the menu again, not the fallback apology."""
    menu = post_signed(full, signer, step_path("main_menu"), call_form(0, Digits=REPEAT_MENU["digits"]),
                       "node=main_menu")
    if APOLOGY_MARK in menu or "<Gather" not in menu:
        raise SystemExit(f"the real endpoint did not answer the menu:\n{menu}")
    print(f"checked: a signed step answers 200 with the menu ({len(menu.encode())} bytes)")
    return menu


def check_forgery_refused(full: Gunicorn) -> None:
    form = call_form(0, Digits=REPEAT_MENU["digits"])
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": "forged"}
    answer = full.post(step_path("main_menu"), body(form), headers)
    if answer.status != 403:
        raise SystemExit(f"a forged signature got {answer.status}, not 403: the signature check is not on")
    print("checked: a forged signature is refused with 403 (the check is on)")


def check_bare(bare: Gunicorn, menu: str) -> None:
    answer = bare.post(step_path("main_menu"), "", {})
    if answer.status != 200 or answer.body != menu:
        raise SystemExit(f"the bare endpoint answered {answer.status} with other bytes than the menu")


def post_signed(server: Gunicorn, signer: Signer, path: str, form: dict[str, str], expect: str) -> str:
    answer = server.post(path, body(form), signer.headers(server.url + path, form))
    if answer.status != 200 or expect not in answer.body:
        raise SystemExit(f"POST {path} for {form['CallSid']} answered {answer.status}:\n{answer.body}")
    return answer.body


def signed_steps(full: Gunicorn, signer: Signer, calls: int) -> list[tuple[str, str]]:
    """(body, signature) of the repeat-menu step of every call, signed for the real server's URL."""
    url = full.url + step_path(REPEAT_MENU["node"])
    forms = [call_form(index, Digits=REPEAT_MENU["digits"]) for index in range(calls)]
    return [(body(form), signer.headers(url, form)["X-Twilio-Signature"]) for form in forms]
