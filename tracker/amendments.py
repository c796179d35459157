"""Amendments and revocations stated by a document: what it changes in which instrument.

Layer 2: pure. Reads a `Document` (its text and, for Federal Register JSON, the notes kept in
`Document.meta`); no files, DB, network or clock. Applying a change is the service's job.

Found in the text, one sentence at a time (tests/test_amendments.py has a row for each):
- "Section 4(b) of Executive Order 14411 ... is amended by striking "180 days" and inserting
  "240 days"" → amend, target "EO 14411", section "4(b)", strike/insert; several "by striking ...
  and inserting ..." pairs give several changes; "is amended to read ..." gives an amend with
  nothing to strike (the service records it, it cannot recompute anything from it).
- "Executive Order 14411 ... is hereby revoked" / "is revoked" / "is rescinded" → revoke;
  "is (hereby) superseded" → supersede; "Executive Orders 14001 and 14002 are revoked" → one
  change each. "... is revoked to the extent it is inconsistent with this order" (or "in part") is
  partial: recorded, no status changes.
- Only instruments named by number count: "Section 3 of this order is amended" changes nothing
  elsewhere, "as amended" is a description, and "is not revoked" is not a revocation.
Found in Federal Register notes (`executive_order_notes`, `disposition_notes`): "Revoked by: EO
14148, January 20, 2025" (this document's instrument is revoked by another), "Revokes: EO 13985",
"Superseded by:", "Supersedes:", "Amended by:", "Amends:"; "... in part" makes it partial.

`Change.key()` is the change's identity whatever document states it, so the same revocation read
from an order's text and from its Federal Register notes is one change.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from tracker.model import Document, Span

AMEND, REVOKE, SUPERSEDE = "amend", "revoke", "supersede"
NOTE_FIELDS = ("executive_order_notes", "disposition_notes")

_NUM = r"(?:No\.\s*)?\d{4,6}"
_INSTRUMENTS = re.compile(
    rf"\b(?P<kind>Executive\s+Orders?|E\.\s?O\.|EOs?|Proclamations?|Proc\.)\s*"
    rf"(?P<nums>{_NUM}(?:(?:\s*,\s*(?:and\s+)?|\s+and\s+){_NUM})*)"
)
_SECTION = re.compile(
    r"\b(?:(?:subsection|paragraph)\s+(?P<sub>\([a-z0-9]+\))\s+of\s+)?(?:section|sec\.)\s+"
    r"(?P<sec>\d+[a-z]?(?:\([a-z0-9]+\))*)\s+of\s*$",
    re.IGNORECASE,
)
_VERB = re.compile(
    r"\b(?:is|are)\s+(?:hereby\s+)?(?P<verb>amended|revoked|rescinded|superseded)\b", re.IGNORECASE
)
_Q = "\"'“”‘’"
_STRIKE = re.compile(
    rf"by\s+striking\s+(?:out\s+)?[{_Q}](?P<strike>[^{_Q}]+)[{_Q}]\s*,?\s*and\s+inserting\s+"
    rf"(?:in\s+lieu\s+thereof\s+)?[{_Q}](?P<insert>[^{_Q}]+)[{_Q}]",
    re.IGNORECASE,
)
_PARTIAL = re.compile(r"^\W*(?:to\s+the\s+extent|in\s+part|insofar|only\s+(?:as|to))\b", re.IGNORECASE)
_ABBREVIATIONS = ("Sec.", "No.", "Nos.", "U.S.", "E.O.", "Proc.", "Mr.", "Ms.", "Dr.", "St.", "Stat.", "Pub.")
_SENTENCE_END = re.compile(r"[.;]\s+(?=[A-Z(“\"])|\n")
_NOTE = re.compile(
    r"^\s*(?P<rel>revoked|superseded|amended|revokes|supersedes|amends)(?P<part>\s+in\s+part)?"
    r"(?:\s+by)?\s*:?\s*(?P<rest>.+)$",
    re.IGNORECASE,
)
_HEADING = re.compile(r"(?m)^[ \t]*(?:Sec\.|Section)\s+(\d+[A-Za-z]?)\.")
_SUBSECTION = re.compile(r"(?m)(?:^|(?<=[.:]\s))[ \t]*\(([a-z])\)[ \t]")


@dataclass(frozen=True, slots=True)
class Change:
    """One change a document makes to an instrument (section None: the whole instrument)."""

    kind: str  # amend | revoke | supersede
    target: str  # the instrument changed, e.g. "EO 14411"
    by: str | None  # the instrument that changes it
    section: str | None = None
    strike: str | None = None
    insert: str | None = None
    partial: bool = False
    quote: str = ""
    span: Span | None = None  # where in the document's text; None for Federal Register notes

    def key(self) -> str:
        parts = (self.kind, self.target, self.section, self.strike, self.insert, self.by, str(self.partial))
        return "|".join((p or "").strip().lower() for p in parts)

    def describe(self) -> str:
        where = f"section {self.section} of {self.target}" if self.section else self.target
        by = f" by {self.by}" if self.by else ""
        if self.kind == AMEND and self.strike is not None:
            return f'{where} amended{by}: "{self.strike}" struck, "{self.insert}" inserted'
        word = {AMEND: "amended", REVOKE: "revoked", SUPERSEDE: "superseded"}[self.kind]
        return f"{where} {word}{by}" + (" in part" if self.partial else "")


def instrument_name(kind: str, number: str) -> str:
    """The readers' name of an instrument: ("Executive Order", "No. 14411") → "EO 14411"."""
    digits = re.sub(r"\D", "", number)
    return f"Proc. {digits}" if kind.lower().startswith("proc") else f"EO {digits}"


def instruments_in(text: str) -> list[str]:
    out: list[str] = []
    for m in _INSTRUMENTS.finditer(text):
        for num in re.findall(r"\d{4,6}", m.group("nums")):
            name = instrument_name(m.group("kind"), num)
            if name not in out:
                out.append(name)
    return out


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    begin = 0
    for m in _SENTENCE_END.finditer(text, 0, start):
        if not text[: m.start() + 1].endswith(_ABBREVIATIONS):
            begin = m.end()
    stop = len(text)
    for m in _SENTENCE_END.finditer(text, end):
        if not text[: m.start() + 1].endswith(_ABBREVIATIONS):
            stop = m.start() + (1 if text[m.start()] in ".;" else 0)
            break
    return begin, stop


def _from_sentence(text: str, verb: re.Match[str], by: str | None) -> Iterator[Change]:
    begin, stop = _sentence_bounds(text, verb.start(), verb.end())
    subject, predicate = text[begin : verb.start()], text[verb.end() : stop]
    refs = list(_INSTRUMENTS.finditer(subject))
    if not refs:
        return
    word = verb.group("verb").lower()
    kind = AMEND if word == "amended" else SUPERSEDE if word == "superseded" else REVOKE
    section = None
    if (sec := _SECTION.search(subject[: refs[0].start()])) is not None:
        section = sec.group("sec").lower() + (sec.group("sub") or "").lower()
    partial = kind != AMEND and _PARTIAL.search(predicate) is not None
    quote = text[begin:stop].strip()
    qstart = text.index(quote, begin) if quote else begin
    span = Span(qstart, qstart + len(quote))
    base = [
        Change(kind, name, by, section, partial=partial, quote=quote, span=span)
        for name in instruments_in(subject[refs[0].start() :])
        if name != by
    ]
    strikes = [(m.group("strike"), m.group("insert")) for m in _STRIKE.finditer(predicate)]
    for change in base:
        if kind == AMEND and strikes:
            for strike, insert in strikes:
                yield replace(change, strike=strike.strip(), insert=insert.strip())
        else:
            yield change


def _from_notes(doc: Document) -> Iterator[Change]:
    for field_name in NOTE_FIELDS:
        value = doc.meta.get(field_name)
        items = value if isinstance(value, list) else [value]
        for item in items:
            if not isinstance(item, str):
                continue
            for clause in re.split(r"[;\n]", item):
                m = _NOTE.match(clause)
                if m is None:
                    continue
                rel = m.group("rel").lower()
                kind = (
                    AMEND if rel.startswith("amend") else SUPERSEDE if rel.startswith("supersed") else REVOKE
                )
                partial = bool(m.group("part"))
                for other in instruments_in(m.group("rest")):
                    passive = rel.endswith("ed")  # "Revoked by: EO X": this document's instrument
                    target, by = (doc.instrument, other) if passive else (other, doc.instrument)
                    if target and target != by:
                        yield Change(kind, target, by, partial=partial, quote=clause.strip())


def detect(doc: Document) -> list[Change]:
    """Every change `doc` states, in text order, then those from its notes; each key once."""
    seen: set[str] = set()
    out: list[Change] = []
    found = [c for v in _VERB.finditer(doc.text) for c in _from_sentence(doc.text, v, doc.instrument)]
    for change in [*found, *_from_notes(doc)]:
        if change.key() not in seen:
            seen.add(change.key())
            out.append(change)
    return out


def section_at(text: str, offset: int) -> str | None:
    """The section ("4", "4(b)") that holds `offset`, from "Sec. 4." headings and "(b)" openings."""
    heading = None
    for m in _HEADING.finditer(text, 0, offset):
        heading = m
    if heading is None:
        return None
    letter = None
    for m in _SUBSECTION.finditer(text, heading.end(), offset):
        candidate = m.group(1)
        if candidate in "ivx" and (letter is None or ord(candidate) - ord(letter) != 1):
            continue  # a roman-numbered clause (i), (v), (x) one level down, not a subsection
        letter = candidate
    return heading.group(1).lower() + (f"({letter})" if letter else "")


def section_matches(target: str | None, section: str | None) -> bool:
    """Whether a change to section `target` reaches `section` ("4" reaches "4(b)"; "4(b)" not "4(c)")."""
    if target is None:
        return True
    if section is None:
        return False
    t, s = target.replace(" ", "").lower(), section.replace(" ", "").lower()
    return s == t or s.startswith(t + "(")


def substitute(text: str, strike: str, insert: str) -> str | None:
    """`text` with the struck words replaced (case-insensitive, first occurrence), or None if absent."""
    m = re.search(re.escape(strike), text, re.IGNORECASE)
    if m is None:
        return None
    return text[: m.start()] + insert + text[m.end() :]


_REFERENCE = re.compile(
    r"\b(?:described|set\s+out|required|specified|identified|referred\s+to)\s+(?:in|by|under)\s+"
    r"(?:subsection\s+\((?P<letter>[a-z])\)\s+of\s+this\s+section"
    r"|section\s+(?P<sec>\d+[a-z]?(?:\([a-z]\))?)\s+of\s+this\s+(?:order|memorandum|proclamation))",
    re.IGNORECASE,
)


def referenced_section(anchor_text: str, quote: str, own_section: str | None) -> str | None:
    """The section whose duty an event anchor names: "within 30 days of the submission of the plan
    described in subsection (a) of this section" (in section 2) → "2(a)"; None when it names none.

    Only a reference that starts inside the anchor phrase counts (a reference elsewhere in the
    sentence describes the action, not what the deadline counts from).
    """
    at = quote.find(anchor_text) if anchor_text else -1
    if at < 0:
        return None
    m = _REFERENCE.search(quote, at)
    if m is None or m.start() > at + len(anchor_text):
        return None
    if m.group("sec"):
        return m.group("sec").lower()
    own = (own_section or "").split("(")[0]
    return f"{own}({m.group('letter').lower()})" if own else None
