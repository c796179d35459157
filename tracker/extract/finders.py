"""Stage 1, the finders: each runs the patterns of `tracker.extract.patterns` over the text windows
`tracker.extract.scan` gives it (as cheaply as `tracker.extract.prefilter` allows) and turns their
matches into `TimeToken`s. Pure: standard library only, no I/O, no clock.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from tracker.extract.numbers import (
    MONTH,
    NUMBER_WORDS,
    every,
    frequency,
    month_number,
    parse_date,
    parse_number,
    parse_unit,
)
from tracker.extract.patterns import (
    _INSTRUMENT_ANCHOR,
    _WS,
    ABS_DATE,
    BARE_OFFSET,
    BARE_OFFSET_RUNS,
    BEFORE_EVENT,
    COPULAR,
    EVENT,
    FISCAL,
    FOR_EACH_FY,
    IMMEDIATELY,
    MONTH_YEAR,
    OFFSET,
    OFFSET_RUNS,
    ORDINAL_DAY,
    RECUR,
    SCHEDULE,
    THEREAFTER,
    WINDOW,
    YEAR_END,
    TimeToken,
)
from tracker.extract.prefilter import may_hold, scan_led, scan_windows
from tracker.model import DateRef, DateRefKind, Period, Unit


@lru_cache(maxsize=512)
def _period(num: str, unit: str, sign: int = 1) -> tuple[Period | None, tuple[str, ...]]:
    """The period a number and a unit as written give ("ninety (90)", "calendar days"); memoized, as a
    few phrasings recur throughout every document."""
    value, mismatch = parse_number(num)
    u = parse_unit(unit)
    if value is None or u is None or value == 0:
        return None, ()
    return Period(sign * value, u), ("words_digits_mismatch",) if mismatch else ()


@lru_cache(maxsize=256)
def _relation(rel: str) -> str:
    """ "Not later than" → "not_later_than" (memoized: a handful of phrasings)."""
    return _WS.sub("_", rel.lower())


def _anchor(m: re.Match[str]) -> tuple[str, int]:
    if "anchor" in m.re.groupindex and m.group("anchor"):
        a = m.group("anchor")
        cut = _INSTRUMENT_ANCHOR.match(a) if may_hold(a, ("this", "present")) else None
        if cut and a[cut.end() :].strip():
            a = a[: cut.end()]
        return a.strip(), m.start("anchor")
    return "", -1


def _end_of(m: re.Match[str], a_text: str, a_start: int) -> int:
    """Token end: the end of the (possibly shortened) anchor phrase, else of the match."""
    return a_start + len(a_text) if a_text else m.end()


# Literals every match of a pattern contains (one of each group): a window lacking one is not scanned.
_UNITS = ("day", "week", "month", "year", "hour")
_NEED: dict[re.Pattern[str], tuple[tuple[str, ...], ...]] = {
    OFFSET: (("ithin", "later", "first"), _UNITS),
    BARE_OFFSET: (("after", "following", "prior", "before"), _UNITS),
    ORDINAL_DAY: (("day",),),
    WINDOW: (("period",), ("beginning", "starting", "commencing")),
    COPULAR: (("eadline",),),
    SCHEDULE: ((":",),),
    YEAR_END: (("end",),),
    FISCAL: (("fiscal", "FY"),),
    FOR_EACH_FY: (("fiscal",), ("each",)),
    EVENT: (("pon", "ollowing", "soon", "After"),),
    BEFORE_EVENT: (("before",),),
    IMMEDIATELY: (("immediately", "soon"),),
    THEREAFTER: (("thereafter",),),
}


# Shapes every match contains, for patterns whose literals are common but whose shape is rare: the unit
# and the preposition after it ("days after "), "day" and the preposition after it ("30th day after "),
# a month and a year ("March 2027"). A window without the shape is not scanned.
_SHAPES: dict[re.Pattern[str], re.Pattern[str]] = {
    BARE_OFFSET: re.compile(r"(?:day|week|month|year|hour)s?\s+(?:after|following|prior\s+to|before)\s"),
    ORDINAL_DAY: re.compile(r"day\s+(?:after|following|from|of)\s"),
    MONTH_YEAR: re.compile(rf"{MONTH}\s+\d{{4}}"),
}


# What may stand between the start of a match and its unit, read backwards from the unit: white space,
# digits, "(", ")", "-" and whole words of the number, of its rel ("no more than") and of the unit
# ("calendar"). A match of BARE_OFFSET starts within it, just before a shape; the regex engine is spared a
# try at every position of the window (the pattern has no first character or literal it could look for).
_REL_WORDS = ("No", "no", "Not", "not", "more", "than", "and")
_LEAD_WORDS = (*NUMBER_WORDS, *_REL_WORDS, "calendar", "business", "working")
_BACKWARDS = "|".join(sorted((w[::-1] for w in _LEAD_WORDS), key=len, reverse=True))
_LEADS: dict[re.Pattern[str], re.Pattern[str]] = {
    BARE_OFFSET: re.compile(rf"(?:\s|\d|[()\-]|(?:{_BACKWARDS})(?![A-Za-z]))*"),
}


# Where a match can start: each opener consumes one character (so no start is skipped) and only
# implies what the pattern requires there. A pattern that opens with a word boundary makes the regex
# engine try every position; the opener is scanned instead and the pattern is matched at its hits.
_NOT_AFTER_WORD = r"(?<!\w.)"
_OPENERS: dict[re.Pattern[str], re.Pattern[str]] = {
    ORDINAL_DAY: re.compile(
        rf"[OoNnBb]{_NOT_AFTER_WORD}(?=(?:n\s+or\s+before|ot?\s+later\s+than|y)\s+the\s)"
    ),
    # ABS_DATE: its rel, then the first character of a time or date (a digit, a weekday or a month).
    ABS_DATE: re.compile(
        rf"[BbNnOoai]{_NOT_AFTER_WORD}(?=(?:y|ot?\s+later\s+than|n\s+or\s+before|efore|n"
        r"|re\s+due(?:\s+(?:on|by))?|s\s+due(?:\s+(?:on|by))?):?\s+[\dADFJMNOSTW])"
    ),
    MONTH_YEAR: re.compile(rf"[BbNnSs]{_NOT_AFTER_WORD}(?=y|ot?\s+later|tarting|eginning|efore)"),
    EVENT: re.compile(rf"[UuFfAa]{_NOT_AFTER_WORD}(?=pon|ollowing|s\s+soon|fter)"),
    RECUR: re.compile(
        rf"[aoebsqm]{_NOT_AFTER_WORD}(?=t\s+least|nce\s+every|very|n\s+an?\s|nnual|iennial|emi-?annual"
        r"|i-?annual|uarterly|onthly|ach\s+fiscal)"
    ),
}


# The prefilters of each pattern, by `id`: hashing a compiled pattern hashes its whole source each time.
_PREFILTERS = {
    id(rx): (_NEED.get(rx, ()), _OPENERS.get(rx), _SHAPES.get(rx))
    for rx in (
        *(OFFSET, BARE_OFFSET, ORDINAL_DAY, WINDOW, ABS_DATE, COPULAR, SCHEDULE, MONTH_YEAR, YEAR_END),
        *(FISCAL, FOR_EACH_FY, EVENT, BEFORE_EVENT, IMMEDIATELY, THEREAFTER, RECUR),
    )
}


_BARE = (_NEED[BARE_OFFSET], _SHAPES[BARE_OFFSET], _LEADS[BARE_OFFSET])


def _scan(rx: re.Pattern[str], text: str, windows: list[tuple[int, int]]) -> Iterator[re.Match[str]]:
    # The two offset patterns run in their faster form (`patterns._ANCHOR_RUNS`), matches alike.
    if rx is BARE_OFFSET:
        return scan_led(BARE_OFFSET_RUNS, text, windows, *_BARE, exact=rx)
    if rx is OFFSET:
        return scan_windows(OFFSET_RUNS, text, windows, *_PREFILTERS[id(rx)], exact=rx)
    return scan_windows(rx, text, windows, *_PREFILTERS[id(rx)])


def _offsets(text: str, windows: list[tuple[int, int]]) -> Iterator[TimeToken]:
    for rx in (OFFSET, BARE_OFFSET):
        for m in _scan(rx, text, windows):
            prep = (m.group("prep") or "").lower()  # both patterns have "prep" and "rel" groups
            negative = prep in ("before", "prior to") or prep.startswith("prior")
            period, flags = _period(m.group("num"), m.group("unit"), -1 if negative else 1)
            if period is None:
                continue
            rel = _relation(m.group("rel") or "after")
            if rx is BARE_OFFSET and not prep:
                continue
            a_text, a_start = _anchor(m)
            end = _end_of(m, a_text, a_start) if a_text else m.end("unit")
            yield TimeToken(
                "offset",
                m.start(),
                end,
                text[m.start() : end],
                rel,
                period,
                None,
                False,
                a_text,
                a_start,
                flags=flags,
            )
    for m in _scan(ORDINAL_DAY, text, windows):
        a_text, a_start = _anchor(m)
        yield TimeToken(
            "offset",
            m.start(),
            m.end(),
            m.group(0),
            "on_or_before",
            Period(int(m.group("ord")), Unit.DAYS),
            None,
            False,
            a_text,
            a_start,
        )
    for m in _scan(WINDOW, text, windows):
        period, flags = _period(m.group("num"), m.group("unit"))
        if period is None:
            continue
        a_text, a_start = _anchor(m)
        yield TimeToken(
            "offset",
            m.start(),
            m.end(),
            m.group(0),
            "during",
            period,
            None,
            True,
            a_text,
            a_start,
            flags=flags,
        )


def _dates(text: str, windows: list[tuple[int, int]]) -> Iterator[TimeToken]:
    for rx in (ABS_DATE, COPULAR):
        for m in _scan(rx, text, windows):
            ref, mismatch = parse_date(m.group("date"))
            if ref is None:
                continue
            rel = _relation(m.group("rel"))
            flags = ("weekday_mismatch",) if mismatch else ()
            yield TimeToken("date", m.start(), m.end(), m.group(0), rel, None, ref, flags=flags)
    for m in _scan(SCHEDULE, text, windows):
        ref, mismatch = parse_date(m.group("date"))
        if ref is not None:
            rel = "deadline" if m.group("due") else "on"
            end = m.end() if m.group("due") else m.end("date")
            flags = ("weekday_mismatch",) if mismatch else ()
            yield TimeToken("date", m.start(), end, text[m.start() : end], rel, None, ref, flags=flags)
    for m in _scan(MONTH_YEAR, text, windows):
        month = month_number(m.group("month"))
        if not month or int(m.group("year")) < 1:
            continue
        ref = DateRef(DateRefKind.MONTH, int(m.group("year")), month)
        rel = _relation(m.group("rel"))
        yield TimeToken("date", m.start(), m.end(), m.group(0), rel, None, ref, flags=("month_only",))
    for m in _scan(YEAR_END, text, windows):
        if int(m.group("fy") or m.group("year") or m.group("plain")) < 1:
            continue
        if m.group("fy"):
            ref = DateRef(DateRefKind.FISCAL_YEAR, int(m.group("fy")))
        else:
            ref = DateRef(DateRefKind.YEAR_END, int(m.group("year") or m.group("plain")))
        yield TimeToken("date", m.start(), m.end(), m.group(0), "by", None, ref)
    for m in _scan(FISCAL, text, windows):
        if int(m.group("fy")) < 1:
            continue
        ref = DateRef(DateRefKind.FISCAL_YEAR, int(m.group("fy")))
        rel = _relation(m.group("rel"))
        yield TimeToken("date", m.start(), m.end(), m.group(0), rel, None, ref)
    for m in _scan(FOR_EACH_FY, text, windows):
        years = [int(y) for y in re.findall(r"\d{4}", m.group("list"))]
        if years[0] < 1:
            continue
        if "through" in m.group("list") and len(years) == 2:
            years = list(range(years[0], years[1] + 1))
        ref = DateRef(DateRefKind.FISCAL_YEAR, years[0])
        rec = f"FREQ=YEARLY;INTERVAL=1;COUNT={len(years)}"
        yield TimeToken("date", m.start(), m.end(), m.group(0), "for_each", None, ref, recurrence=rec)


def _events(text: str, windows: list[tuple[int, int]]) -> Iterator[TimeToken]:
    for rx in (EVENT, BEFORE_EVENT):
        for m in _scan(rx, text, windows):
            a_text, a_start = _anchor(m)
            rel = _relation(m.groupdict().get("rel") or m.groupdict().get("rel2") or "")
            yield TimeToken(
                "event", m.start(), m.end(), m.group(0), rel, anchor_text=a_text, anchor_start=a_start
            )
    for m in _scan(IMMEDIATELY, text, windows):
        yield TimeToken("event", m.start("rel"), m.end("rel"), m.group("rel"), "immediately")


def _recurrences(text: str, windows: list[tuple[int, int]]) -> Iterator[TimeToken]:
    for m in _scan(THEREAFTER, text, windows):
        rec = _recurrence_of(m)
        if rec is None:
            continue
        if m.group("count"):
            n, _ = parse_number(m.group("count"))
            rec = f"{rec};COUNT={(n or 0) + 1}"
        yield TimeToken("recur", m.start(), m.end(), m.group(0), "thereafter", recurrence=rec)
    for m in _scan(RECUR, text, windows):
        rec = _recurrence_of(m)
        flags = ("ambiguous_biannual",) if re.search(r"bi-?annual", m.group(0), re.I) else ()
        if rec is not None:
            yield TimeToken("recur", m.start(), m.end(), m.group(0), "recurring", recurrence=rec, flags=flags)


def _recurrence_of(m: re.Match[str]) -> str | None:
    g = m.groupdict()
    if g.get("ann"):
        return frequency("annually")
    if g.get("basis"):
        return frequency(g["basis"])
    if g.get("each"):
        return frequency(
            {"month": "monthly", "quarter": "quarterly", "year": "annually", "week": "weekly"}[g["each"]]
        )
    for key in ("adv", "adj"):
        if g.get(key):
            return frequency(g[key])
    for num, unit in (("num", "unit"), ("onum", "ounit")):
        if g.get(num):
            period, _ = _period(g[num], g[unit])
            return every(period.amount, period.unit) if period else None
    if "each fiscal year" in m.group(0):
        return frequency("annually")
    return None
