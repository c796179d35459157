"""Stage 6, interpretation: time tokens → `DeadlineExpr` (period or written date, window, RRULE), and
`parse_phrase` for a standalone phrase ("within 180 days", "by February 2022", "every 90 days").

Rules: "within / not later than N after X" is X + N (no -1); "N days prior to / before X" is a
negative period; "during the N-day period beginning on X" is a window (X + N - 1); a recurrence
after a first deadline ("and annually thereafter") rides on that deadline, and "for N years" after it
counts the first due date too (COUNT = N + 1). Pure: no I/O, no clock.
"""

from __future__ import annotations

import re

from tracker.extract.numbers import NUM, UNIT, every, parse_number, parse_unit
from tracker.extract.patterns import TimeToken
from tracker.extract.scan import tokenize
from tracker.model import DateRef, DateRefKind, DeadlineExpr, Period

_BARE = re.compile(
    rf"^\s*(?:(?P<rel>within|not\s+later\s+than|no\s+later\s+than|in\s+the\s+first|by|after)\s+)?"
    rf"(?:the\s+date\s+that\s+is\s+)?(?P<num>{NUM})[\s-]+(?P<unit>{UNIT})"
    r"(?:\s+(?P<prep>after|of|from|following|prior\s+to|before|thereafter))?\s*[.,;]?\s*$",
    re.I,
)
_FY = re.compile(r"^\s*(?:(?:in|for|during)\s+)?(?:fiscal\s+year|FY)\s*(?P<fy>\d{4})\s*$", re.I)
_CY = re.compile(r"^\s*(?:(?:in|for|during)\s+)?(?:calendar\s+year|CY)\s*(?P<y>\d{4})\s*$", re.I)


def expr_of(
    tok: TimeToken, recurrence: TimeToken | None = None, until: DateRef | None = None
) -> DeadlineExpr:
    """The deadline expression of a token, with an optional recurrence riding on it."""
    rec = tok.recurrence
    text = tok.text.strip()
    if recurrence is not None:
        rec = rec or recurrence.recurrence
        if recurrence.start >= tok.end:
            text = (
                f"{text}{recurrence.text}"
                if recurrence.start == tok.end
                else f"{text} ... {recurrence.text.strip()}"
            )
        else:
            text = f"{recurrence.text.strip()} ... {text}"
    if rec and until is not None and until.kind == DateRefKind.DATE:
        rec = f"{rec};UNTIL={until.year:04d}{until.month or 0:02d}{until.day or 0:02d}"
    if tok.kind == "recur":
        return DeadlineExpr(text, recurrence=rec)
    return DeadlineExpr(text, tok.period, tok.date_ref, tok.window, rec)


def parse_phrase(phrase: str) -> DeadlineExpr | None:
    try:
        return _parse_phrase(phrase)
    except ValueError:  # a year 0 or a period beyond the calendar is not a readable deadline
        return None


def _parse_phrase(phrase: str) -> DeadlineExpr | None:
    """Read a standalone deadline phrase; None when it is not one.

    >>> parse_phrase("within 180 days").period
    Period(amount=180, unit=<Unit.DAYS: 'days'>)
    """
    if not phrase or not phrase.strip():
        return None
    phrase = " ".join(phrase.split())
    m = _FY.match(phrase)
    if m:
        return DeadlineExpr(phrase, date_ref=DateRef(DateRefKind.FISCAL_YEAR, int(m.group("fy"))))
    m = _CY.match(phrase)
    if m:
        return DeadlineExpr(phrase, date_ref=DateRef(DateRefKind.YEAR_END, int(m.group("y"))))
    m = _BARE.match(phrase)
    if m:
        value, _ = parse_number(m.group("num"))
        unit = parse_unit(m.group("unit"))
        if value is None or unit is None:
            return None
        prep = (m.group("prep") or "").lower()
        sign = -1 if prep in ("before",) or prep.startswith("prior") else 1
        if prep == "thereafter":
            return DeadlineExpr(phrase, recurrence=every(value, unit))
        return DeadlineExpr(phrase, Period(sign * value, unit))
    # Give the tokenizer an anchor to read "not later than 90 days after" as a whole phrase.
    probe = (
        phrase if re.search(r"\b(?:after|of|from|following|before|to)\s*$", phrase) is None else phrase + " X"
    )
    tokens = tokenize(probe)
    main = [t for t in tokens if t.kind != "recur"]
    recs = [t for t in tokens if t.kind == "recur"]
    if main:
        tok = main[0]
        rec = next((r for r in recs if r.start >= tok.start), None)
        expr = expr_of(tok, rec)
        return DeadlineExpr(phrase, expr.period, expr.date_ref, expr.window, expr.recurrence)
    if recs:
        return DeadlineExpr(phrase, recurrence=recs[0].recurrence)
    return None
