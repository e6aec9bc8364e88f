"""The desk page's words in Korean and English: registered with the pages' i18n, and handed to desk.js (the words
its script writes) through a data attribute, in the page's language."""
from __future__ import annotations

from ivr.web import i18n

WORDS = {
    "desk.title": {"ko": "상담원 화면", "en": "Agent desk"},
    "desk.presence": {"ko": "상태", "en": "Status"},
    "desk.available": {"ko": "상담 가능", "en": "Available"},
    "desk.break": {"ko": "휴식", "en": "Break"},
    "desk.offline": {"ko": "오프라인", "en": "Offline"},
    "desk.reserved": {"ko": "전화 울림", "en": "Ringing"},
    "desk.busy": {"ko": "통화 중", "en": "On a call"},
    "desk.wrap_up": {"ko": "후처리", "en": "Wrap-up"},
    "desk.missed": {"ko": "부재중", "en": "Missed"},
    "desk.break_reason": {"ko": "휴식 사유", "en": "Break reason"},
    "desk.since": {"ko": "부터", "en": "since"},
    "desk.wrap_left": {"ko": "후처리 남은 시간: {s}초", "en": "Wrap-up time left: {s} s"},
    "desk.ready": {"ko": "후처리 끝내고 대기", "en": "Ready for the next call"},
    "desk.live": {"ko": "실시간 연결됨", "en": "Live"},
    "desk.reconnecting": {"ko": "다시 연결하는 중…", "en": "Reconnecting…"},
    "desk.phone": {"ko": "전화 받기", "en": "Answering"},
    "desk.phone_number": {"ko": "전화 {number}(으)로 받으세요", "en": "Answer on your phone {number}"},
    "desk.phone_ready": {"ko": "브라우저 전화가 준비되었습니다", "en": "The browser phone is ready"},
    "desk.phone_starting": {"ko": "브라우저 전화를 준비하는 중…", "en": "Starting the browser phone…"},
    "desk.phone_failed": {"ko": "브라우저 전화 오류: {error}", "en": "Browser phone error: {error}"},
    "desk.phone_incoming": {"ko": "전화가 왔습니다", "en": "A call is coming in"},
    "desk.answer": {"ko": "받기", "en": "Answer"},
    "desk.no_call": {"ko": "지금은 연결된 고객이 없습니다.", "en": "No caller right now."},
    "desk.card": {"ko": "고객 정보", "en": "Caller"},
    "desk.number": {"ko": "전화번호", "en": "Number"},
    "desk.language": {"ko": "언어", "en": "Language"},
    "desk.queue": {"ko": "대기열", "en": "Queue"},
    "desk.waited": {"ko": "대기 시간", "en": "Waited"},
    "desk.priority": {"ko": "우선순위", "en": "Priority"},
    "desk.entered": {"ko": "입력한 값", "en": "Entered"},
    "desk.masked": {"ko": "(가려짐)", "en": "(hidden)"},
    "desk.said": {"ko": "고객이 말한 내용", "en": "What they said"},
    "desk.confidence": {"ko": "신뢰도 {pct}%", "en": "confidence {pct}%"},
    "desk.path": {"ko": "거쳐 온 메뉴", "en": "Their path"},
    "desk.why": {"ko": "배정 이유", "en": "Why you"},
    "desk.history": {"ko": "최근 30일 통화", "en": "Earlier calls (30 days)"},
    "desk.no_history": {"ko": "최근 30일 동안 통화가 없습니다.", "en": "No calls in the last 30 days."},
    "desk.outcome": {"ko": "결과", "en": "Outcome"},
    "desk.disposition": {"ko": "처리 결과", "en": "Disposition"},
    "desk.notes": {"ko": "메모", "en": "Notes"},
    "desk.follow_up": {"ko": "후속 조치 필요", "en": "Follow-up needed"},
    "desk.wrapup": {"ko": "통화 마무리", "en": "Wrap-up"},
    "desk.wrapup_save": {"ko": "저장", "en": "Save"},
    "desk.wrapup_save_ready": {"ko": "저장하고 대기", "en": "Save and get ready"},
    "desk.wrapup_saved": {"ko": "저장되었습니다", "en": "Saved"},
    "desk.choose": {"ko": "선택하세요", "en": "Choose"},
    "desk.day": {"ko": "오늘", "en": "My day"},
    "desk.handled": {"ko": "처리한 통화", "en": "Calls handled"},
    "desk.avg_handle": {"ko": "평균 처리 시간", "en": "Average handle time"},
    "desk.time_in": {"ko": "상태별 시간", "en": "Time in each state"},
    "desk.seconds": {"ko": "{s}초", "en": "{s} s"},
    "desk.keys": {"ko": "누른 키 {digits}", "en": "pressed {digits}"},
    "desk.chose_language": {"ko": "언어 {language} 선택", "en": "chose language {language}"},
    "desk.queued": {"ko": "대기열 {queue}에 들어감", "en": "queued for {queue}"},
    "desk.rule": {"ko": "규칙 {rule}", "en": "rule {rule}"},
    "desk.error": {"ko": "요청이 거부되었습니다: {error}", "en": "Refused: {error}"},
}
SCRIPT_KEYS = [key for key in WORDS if key != "desk.title"]


def register() -> None:
    """Add the desk's words to the pages' dictionary (called when the desk's pages are registered)."""
    i18n.add(WORDS)


def for_page() -> dict[str, str]:
    """The words desk.js writes, in this request's language, keyed without the `desk.` prefix."""
    return {key.removeprefix("desk."): i18n.t(key) for key in SCRIPT_KEYS}
