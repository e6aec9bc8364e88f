"""Callbacks that keep the caller's place: the caller's menu, placing the call in its turn, and following its legs.

A waiting caller who takes the offer becomes a `callback` entry with a due time (as soon as possible, or a slot in
the queue's opening hours). The router serves it in its place like any caller once it is due; the worker whose
routing offered it (rows locked, FOR UPDATE SKIP LOCKED) places the one outbound call after committing. With
`agent_first` the agent is called and hears the context, then the caller is dialled; with `caller_first` the
caller is called, hears "connecting you to ...", then the agent is dialled. An unanswered caller is tried again
after `retry_gap_s`, up to `max_attempts`, then the entry ends `callback_failed`. Everything is rows with due
times: a restart or several workers lose or duplicate nothing.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable
from zoneinfo import ZoneInfo

from . import model, moves
from .model import AgentStatus, EntryStatus, QueueEntry
from .phone import callback_number, spoken
from .queues import Announcement, Callback, CallbackMode

log = logging.getLogger(__name__)
SLOTS = 3
SLOT_SEARCH_H = 24 * 8  # a week and a day of whole hours: long enough to pass a closed weekend and a holiday
TERMINAL = frozenset({"completed", "busy", "no-answer", "failed", "canceled"})
ANSWERED = frozenset({"completed", "answered"})
_DEFAULT = Callback()  # the settings of a callback whose queue no longer offers them
Opening = Callable[[str, datetime], datetime]  # (queue, moment) -> the first moment at or after it the queue is open


def always_open(queue: str, moment: datetime) -> datetime:
    return moment


@dataclass(frozen=True)
class MenuAnswer:
    """What the caller hears next in the callback menu: `texts`, then gather for `step` (carrying `number`),
    or `end`: hangup (done), wait (back to holding) or gone (no such caller waiting)."""

    texts: tuple[str, ...] = ()
    step: str = ""
    number: str = ""
    end: str = ""
    language: str = ""
    finish_on_key: bool = False


@dataclass(frozen=True)
class Leg:
    """The callback's first leg answered: say `text`, then dial `dial_to` (the caller, or the agent's contact)."""

    mode: str
    text: str
    language: str
    dial_to: str
    caller_id: str
    timeout_s: int


class CallbackService:
    """The callback menu, placing callbacks and following their legs; `queues` is the QueueService (its unit of
    work, config, clock and outbound port), `opening` tells when a queue opens (the flow's business hours)."""

    def __init__(self, queues, opening: Opening | None = None):
        self.queues, self.opening = queues, opening or always_open

    # -- the caller's menu (Gather actions of the wait URL) ----------------------------------------
    def menu(self, entry_id: int, call_sid: str, step: str, digits: str, number: str, our_number: str) -> MenuAnswer:
        """One answer of the callback menu; the last one files the callback (the entry keeps its place)."""
        now = self.queues.clock.now()
        with self.queues.uow() as uow:
            entry = uow.queues.entry(entry_id, lock=True)
            queue = self.queues.config.queues.get(entry.queue) if entry else None
            opening = entry is not None and _unconfirmed(entry)
            if entry is None or entry.call_sid != call_sid or queue is None or (queue.callback is None and not opening):
                return MenuAnswer(end="gone")
            if entry.status is not EntryStatus.WAITING and not opening:
                return MenuAnswer(end="wait", language=entry.language)
            words = self.queues.config.announcements.get(entry.language) or Announcement()
            answer, due_at = self._step(entry, queue, words, step, digits, number, now)
            if due_at is not None:
                filed = model.confirm_callback if opening else model.request_callback
                uow.queues.save_entry(filed(entry, answer.number, our_number, due_at))
                log.info("queue entry %s: callback to %s requested, due %s", entry.call_id, answer.number, due_at.isoformat())
            uow.commit()
        return _in(answer, entry.language)

    def _step(self, entry: QueueEntry, queue, words: Announcement, step: str, digits: str, number: str,
              now: datetime) -> tuple[MenuAnswer, datetime | None]:
        if step == "opening" or (step == "offer" and _unconfirmed(entry)):
            return self._confirm(words, callback_number(entry.from_number)), None
        if step == "offer":
            if digits != queue.callback.digit:
                return MenuAnswer(end="wait"), None
            return self._confirm(words, callback_number(entry.from_number)), None
        if _unconfirmed(entry) and step == "number" and digits == "1" and callback_number(number):
            return self._done(words, number, self.opening(entry.queue, now), now)  # closed: no choice of time
        if step == "number":
            if digits == "1" and callback_number(number):
                return self._when(words, number), None
            return (MenuAnswer((words.callback_enter,), "entered", finish_on_key=True) if digits == "2"
                    else self._confirm(words, callback_number(number))), None
        if step == "entered":
            typed = callback_number(digits)
            if typed is None:
                return MenuAnswer((words.callback_invalid, words.callback_enter), "entered", finish_on_key=True), None
            return self._confirm(words, typed), None
        valid = callback_number(number)
        if valid is None:
            return MenuAnswer((words.callback_enter,), "entered", finish_on_key=True), None
        if step == "when" and digits == "1":
            return self._done(words, valid, self.opening(entry.queue, now), now)
        slots = self.slots(entry.queue, now)
        if step == "slot" and digits.isdigit() and 1 <= int(digits) <= len(slots):
            return self._done(words, valid, slots[int(digits) - 1], now)
        if step in ("when", "slot") and (digits == "2" or step == "slot") and slots:
            texts = tuple(words.callback_slot.format(key=i, time=self._said(slot, words)) for i, slot in enumerate(slots, 1))
            return MenuAnswer(texts, "slot", valid), None
        return self._when(words, valid), None

    def _confirm(self, words: Announcement, number: str | None) -> MenuAnswer:
        if number is None:  # anonymous or foreign caller ID: ask for the number
            return MenuAnswer((words.callback_enter,), "entered", finish_on_key=True)
        return MenuAnswer((words.callback_number.format(number=spoken(number)),), "number", number)

    def _when(self, words: Announcement, number: str) -> MenuAnswer:
        return MenuAnswer((words.callback_when,), "when", number)

    def _done(self, words: Announcement, number: str, due_at: datetime, now: datetime) -> tuple[MenuAnswer, datetime]:
        when = words.callback_asap if due_at <= now else words.callback_at.format(time=self._said(due_at, words))
        return MenuAnswer((words.callback_done.format(number=spoken(number), when=when),), number=number, end="hangup"), due_at

    def _said(self, moment: datetime, words: Announcement) -> str:
        return moment.astimezone(ZoneInfo(self.queues.config.timezone)).strftime(words.callback_time)

    # -- a callback for a caller who is not in line (a voicemail left while closed) -----------------------
    def file_for(self, call_sid: str, number: str, our_number: str, language: str, queue: str = "") -> QueueEntry:
        """File a confirmed callback to `number` for call `call_sid` (which is over), due at `queue`'s next opening
        (queues.yaml's `callback_queue`, else its first queue, when none is named); a callback already filed for the call is returned as
        is. ValueError: a number that cannot be called back, or no such queue."""
        valid = callback_number(number)
        name = queue or self.queues.config.callback_queue or next(iter(self.queues.config.queues), "")
        if valid is None:
            raise ValueError(f"the caller's number {number[:20]!r} cannot be called back (anonymous or not a phone number)")
        if name not in self.queues.config.queues:
            raise ValueError(f"there is no queue {name[:40]!r} to call back from")
        now = self.queues.clock.now()
        with self.queues.uow() as uow:
            known = uow.queues.latest_entry(call_sid, lock=True)
            if known is not None and known.status is EntryStatus.CALLBACK and known.callback_number:
                return known
            entry = uow.queues.add_entry(QueueEntry(
                "", name, now, 0, {language: 1} if language else {}, {}, call_sid=call_sid, from_number=valid,
                node="callback", language=language))
            entry = model.confirm_callback(model.callback_at_opening(entry), valid, our_number, self.opening(name, now))
            uow.queues.save_entry(entry)
            uow.commit()
        log.info("call %s: callback to %s filed in queue %s, due %s", call_sid, valid, name, entry.callback_due_at.isoformat())
        self.queues.route_now()
        return entry

    def slots(self, queue: str, now: datetime) -> list[datetime]:
        """The next whole hours (up to three) at which `queue` is open: the times a caller may choose."""
        hour = now.replace(minute=0, second=0, microsecond=0)
        found: list[datetime] = []
        for step in range(1, SLOT_SEARCH_H):
            moment = hour + timedelta(hours=step)
            if self.opening(queue, moment) == moment:
                found.append(moment)
                if len(found) == SLOTS:
                    break
        return found

    # -- placing the call in its turn -------------------------------------------------------------------
    def place(self, entry_ids: list[int]) -> None:
        """Place the outbound call of each callback this worker's routing just offered (after its commit)."""
        telephony = self.queues.telephony
        for entry_id in entry_ids:
            call = self._call(entry_id)
            if call is None:
                continue
            call_sid = telephony.place_callback(entry_id, *call) if telephony is not None else None
            if call_sid is None:
                log.warning("queue entry %s: callback call not placed; tried again once its ring time is over", entry_id)
                continue
            with self.queues.uow() as uow:
                entry = uow.queues.entry(entry_id, lock=True)
                if entry is not None and entry.status is EntryStatus.OFFERED and not entry.callback_call_sid:
                    uow.queues.save_entry(model.callback_placed(entry, call_sid))
                    uow.commit()

    def _call(self, entry_id: int) -> tuple[str, str, str, int] | None:
        """(to, from, leg, ring timeout) of an offered callback not placed yet; None for other entries."""
        with self.queues.uow() as uow:
            entry = uow.queues.entry(entry_id)
            if entry is None or entry.status is not EntryStatus.OFFERED or not entry.callback_number or entry.callback_call_sid:
                return None
            agent = uow.queues.agent(entry.agent_id)
        settings = self._settings(entry)
        if settings.mode is CallbackMode.AGENT_FIRST:
            return agent.contact, entry.callback_from, "agent", int(self._ring_s(entry))
        return entry.callback_number, entry.callback_from, "caller", int(settings.ring_timeout_s)

    # -- the legs of the placed call ------------------------------------------------------------------
    def picked(self, entry_id: int, call_sid: str) -> Leg | None:
        """The placed call was answered and asks for its TwiML: what it hears and whom it dials; None: hang up."""
        now = self.queues.clock.now()
        with self.queues.uow() as uow:
            entry = uow.queues.entry(entry_id, lock=True)
            if not _ours(entry, call_sid) or entry.status is not EntryStatus.OFFERED:
                log.warning("callback leg %s for queue entry %s is not the current offer: hanging up", call_sid, entry_id)
                return None
            settings = self._settings(entry)
            entry = entry if entry.callback_call_sid else model.callback_placed(entry, call_sid)
            uow.queues.save_entry(model.callback_picked(entry, now, now + timedelta(seconds=settings.ring_timeout_s + 30)))
            agent = uow.queues.agent(entry.agent_id)
            uow.commit()
        words = self.queues.config.announcements.get(entry.language) or Announcement()
        if settings.mode is CallbackMode.AGENT_FIRST:
            text = words.callback_whisper.format(context=entry.whisper or entry.queue)
            return Leg(settings.mode.value, text, entry.language, entry.callback_number, entry.callback_from,
                       int(settings.ring_timeout_s))
        return Leg(settings.mode.value, words.callback_connecting.format(queue=entry.queue), entry.language,
                   agent.contact if agent else "", entry.callback_from, int(self._ring_s(entry)))

    def joined(self, entry_id: int) -> bool:
        """The second leg answered (agent_first: the caller; caller_first goes through the queue's whisper): the
        wait ends; False when the offer is gone."""
        now = self.queues.clock.now()
        with self.queues.uow() as uow:
            entry = uow.queues.entry(entry_id, lock=True)
            if entry is None or entry.status is not EntryStatus.OFFERED or not entry.callback_number:
                return False
            moves.answer(uow.queues, entry, now)
            uow.commit()
        return True

    def dialed(self, entry_id: int, call_sid: str, status: str, duration_s: int) -> None:
        """The first leg's Dial to the second ended: answered calls complete; otherwise the mode says who missed."""
        self._ended(entry_id, call_sid, status in ANSWERED, duration_s)

    def status(self, entry_id: int, call_sid: str, status: str) -> None:
        """The placed call's status callback: once it is over, settle an offer its Dial action did not."""
        if status in TERMINAL:
            self._ended(entry_id, call_sid, False, 0)

    def _ended(self, entry_id: int, call_sid: str, answered: bool, duration_s: int) -> None:
        now = self.queues.clock.now()
        with self.queues.uow() as uow:
            entry = uow.queues.entry(entry_id, lock=True)
            if not _ours(entry, call_sid):
                return
            if answered and entry.status is EntryStatus.OFFERED:
                entry = moves.answer(uow.queues, entry, now - timedelta(seconds=duration_s))
            if entry.status is EntryStatus.ANSWERED:
                moves.complete(uow.queues, self.queues.config, entry, now)
            elif entry.status is EntryStatus.OFFERED:
                self.unanswered(uow.queues, entry, now)
            uow.commit()
        self.queues.route_now()

    def unanswered(self, repo, entry: QueueEntry, now: datetime) -> None:
        """An offered callback ended unconnected. Not placed: due again at once. The agent's leg unanswered: the
        agent missed it. The caller's leg unanswered: an attempt, retried after the gap or failed."""
        settings = self._settings(entry)
        agent_first = settings.mode is CallbackMode.AGENT_FIRST
        if not entry.callback_call_sid:
            _release(repo, entry, now)
            repo.save_entry(model.callback_again(entry))
        elif agent_first and entry.callback_picked_at is None or not agent_first and entry.callback_picked_at:
            moves.missed(repo, entry, now)
        else:
            _release(repo, entry, now)
            repo.offer_outcome(entry, "unanswered", now)
            after = model.callback_unanswered(entry, now, settings.retry_gap_s, settings.max_attempts)
            repo.save_entry(after)
            if after.status is EntryStatus.CALLBACK_FAILED:
                log.warning("queue entry %s: callback to %s failed after %s attempts", entry.call_id,
                            entry.callback_number, after.callback_attempts)

    def _settings(self, entry: QueueEntry):
        queue = self.queues.config.queues.get(entry.queue)
        return queue.callback if queue is not None and queue.callback is not None else _DEFAULT

    def _ring_s(self, entry: QueueEntry) -> float:
        queue = self.queues.config.queues.get(entry.queue)
        return queue.ring_timeout_s if queue is not None else 20


def _unconfirmed(entry: QueueEntry) -> bool:
    """A callback at opening whose caller has not confirmed a number yet (model.callback_at_opening)."""
    return entry.status is EntryStatus.CALLBACK and not entry.callback_number and entry.callback_due_at is None


def _ours(entry: QueueEntry | None, call_sid: str) -> bool:
    # The answer can beat the placing worker's commit of the CallSid: an offer with none yet takes the first.
    return entry is not None and bool(entry.callback_number) and entry.callback_call_sid in ("", call_sid)


def _release(repo, entry: QueueEntry, now: datetime) -> None:
    agent = repo.agent(entry.agent_id, lock=True)
    if agent is not None and agent.status is AgentStatus.RESERVED and agent.call_id == entry.call_id:
        repo.save_agent(model.withdraw(agent, now), now)


def _in(answer: MenuAnswer, language: str) -> MenuAnswer:
    return MenuAnswer(answer.texts, answer.step, answer.number, answer.end, language, answer.finish_on_key)
