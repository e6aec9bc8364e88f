"""How values are read aloud in Korean and English: digits, numbers, amounts, dates and times."""
from __future__ import annotations

from datetime import date, time

KO_DIGITS = "영일이삼사오육칠팔구"
KO_SMALL_UNITS = ("", "십", "백", "천")
KO_BIG_UNITS = ("", "만", "억", "조", "경")
EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December")
CURRENCY_WORDS = {"KRW": {"ko": "원", "en": "won"}, "USD": {"ko": "달러", "en": "dollars"}}


def digits(value: str, language: str) -> str:
    """'12345' -> '1 2 3 4 5': order and phone numbers are read digit by digit."""
    return " ".join(ch for ch in value if not ch.isspace())


def korean_number(n: int) -> str:
    """Sino-Korean reading: 12345 -> '만 이천삼백사십오', 0 -> '영'."""
    if n == 0:
        return "영"
    if n < 0:
        return "마이너스 " + korean_number(-n)
    groups, unit = [], 0
    while n:
        n, chunk = divmod(n, 10_000)
        if chunk:
            words = _korean_chunk(chunk)
            words = "" if (words == "일" and unit == 1) else words  # 만, not 일만
            groups.append(words + KO_BIG_UNITS[unit])
        unit += 1
    return " ".join(reversed(groups))


def _korean_chunk(n: int) -> str:
    out = []
    for place in range(3, -1, -1):
        d = n // 10**place % 10
        if d:
            out.append(("" if d == 1 and place else KO_DIGITS[d]) + KO_SMALL_UNITS[place])
    return "".join(out)


def number(value: str, language: str) -> str:
    n = _to_int(value)
    if n is None:
        return value
    return korean_number(n) if language == "ko" else f"{n:,}"


def amount(value: str, language: str, currency: str = "KRW") -> str:
    """'12000' -> '만 이천 원' / '12,000 won'; cents for USD-like currencies."""
    try:
        quantity = float(value.replace(",", ""))
    except ValueError:
        return value
    word = CURRENCY_WORDS.get(currency, {}).get(language, currency)
    whole, cents = int(quantity), round((quantity - int(quantity)) * 100)
    spoken = number(str(whole), language)
    if language == "ko":
        return f"{spoken} {word}" + (f" {korean_number(cents)} 센트" if cents else "")
    return f"{spoken} {word}" + (f" and {cents} cents" if cents else "")


def spoken_date(value: str, language: str) -> str:
    """'2026-01-05' -> '2026년 1월 5일' / 'January 5, 2026'."""
    try:
        day = date.fromisoformat(value.strip()[:10])
    except ValueError:
        return value
    if language == "ko":
        return f"{day.year}년 {day.month}월 {day.day}일"
    return f"{EN_MONTHS[day.month - 1]} {day.day}, {day.year}"


def spoken_time(value: str, language: str) -> str:
    """'14:30' -> '오후 2시 30분' / '2:30 PM'."""
    try:
        moment = time.fromisoformat(value.strip())
    except ValueError:
        return value
    hour12 = moment.hour % 12 or 12
    if language == "ko":
        half = "오전" if moment.hour < 12 else "오후"
        return f"{half} {hour12}시" + (f" {moment.minute}분" if moment.minute else "")
    return f"{hour12}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"


def _to_int(value: str) -> int | None:
    try:
        return int(value.replace(",", "").strip())
    except ValueError:
        return None
