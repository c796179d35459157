"""Stage 1 lexicon: numbers (digits, words, doubled "one hundred eighty (180)"), units, months, dates.

Pure helpers for the time tokenizer; standard library only, no I/O.
"""

from __future__ import annotations

import datetime as dt
import re

from tracker.model import DateRef, DateRefKind, Unit

_SMALL = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SCALE = {"hundred": 100, "thousand": 1000}
NUMBER_WORDS = (*_SMALL, *_SCALE)
_WORD = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
# "one hundred eighty", "twenty-four", "ninety"; the optional "(180)" confirms it in digits.
WORDNUM = rf"(?:(?:{_WORD})(?:(?:[\s-]+|\s+and\s+)(?:{_WORD}))*)"
NUM = rf"(?:\d{{1,4}}|a|an|{WORDNUM})(?:\s*\(\d{{1,4}}\))?"

_UNIT_WORDS = {
    "day": Unit.DAYS,
    "week": Unit.WEEKS,
    "month": Unit.MONTHS,
    "year": Unit.YEARS,
    "hour": Unit.HOURS,
}
UNIT = r"(?:(?:calendar|business|working)\s+)?(?:day|week|month|year|hour)s?"

MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        1,
    )
}
_MONTH_ABBR = {m[:3]: i for m, i in MONTHS.items()} | {"sept": 9}
MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)"
)
WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
# A full date: "Friday, May 6, 2016", "May 6, 2016", "6 May 2016", "5/15/2016".
DATE = (
    rf"(?:(?:{WEEKDAY},?\s+)?{MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}\s+{MONTH}\s+\d{{4}}|\d{{1,2}}/\d{{1,2}}/\d{{4}})"
)
_DATE_PARTS = re.compile(
    rf"(?:(?P<wd>{WEEKDAY}),?\s+)?(?P<m>{MONTH})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})"
    rf"|(?P<d2>\d{{1,2}})\s+(?P<m2>{MONTH})\s+(?P<y2>\d{{4}})"
    r"|(?P<nm>\d{1,2})/(?P<nd>\d{1,2})/(?P<ny>\d{4})"
)
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def month_number(name: str) -> int | None:
    key = name.lower().rstrip(".")
    return MONTHS.get(key) or _MONTH_ABBR.get(key[:4] if key.startswith("sept") else key[:3])


def words_to_int(words: str) -> int | None:
    """ "one hundred eighty" → 180, "twenty-four" → 24; None when a word is not a number word."""
    total, current = 0, 0
    for w in re.split(r"[\s-]+", words.lower().strip()):
        if w in ("", "and"):
            continue
        if w in _SMALL:
            current += _SMALL[w]
        elif w == "hundred":
            current = max(current, 1) * 100
        elif w == "thousand":
            total += max(current, 1) * 1000
            current = 0
        else:
            return None
    return total + current


_DOUBLED = re.compile(r"^(?P<w>.*?)\s*\((?P<d>\d{1,4})\)$", re.S)


def parse_number(text: str) -> tuple[int | None, bool]:
    """Value of a NUM match and whether its words and digits disagree ("ninety (60)")."""
    text = text.strip()
    m = _DOUBLED.match(text)
    if m:
        head = parse_number(m.group("w"))[0]
        digits = int(m.group("d"))
        return digits, head is not None and head != digits
    if text.isdigit():
        return int(text), False
    if text.lower() in ("a", "an"):
        return 1, False
    return words_to_int(text), False


def parse_unit(text: str) -> Unit | None:
    t = text.lower()
    if t.startswith(("business", "working")):
        return Unit.BUSINESS_DAYS
    word = t.split()[-1].rstrip("s")
    return _UNIT_WORDS.get(word)


def parse_date(text: str) -> tuple[DateRef | None, bool]:
    """A DATE match → (DateRef, weekday_mismatch); (None, False) for an impossible date."""
    m = _DATE_PARTS.search(text)
    if not m:
        return None, False
    if m.group("m"):
        month, day, year = month_number(m.group("m")), int(m.group("d")), int(m.group("y"))
    elif m.group("m2"):
        month, day, year = month_number(m.group("m2")), int(m.group("d2")), int(m.group("y2"))
    else:
        month, day, year = int(m.group("nm")), int(m.group("nd")), int(m.group("ny"))
    try:
        ref = DateRef(DateRefKind.DATE, year, month, day)
    except (ValueError, TypeError):  # "February 30", year 0
        return None, False
    wd = m.group("wd") if m.group("m") else None
    mismatch = bool(wd) and _WEEKDAYS[dt.date(year, month or 1, day).weekday()] != wd.lower()
    return ref, mismatch


def ref_date(ref: DateRef) -> dt.date | None:
    """The calendar date of a full-date reference (None for month/year references)."""
    if ref.kind == DateRefKind.DATE and ref.month and ref.day:
        return dt.date(ref.year, ref.month, ref.day)
    return None


# Recurrence words and periods as RRULE frequencies.
_FREQ = {
    "annual": "FREQ=YEARLY;INTERVAL=1",
    "annually": "FREQ=YEARLY;INTERVAL=1",
    "yearly": "FREQ=YEARLY;INTERVAL=1",
    "biennial": "FREQ=YEARLY;INTERVAL=2",
    "biennially": "FREQ=YEARLY;INTERVAL=2",
    "semiannual": "FREQ=MONTHLY;INTERVAL=6",
    "semiannually": "FREQ=MONTHLY;INTERVAL=6",
    "biannual": "FREQ=MONTHLY;INTERVAL=6",
    "biannually": "FREQ=MONTHLY;INTERVAL=6",
    "quarterly": "FREQ=MONTHLY;INTERVAL=3",
    "monthly": "FREQ=MONTHLY;INTERVAL=1",
    "weekly": "FREQ=WEEKLY;INTERVAL=1",
}
_UNIT_FREQ = {
    Unit.DAYS: ("DAILY", 1),
    Unit.WEEKS: ("WEEKLY", 1),
    Unit.MONTHS: ("MONTHLY", 1),
    Unit.YEARS: ("YEARLY", 1),
    Unit.HOURS: ("HOURLY", 1),
}


def frequency(word: str) -> str | None:
    return _FREQ.get(word.lower().replace("-", ""))


def every(amount: int, unit: Unit) -> str | None:
    if unit == Unit.BUSINESS_DAYS:
        return None
    freq, _ = _UNIT_FREQ[unit]
    return f"FREQ={freq};INTERVAL={amount}"
