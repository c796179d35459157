"""Stage 5, anchor resolution: what a period counts from, and where that date comes from.

"the date of this order" → issued; "date of enactment of this Act" → enacted; "publication ... in the
Federal Register" → published; "the effective date of this rule" → effective; anything else is an event,
undated unless the text dates it ("the enactment of HIFPA" where the text says it was signed on a date).
Secondary sources (articles) find the reported order's signing date in their own text. Pure, no clock.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from tracker.extract.numbers import DATE, WEEKDAY, parse_date, ref_date
from tracker.extract.prefilter import ci_literal, lowered_for_ci, may_hold, sentences_holding
from tracker.model import Anchor, AnchorKind, Document

_THIS = r"(?:this|the\s+present)"
ISSUED_RX = re.compile(
    rf"^(?:the\s+)?(?:(?:date|day)\s+of\s+(?:the\s+)?(?:signing\s+of\s+|issuance\s+of\s+)?|signing\s+of\s+|issuance\s+of\s+)?"
    rf"{_THIS}\s+(?:executive\s+)?(?:order|memorandum|proclamation|directive|determination|notice)\b",
    re.I,
)
REPORTED_ISSUED_RX = re.compile(
    r"^(?:the\s+)?(?:date\s+of\s+(?:the\s+)?)?(?:signing\s+of\s+)?(?:the|this)\s+(?:President['’]s\s+)?"
    r"(?:Executive\s+Order|EO|order|memorandum|proclamation)\b(?!\s+(?:of|issued|described))|^signing\b",
    re.I,
)
ENACTED_RX = re.compile(
    rf"^(?:the\s+)?(?:date\s+of\s+(?:the\s+)?)?enactment(?:\s+of\s+{_THIS}\s+(?:Act|section|title|subtitle|part"
    r"|chapter|subchapter|paragraph))?(?!\s+of\b)",
    re.I,
)
PUBLISHED_RX = re.compile(
    r"^(?:the\s+)?(?:date\s+of\s+)?publication(?:\s+of\s+this\s+(?:notice|rule|final\s+rule|interim\s+final\s+rule"
    r"|document|order|proclamation))?\s+in\s+the\s+Federal\s+Register|^(?:the\s+)?(?:date\s+of\s+)?publication\s+of"
    r"\s+this\s+(?:notice|rule|final\s+rule|document)\b",
    re.I,
)
EFFECTIVE_RX = re.compile(
    r"^(?:the\s+)?effective\s+date(?:\s+of\s+this\s+(?:rule|final\s+rule|part|subpart|section|notice|regulation"
    r"|order|Act))?(?!\s+of)\b",
    re.I,
)
_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]{2,}\b|\bsection\s+\d+[\w()]*|§\s*\d[\d.]*")
_EVENT_VERBS = {
    "enactment": r"signed|enacted|approved|became\s+law",
    "expiration": r"expires?|terminates?",
    "expiry": r"expires?|terminates?",
    "termination": r"terminates?|expires?",
    "hearing": r"hold|holds|held|begin|beginning|convene",
    "commencement": r"commence|begin|beginning",
}
# A word each match of the verbs above holds, for a cheap first look at a sentence.
_EVENT_VERB_WORDS = {
    "enactment": ("signed", "enacted", "approved", "became"),
    "expiration": ("expire", "terminate"),
    "expiry": ("expire", "terminate"),
    "termination": ("terminate", "expire"),
    "hearing": ("hold", "held", "begin", "convene"),
    "commencement": ("commence", "begin"),
}
_EVENT_NOUNS = [(n, re.compile(rf"\b{n}\b")) for n in _EVENT_VERBS]
_EVENT_VERB_RX = {n: re.compile(rf"\b(?:{v})\b", re.I) for n, v in _EVENT_VERBS.items()}
_DATE_RX = re.compile(DATE)


@dataclass(frozen=True, slots=True)
class ReportAnchor:
    """The signing date of the order an article reports, or the article's own "today"."""

    kind: AnchorKind
    date: dt.date | None
    source: str
    instrument: str | None = None


def classify(anchor_text: str, doc: Document, report: ReportAnchor | None = None) -> Anchor:
    """An anchor from its phrase; `report` supplies the order date for secondary sources."""
    t = anchor_text.strip()
    m = ISSUED_RX.match(t)
    if m and not (report and doc.issued is None):
        source = doc.meta.get("issued_from") or "document metadata: issued"
        return Anchor(AnchorKind.ISSUED, doc.issued, t[: m.end()], source)
    if (m or REPORTED_ISSUED_RX.match(t)) and report is not None:
        mm = m or REPORTED_ISSUED_RX.match(t)
        return Anchor(AnchorKind.ISSUED, report.date, t[: mm.end()] if mm else t, report.source)
    m = ENACTED_RX.match(t)
    if m and t:
        date = doc.enacted or doc.issued
        return Anchor(AnchorKind.ENACTED, date, t[: m.end()], "document metadata: enacted")
    m = PUBLISHED_RX.match(t)
    if m:
        return Anchor(AnchorKind.PUBLISHED, doc.published, t[: m.end()], "document metadata: published")
    m = EFFECTIVE_RX.match(t)
    if m and doc.kind in ("rule", "notice"):
        return Anchor(AnchorKind.EFFECTIVE, doc.effective, t[: m.end()], "document metadata: effective")
    return Anchor(AnchorKind.EVENT, None, t, "")


def dated_event(
    anchor_text: str,
    text: str,
    sentences: list[tuple[int, int]],
    lowered: Callable[[], str | None] | None = None,
) -> tuple[dt.date, str] | None:
    """Date of an event the text dates elsewhere: "the enactment of HIFPA" with "On December 18, 2015,
    the President signed ... (HIFPA)"; "the expiration of the ... authority under section 309(j)(11)"
    with "section 309(j)(11) ... shall expire September 30, 2034"; "the hearing date" with "will hold
    a hearing ... on August 4, 2016". The sentence must name the event's key (an acronym, a section
    citation, or the event noun itself) and its verb; after "inserting" only the new text counts.
    `lowered` may return `text.lower()` computed once per document by the caller, when lower-casing
    keeps every offset (None otherwise); it is called only for an anchor that names a dateable event by
    a key that `ci_literal` cannot find in the text as it is."""
    low = anchor_text.lower()
    noun = next((n for n, rx in _EVENT_NOUNS if n in low and rx.search(low)), None)
    if noun is None:
        return None
    keys = [k for k in _ACRONYM.findall(anchor_text) if k.upper() not in ("U.S", "USC")]
    if noun == "hearing":
        keys = ["hearing"]
    if not keys:
        return None
    verb = _EVENT_VERB_RX[noun]
    low_keys = [k.lower() for k in keys]
    finders = [ci_literal(k) for k in low_keys] if lowered is not None and "\u0130" not in text else [None]
    if None not in finders:  # the keys found without lower-casing the whole text
        found_in = sentences_holding(text, sentences, finders)  # type: ignore[arg-type]
    else:
        found_in = _naming(text, sentences, low_keys, lowered() if lowered is not None else None)
    for s, e in found_in:
        found = _dated_sentence(text[s:e], noun, verb)
        if found:
            return found
    return None


def _naming(
    text: str, sentences: list[tuple[int, int]], low_keys: list[str], low_text: str | None
) -> Iterator[tuple[int, int]]:
    """The sentences, in order, whose `.lower()` holds every key. With `low_text` (`text.lower()`, same
    offsets) only the sentences where the first key occurs are looked at."""
    if low_text is None:
        for s, e in sentences:
            low_sent = text[s:e].lower()
            if all(k in low_sent for k in low_keys):
                yield s, e
        return
    first, size = low_keys[0], len(low_keys[0])
    done = -1  # the last sentence looked at (an occurrence of the first key that leaves a sentence is
    # followed only by occurrences that leave it too)
    at = low_text.find(first)
    while at >= 0:
        j = bisect_right(sentences, (at, len(text) + 1)) - 1
        if j > done:
            done = j
            s, e = sentences[j] if j >= 0 else (0, -1)
            if at + size <= e and all(low_text.find(k, s, e) >= 0 for k in low_keys[1:]):
                yield s, e
        at = low_text.find(first, at + 1)


def _dated_sentence(sent: str, noun: str, verb: re.Pattern[str]) -> tuple[dt.date, str] | None:
    """The date a sentence naming the event gives it (the one nearest the verb), if the verb is there."""
    if not may_hold(sent, _EVENT_VERB_WORDS[noun]) or not verb.search(sent):
        return None
    if noun == "hearing" and not re.search(r"\bwill\s+hold\b|\bto\s+be\s+held\b|\bbeginning\s+at\b", sent):
        return None
    cut = sent.find("inserting")
    scope = sent[cut:] if cut >= 0 else sent
    dates = [m for m in _DATE_RX.finditer(scope)]
    if not dates:
        return None
    vpos = [m.start() for m in verb.finditer(scope)]
    best = min(dates, key=lambda d: min(abs(d.start() - v) for v in vpos) if vpos else 0)
    ref, _ = parse_date(best.group(0))
    when = ref_date(ref) if ref else None
    return (when, f"text: {sent.strip()[:160]}") if when else None


_DATED_INSTRUMENT = re.compile(
    rf"\b(?:order|proclamation|memorandum|notice|determination|Act|letter|request|petition)\s+"
    rf"(?:No\.\s*[\d-]+\s+)?(?:of|dated)\s+(?P<date>{DATE})",
    re.I,
)


def dated_in_phrase(anchor_text: str) -> tuple[dt.date, str] | None:
    """An anchor that carries its own date: a calendar date as written ("1 year after October 13,
    2006") or a dated instrument ("the date of the Proclamation of January 25, 2021")."""
    t = anchor_text.strip()
    m = _DATE_RX.fullmatch(t)
    if m is None:
        d = _DATED_INSTRUMENT.search(t)
        source = f"text: {d.group(0)}" if d else ""
        m = _DATE_RX.fullmatch(d.group("date")) if d else None
    else:
        source = "as written"
    if m is None:
        return None
    ref, _ = parse_date(m.group(0))
    when = ref_date(ref) if ref else None
    return (when, source) if when else None


# --- secondary sources --------------------------------------------------------------------------------

_ORDER = r"(?:Executive\s+Order|EO|Presidential\s+Memorandum|Proclamation|executive\s+order)"
_NUMBERED = rf"{_ORDER}\s*(?:No\.\s*)?(?P<num>\d{{4,5}})?"
_NUMBERED2 = _NUMBERED.replace("<num>", "<num2>")
_SIGNED = r"(?:issued|signed|issues|signs)"
ORDER_DATE_RX = [
    re.compile(rf"\b{_SIGNED}\s+(?:an?\s+|the\s+)?{_NUMBERED}\s*,?\s+(?:on\s+)?(?P<date>{DATE})"),
    re.compile(
        rf"\b{_NUMBERED},?\s+(?:which\s+(?:was\s+)?)?(?:{_SIGNED}|dated)\s+(?:on\s+)?(?P<date>{DATE})"
    ),
    re.compile(rf"\b{_NUMBERED}\s+of\s+(?P<date>{DATE})"),
    re.compile(
        rf"\b[Oo]n\s+(?P<date>{DATE}),?\s+(?:[A-Z][\w.]*\s+){{0,4}}{_SIGNED}\s+(?:an?\s+|the\s+)?{_NUMBERED}"
    ),
]
TODAY_ORDER_RX = re.compile(
    rf"\b(?:is\s+)?today,?\s+(?:(?:President\s+)?[A-Z][\w.]*\s+)?(?:is\s+|will\s+)?"
    rf"(?:issuing|signing|issued|signed|issues|signs|issue|sign)\s+(?:an?\s+|the\s+)?{_NUMBERED}"
    rf"|\b{_SIGNED}\s+(?:an?\s+|the\s+)?{_NUMBERED2}\s+today\b",
    re.I,
)
RELATIVE_ORDER_RX = re.compile(
    rf"\b{_SIGNED}\s+(?:an?\s+|the\s+)?(?:{_NUMBERED}\s+)?(?P<rel>yesterday|last\s+(?P<wd>{WEEKDAY})|on\s+(?P<wd2>{WEEKDAY}))"
    rf"|\b(?P<rel2>[Yy]esterday|[Ll]ast\s+(?P<wd3>{WEEKDAY})),?\s+(?:[\w.’']+\s+){{0,6}}?{_SIGNED}\s+(?:an?\s+|the\s+)?{_NUMBERED2}"
)
VAGUE_ORDER_RX = re.compile(
    rf"\b{_SIGNED}\s+(?:an?\s+|the\s+)?(?:{_NUMBERED}\s+)?(?:last\s+(?:week|month)|earlier\s+this\s+(?:week|month)"
    rf"|recently)\b"
)
# "Today, President Biden took action to ..." in an article about an order it names: signed today.
TODAY_ACTION_RX = re.compile(
    r"\b[Tt]oday,?\s+(?:President\s+)?[A-Z][\w.]*(?:\s+[A-Z][\w.]*)?\s+(?:took|is\s+taking|will\s+take)\s+"
    r"(?:executive\s+)?action\b"
)
TODAY_ACT_RX = re.compile(
    r"\b[Tt]oday\b[^.]{0,200}?\b(?:issued|issues|released|releases|announced|announces|published)\b"
)
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
NUMBERED_RX = re.compile(rf"\b{_NUMBERED}")

# Where each pattern above can start (they open with a word boundary, which makes the regex engine try
# every position of the article): (opener, offset of the match start before the opener's hit). Openers
# that begin with a few plain letters are found by the engine's fast prefix search; each checks the
# word boundary and the first letter of the word in a lookbehind.
_Openers = tuple[tuple[re.Pattern[str], int], ...]
_SIGNED_AT: _Openers = (
    (re.compile(r"ssue[ds](?<=\bissue[ds])"), 1),
    (re.compile(r"ign(?=ed|s)(?<=\bsign)"), 1),
)
_ORDER_AT: _Openers = (
    (re.compile(r"xecutive\s(?<=\b[Ee]xecutive\s)"), 1),
    (re.compile(r"EO(?<=\bEO)"), 0),
    (re.compile(r"residential\s(?<=\bPresidential\s)"), 1),
    (re.compile(r"roclamation(?<=\bProclamation)"), 1),
)
_TODAY_AT: _Openers = ((re.compile(r"oday(?<=\b[Tt]oday)"), 1),)
_AT_WORD = r"(?<!\w.)"  # after the first letter: no word character before it
# By `id`: hashing a compiled pattern hashes its whole source each time.
_OPENERS: dict[int, _Openers] = {
    id(ORDER_DATE_RX[0]): _SIGNED_AT,
    id(ORDER_DATE_RX[1]): _ORDER_AT,
    id(ORDER_DATE_RX[2]): _ORDER_AT,
    id(ORDER_DATE_RX[3]): ((re.compile(r"n\s(?<=\b[Oo]n\s)"), 1),),
    id(TODAY_ORDER_RX): ((re.compile(rf"[its]{_AT_WORD}(?=s\s|oday|ssue[ds]|ign(?:ed|s))", re.I), 0),),
    id(RELATIVE_ORDER_RX): (
        *_SIGNED_AT,
        (re.compile(r"esterday(?<=\b[Yy]esterday)"), 1),
        (re.compile(r"ast\s(?<=\b[Ll]ast\s)"), 1),
    ),
    id(TODAY_ACTION_RX): _TODAY_AT,
    id(VAGUE_ORDER_RX): _SIGNED_AT,
    id(TODAY_ACT_RX): _TODAY_AT,
    id(NUMBERED_RX): _ORDER_AT,
}


# `TODAY_ORDER_RX` is case-insensitive, which costs its opener the engine's fast prefix search; in the
# lower-cased text ("today", "is today", "issued", "signed") these openers find the same starts.
_TODAY_ORDER_LOWER: _Openers = (
    (re.compile(r"oday(?<=\btoday)"), 1),
    (re.compile(r"s(?<=\bis)\s+(?=today)"), 1),
    (re.compile(r"ssue[ds](?<=\bissue[ds])"), 1),
    (re.compile(r"ign(?=ed|s)(?<=\bsign)"), 1),
)


def _starts(rx: re.Pattern[str], text: str) -> list[int]:
    """Where `rx` can match in `text`, in order: the hits of its openers."""
    openers, scanned = _OPENERS[id(rx)], text
    if rx is TODAY_ORDER_RX:
        low = lowered_for_ci(text)
        if low is not None:
            openers, scanned = _TODAY_ORDER_LOWER, low
    return sorted({o.start() - back for opener, back in openers for o in opener.finditer(scanned)})


def _finditer(rx: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """`rx.finditer(text)`, trying `rx` only where one of its openers says a match can start."""
    starts = _starts(rx, text)
    pos = 0
    for start in starts:
        if start >= pos:
            m = rx.match(text, start)
            if m is not None:
                yield m
                pos = m.end()


def _search(rx: re.Pattern[str], text: str) -> re.Match[str] | None:
    """`rx.search(text)`, trying `rx` only where its opener matches."""
    return next(_finditer(rx, text), None)


def _instrument(m: re.Match[str]) -> str | None:
    num = m.groupdict().get("num") or m.groupdict().get("num2")
    if not num:
        return None
    kind = m.group(0).lower()
    if "proclamation" in kind:
        return f"Proclamation {num}"
    return f"EO {num}"


def _weekday_before(published: dt.date, weekday: str, last: bool) -> dt.date:
    target = _WEEKDAYS.index(weekday.lower())
    back = (published.weekday() - target) % 7
    if back == 0 or (last and back < 1):
        back = 7
    return published - dt.timedelta(days=back)


def report_anchor(doc: Document) -> ReportAnchor | None:
    """For a secondary source (or any document without an issued date): the reported order's date."""
    text = doc.text
    for rx in ORDER_DATE_RX:
        for m in _finditer(rx, text):
            ref, _ = parse_date(m.group("date"))
            when = ref_date(ref) if ref else None
            if when is None or (doc.published and when > doc.published):
                continue
            return ReportAnchor(AnchorKind.ISSUED, when, f"text: {m.group(0)}", _instrument(m))
    m = _search(TODAY_ORDER_RX, text) if doc.published else None
    if m and doc.published:
        return ReportAnchor(
            AnchorKind.ISSUED, doc.published, f"text: {m.group(0)} (article date)", _instrument(m)
        )
    m = _search(RELATIVE_ORDER_RX, text) if doc.published else None
    if m and doc.published:
        rel = (m.group("rel") or m.group("rel2") or "").lower()
        wd = m.group("wd") or m.group("wd2") or m.group("wd3")
        try:
            if rel == "yesterday":
                when = doc.published - dt.timedelta(days=1)
            elif wd:
                when = _weekday_before(doc.published, wd, rel.startswith("last"))
            else:
                when = None
        except OverflowError:  # an article dated in year 1: no day before it
            when = None
        if when:
            return ReportAnchor(
                AnchorKind.ISSUED, when, f"text: {m.group(0)} (from the article date)", _instrument(m)
            )
    m = _search(TODAY_ACTION_RX, text) if doc.published else None
    named = _search(NUMBERED_RX, text) if m else None
    if m and named and doc.published:
        return ReportAnchor(
            AnchorKind.ISSUED, doc.published, f"text: {m.group(0)} (article date)", _instrument(named)
        )
    m = _search(VAGUE_ORDER_RX, text)
    if m:  # the order is dated only loosely: it counts from its signing, which the text does not date
        return ReportAnchor(AnchorKind.ISSUED, None, f"text: {m.group(0)} (no date given)", _instrument(m))
    m = _search(TODAY_ACT_RX, text) if doc.published else None
    if m and doc.published:
        return ReportAnchor(AnchorKind.PUBLISHED, doc.published, f"text: {m.group(0)[:120]} (article date)")
    return None


def reported_instrument(text: str) -> str | None:
    m = _search(NUMBERED_RX, text)
    return _instrument(m) if m else None
