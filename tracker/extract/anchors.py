"""Stage 5, anchor resolution: what a period counts from, and where that date comes from.

"the date of this order" → issued; "date of enactment of this Act" → enacted; "publication ... in the
Federal Register" → published; "the effective date of this rule" → effective; anything else is an event,
undated unless the text dates it ("the enactment of HIFPA" where the text says it was signed on a date).
Secondary sources (articles) find the reported order's signing date in their own text. Pure, no clock.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from tracker.extract.numbers import DATE, WEEKDAY, parse_date, ref_date
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
        return Anchor(AnchorKind.ISSUED, doc.issued, t[: m.end()], "document metadata: issued")
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
    anchor_text: str, text: str, sentences: list[tuple[int, int]], lowered: list[str] | None = None
) -> tuple[dt.date, str] | None:
    """Date of an event the text dates elsewhere: "the enactment of HIFPA" with "On December 18, 2015,
    the President signed ... (HIFPA)"; "the expiration of the ... authority under section 309(j)(11)"
    with "section 309(j)(11) ... shall expire September 30, 2034"; "the hearing date" with "will hold
    a hearing ... on August 4, 2016". The sentence must name the event's key (an acronym, a section
    citation, or the event noun itself) and its verb; after "inserting" only the new text counts.
    `lowered` may hold each sentence's `.lower()`, computed once per document by the caller."""
    low = anchor_text.lower()
    noun = next((n for n in _EVENT_VERBS if re.search(rf"\b{n}\b", low)), None)
    if noun is None:
        return None
    keys = [k for k in _ACRONYM.findall(anchor_text) if k.upper() not in ("U.S", "USC")]
    if noun == "hearing":
        keys = ["hearing"]
    if not keys:
        return None
    verb = re.compile(rf"\b(?:{_EVENT_VERBS[noun]})\b", re.I)
    low_keys = [k.lower() for k in keys]
    for i, (s, e) in enumerate(sentences):
        low_sent = lowered[i] if lowered is not None else text[s:e].lower()
        for k in low_keys:
            if k not in low_sent:
                break
        else:
            sent = text[s:e]
            found = _dated_sentence(sent, noun, verb)
            if found:
                return found
    return None


def _dated_sentence(sent: str, noun: str, verb: re.Pattern[str]) -> tuple[dt.date, str] | None:
    """The date a sentence naming the event gives it (the one nearest the verb), if the verb is there."""
    if not verb.search(sent):
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
        for m in rx.finditer(text):
            ref, _ = parse_date(m.group("date"))
            when = ref_date(ref) if ref else None
            if when is None or (doc.published and when > doc.published):
                continue
            return ReportAnchor(AnchorKind.ISSUED, when, f"text: {m.group(0)}", _instrument(m))
    m = TODAY_ORDER_RX.search(text)
    if m and doc.published:
        return ReportAnchor(
            AnchorKind.ISSUED, doc.published, f"text: {m.group(0)} (article date)", _instrument(m)
        )
    m = RELATIVE_ORDER_RX.search(text)
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
    m = TODAY_ACTION_RX.search(text)
    named = re.search(rf"\b{_NUMBERED}", text)
    if m and named and doc.published:
        return ReportAnchor(
            AnchorKind.ISSUED, doc.published, f"text: {m.group(0)} (article date)", _instrument(named)
        )
    m = VAGUE_ORDER_RX.search(text)
    if m:  # the order is dated only loosely: it counts from its signing, which the text does not date
        return ReportAnchor(AnchorKind.ISSUED, None, f"text: {m.group(0)} (no date given)", _instrument(m))
    m = TODAY_ACT_RX.search(text)
    if m and doc.published:
        return ReportAnchor(AnchorKind.PUBLISHED, doc.published, f"text: {m.group(0)[:120]} (article date)")
    return None


def reported_instrument(text: str) -> str | None:
    m = re.search(rf"\b{_NUMBERED}", text)
    return _instrument(m) if m else None
