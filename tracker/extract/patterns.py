"""Stage 1, the time tokenizer: finds deadline phrases, dates, fiscal years and recurrences with offsets.

Each finder in `FINDERS` yields `TimeToken`s; interpretation of anchors and due dates happens later
(`anchors`, `deadlines`). Pure: standard library only, no I/O, no clock.

Deliberate non-tokens: a bare year ("by 2030", "no later than 2035") is a policy target in these texts,
not a deadline, so only "by the end of (calendar) year N" makes a year a deadline; "periodically" and
"from time to time" carry no period; "on or after DATE", "until DATE", "as of DATE" are scope, not
deadlines, and no finder produces them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from tracker.extract.numbers import (
    DATE,
    MONTH,
    NUM,
    UNIT,
    WORDNUM,
    every,
    frequency,
    month_number,
    parse_date,
    parse_number,
    parse_unit,
)
from tracker.extract.prefilter import scan_windows
from tracker.model import DateRef, DateRefKind, Period, Unit


@dataclass(frozen=True, slots=True)
class TimeToken:
    """One time phrase. `kind`: offset (period from an anchor), date (absolute), event (timed by an
    event, no period), recur (a recurrence with no start). `anchor_*` is the anchor phrase as written."""

    kind: str
    start: int
    end: int
    text: str
    relation: str
    period: Period | None = None
    date_ref: DateRef | None = None
    window: bool = False
    anchor_text: str = ""
    anchor_start: int = -1
    recurrence: str | None = None
    flags: tuple[str, ...] = ()


# The anchor phrase runs to the first clause boundary; it is classified by its beginning only.
# A comma before a year belongs to a date ("after the date of the Proclamation of January 25, 2021").
_ANCHOR = (
    r"(?P<anchor>(?:[^,;:.()\n]|\.(?=\d)|,(?=\s\d{4}\b)|\([^()\n]{0,40}\)|(?<=\b[A-Z])\.|(?<=U\.S)\.)"
    r"{1,160}?)"
)
# The anchor ends at a clause boundary, a relative or purpose word ("the date on which ..." goes on), a
# duty modal ("of the date of this order shall"), or "until"/"unless"; an enumerator ("subsection (g)")
# does not end it.
# The leading `(?![^\s,;:)(.])` is implied by the lookahead after it (every branch starts with white space,
# one of ",;:)(." or the end); it lets the lazy anchor skip the lookahead inside words.
_ANCHOR_END = (
    r"(?![^\s,;:)(.])(?=\s*(?:,(?!\s\d{4}\b)|[;:)\n]|\((?!(?:[a-z]{1,4}|\d{1,3})\)))|\.(?:\s|$|”)"
    r"|(?<!\bon)\s+which\b|\s+(?:for|to|that|recommending|and(?!\s+(?:the\s+)?(?:date|signing))|"
    r"unless|until|if|in\s+order|shall|must|should|will|may)\b|$)"
)
_WS = re.compile(r"\s+")
# An instrument anchor ends after its name: "the date of this order provide a report" stops at "order".
_INSTRUMENT_ANCHOR = re.compile(
    r"^(?:the\s+)?(?:(?:date|day)\s+of\s+(?:the\s+)?(?:(?:enactment|signing|issuance)\s+of\s+)?)?"
    r"(?:this|the\s+present)\s+(?:executive\s+order|order|memorandum|proclamation|directive|determination"
    r"|notice|Act|section|title|subtitle|part|chapter|rule)\b(?!\s+(?:of|\())",
    re.I,
)
_REL_OFFSET = r"(?P<rel>[Ww]ithin|[Nn]ot\s+later\s+than|[Nn]o\s+later\s+than|[Ii]n\s+the\s+first)"
_PREP = r"(?P<prep>after|of|from|following|prior\s+to|before)"
_TIME_OF_DAY = r"\d{1,2}(?::\d{2})?\s*[ap]\.\s?m\.(?:\s+[A-Za-z]+){0,3}?"

OFFSET = re.compile(
    rf"\b{_REL_OFFSET}\s+(?:the\s+date\s+that\s+is\s+)?(?P<num>{NUM})\s+(?P<unit>{UNIT})\b"
    rf"(?:,?\s+{_PREP}\s+{_ANCHOR}{_ANCHOR_END})?"
)
# "60 days after the date of this order" with no "within"; "expire 1 year after" is filtered later.
BARE_OFFSET = re.compile(
    rf"(?<![\w-])(?:(?P<rel>[Nn]o\s+more\s+than|[Nn]ot\s+more\s+than)\s+)?(?P<num>\d{{1,4}}(?:\s*\(\d{{1,4}}\))?|{WORDNUM}(?:\s*\(\d{{1,4}}\))?)\s+(?P<unit>{UNIT})\s+"
    rf"(?P<prep>after|following|prior\s+to|before)\s+"
    rf"{_ANCHOR}{_ANCHOR_END}"
)
ORDINAL_DAY = re.compile(
    rf"\b(?P<rel>[Oo]n\s+or\s+before|[Nn]ot\s+later\s+than|[Nn]o\s+later\s+than|[Bb]y)\s+the\s+(?P<ord>\d{{1,3}})"
    rf"(?:st|nd|rd|th)\s+(?:calendar\s+)?day\s+(?P<prep>after|following|from|of)\s+{_ANCHOR}{_ANCHOR_END}"
)
WINDOW = re.compile(
    rf"\b(?P<rel>[Dd]uring|[Ww]ithin)\s+the\s+(?P<num>{NUM})[-\s](?P<unit>day|week|month|year)\s+period\s+"
    rf"(?:beginning|starting|commencing)\s+(?:on|with)\s+{_ANCHOR}{_ANCHOR_END}"
)
ABS_DATE = re.compile(
    rf"\b(?P<rel>[Bb]y|[Nn]ot\s+later\s+than|[Nn]o\s+later\s+than|[Oo]n\s+or\s+before|[Bb]efore|[Oo]n"
    rf"|(?:are|is)\s+due(?:\s+(?:on|by))?)(?::)?\s+(?:{_TIME_OF_DAY}\s+(?:on\s+)?)?(?P<date>{DATE})"
)
COPULAR = re.compile(rf"\b(?P<rel>[Dd]eadline)\s+for\s+(?:[\w-]+\s+){{0,4}}?is\s+(?P<date>{DATE})")
MONTH_YEAR = re.compile(
    rf"\b(?P<rel>[Bb]y|[Nn]ot\s+later\s+than|[Nn]o\s+later\s+than|[Ss]tarting\s+in|[Bb]eginning\s+in"
    rf"|[Bb]efore|[Bb]y\s+the\s+end\s+of)\s+(?P<month>{MONTH})\s+(?P<year>\d{{4}})\b(?!,?\s*\d)"
)
YEAR_END = re.compile(
    r"\b(?P<rel>[Bb]y|[Nn]o[t]?\s+later\s+than|[Bb]efore)\s+the\s+end\s+of\s+"
    r"(?:(?P<cy>calendar\s+year|CY)\s*(?P<year>\d{4})|(?P<fyw>fiscal\s+year|FY)\s*(?P<fy>\d{4})"
    r"|(?P<plain>\d{4})\b)"
)
FISCAL = re.compile(
    r"\b(?P<rel>[Nn]o[t]?\s+later\s+than|[Bb]y|[Bb]eginning\s+(?:in|with)|[Ss]tarting\s+(?:in|with))\s+"
    r"(?:the\s+)?(?:fiscal\s+year|FY)\s*(?P<fy>\d{4})\b"
)
FOR_EACH_FY = re.compile(
    r"\b(?P<rel>for\s+each\s+of)\s+fiscal\s+years\s+(?P<list>\d{4}(?:(?:,\s*|\s+)(?:and\s+|through\s+)?\d{4})+)"
)
# "Upon completion of ...", "Following the issuance of ...", "After receiving the recommendations ...":
# a duty timed by an event. "After" counts only at the head of a clause ("After receiving ..., the
# Council shall"), where it times the main verb.
_EVENT_NOUN = (
    r"(?:completion|conclusion|receipt|submission|issuance|publication|release|adoption|approval"
    r"|transmittal|updates?\s+to|completing|concluding|receiving|submitting|issuing|publishing|adopting)"
)
EVENT = re.compile(
    rf"(?:\b(?P<rel>[Uu]pon|[Ff]ollowing|[Aa]s\s+soon\s+as\s+(?:practicable|possible)\s+(?:following|after))"
    rf"|(?:^|(?<=[.;:—]\s)|(?<=\)\s))(?P<rel2>After))\s+"
    rf"(?P<anchor>(?:the\s+|their\s+|its\s+|any\s+|each\s+)?{_EVENT_NOUN}\b"
    rf"(?:[^,;:.()\n]|\([^()\n]{{0,40}}\)){{0,140}}?){_ANCHOR_END}",
    re.M,
)
BEFORE_EVENT = re.compile(
    rf"\b(?P<rel>before)\s+(?P<anchor>the\s+(?:expiration|commencement|termination|expiry)\s+of\b"
    rf"(?:[^,;:.\n]|\.(?=\d)|\([^()\n]{{0,40}}\)){{0,160}}?){_ANCHOR_END}"
)
IMMEDIATELY = re.compile(
    r"\b(?:shall|will|must|should),?\s+(?P<rel>immediately|as\s+soon\s+as\s+(?:practicable|possible))\b"
    r"(?!\s+(?:following|after|upon)\b)"
)
# A dated schedule line of a notice: "June 29, 2018: Due date for filing requests to appear ..." or
# "July 24, 2018: The Committee will convene a public hearing ...".
SCHEDULE = re.compile(
    rf"^(?P<date>{DATE}):\s+(?:(?P<due>(?:[Tt]he\s+)?(?:[Dd]ue\s+date|[Dd]eadline)\s+(?:for|to)\b)|(?=[A-Z]))",
    re.M,
)
THEREAFTER = re.compile(
    rf"(?P<rel>(?:,?\s*and\s*)?(?:,\s*)?(?:as\s+appropriate\s+but\s+)?(?:no\s+less\s+than\s+|at\s+least\s+)?"
    rf"(?:(?P<ann>annually)|every\s+(?P<num>{NUM})\s+(?P<unit>{UNIT})"
    rf"|on\s+an?\s+(?P<basis>[\w-]+)\s+basis"
    rf"|(?:by\s+the\s+(?:final|last)\s+day\s+of\s+)?each\s+(?:calendar\s+)?(?P<each>month|quarter|year|week))"
    rf"\s+thereafter(?:\s+for\s+(?P<count>{NUM})\s+years?)?)"
)
RECUR = re.compile(
    rf"\b(?P<rel>(?:at\s+least\s+)?once\s+every\s+(?P<onum>{NUM})\s+(?P<ounit>{UNIT})"
    rf"|every\s+(?P<num>{NUM})\s+(?P<unit>{UNIT})(?:\s+until\b)?"
    r"|on\s+an?\s+(?P<basis>[\w-]+)\s+basis"
    r"|(?P<adv>annually|biennially|semi-?annually|bi-?annually|quarterly|monthly)"
    r"|(?P<adj>annual|biennial|semi-?annual|bi-?annual|quarterly|monthly)\s+(?:[a-z][\w-]*\s+){0,3}?"
    r"(?:reports?|updates?|scorecards?|reviews?|assessments?|summar(?:y|ies)|meetings?)\b"
    r"|each\s+fiscal\s+year)"
)


def _period(num: str, unit: str, sign: int = 1) -> tuple[Period | None, tuple[str, ...]]:
    value, mismatch = parse_number(num)
    u = parse_unit(unit)
    if value is None or u is None or value == 0:
        return None, ()
    return Period(sign * value, u), ("words_digits_mismatch",) if mismatch else ()


def _anchor(m: re.Match[str]) -> tuple[str, int]:
    if "anchor" in m.re.groupindex and m.group("anchor"):
        a = m.group("anchor")
        cut = _INSTRUMENT_ANCHOR.match(a)
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


# Where a match can start: each opener consumes one character (so no start is skipped) and only
# implies what the pattern requires there. A pattern that opens with a word boundary makes the regex
# engine try every position; the opener is scanned instead and the pattern is matched at its hits.
_NOT_AFTER_WORD = r"(?<!\w.)"
_OPENERS: dict[re.Pattern[str], re.Pattern[str]] = {
    OFFSET: re.compile(rf"[WwNnIi]{_NOT_AFTER_WORD}(?=ithin|ot?\s+later|n\s+the\s+first)"),
    ORDINAL_DAY: re.compile(
        rf"[OoNnBb]{_NOT_AFTER_WORD}(?=(?:n\s+or\s+before|ot?\s+later\s+than|y)\s+the\s)"
    ),
    ABS_DATE: re.compile(rf"[BbNnOoai]{_NOT_AFTER_WORD}(?=y|ot?\s+later|n|efore|re\s|s\s)"),
    MONTH_YEAR: re.compile(rf"[BbNnSs]{_NOT_AFTER_WORD}(?=y|ot?\s+later|tarting|eginning|efore)"),
    EVENT: re.compile(rf"[UuFfAa]{_NOT_AFTER_WORD}(?=pon|ollowing|s\s+soon|fter)"),
    RECUR: re.compile(
        rf"[aoebsqm]{_NOT_AFTER_WORD}(?=t\s+least|nce\s+every|very|n\s+an?\s|nnual|iennial|emi-?annual"
        r"|i-?annual|uarterly|onthly|ach\s+fiscal)"
    ),
}


def _scan(rx: re.Pattern[str], text: str, windows: list[tuple[int, int]]) -> Iterator[re.Match[str]]:
    return scan_windows(rx, text, windows, _NEED.get(rx, ()), _OPENERS.get(rx))


def _offsets(text: str, windows: list[tuple[int, int]]) -> Iterator[TimeToken]:
    for rx in (OFFSET, BARE_OFFSET):
        for m in _scan(rx, text, windows):
            prep = (m.groupdict().get("prep") or "").lower()
            negative = prep in ("before", "prior to") or prep.startswith("prior")
            period, flags = _period(m.group("num"), m.group("unit"), -1 if negative else 1)
            if period is None:
                continue
            rel = _WS.sub("_", (m.groupdict().get("rel") or "after").lower())
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
            rel = _WS.sub("_", m.group("rel").lower())
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
        rel = _WS.sub("_", m.group("rel").lower())
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
        rel = _WS.sub("_", m.group("rel").lower())
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
            rel = _WS.sub("_", (m.groupdict().get("rel") or m.groupdict().get("rel2") or "").lower())
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
