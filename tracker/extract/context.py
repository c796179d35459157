"""Shared state of one extraction run: the document, its anchors, memoized duty cues per unit, and the
rule that binds a deadline phrase to its duty cue. Pure: no I/O, no clock."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from tracker.extract.actors import NOT_DUTY, Cue, cues
from tracker.extract.anchors import ReportAnchor
from tracker.extract.patterns import TimeToken
from tracker.extract.segment import Unit
from tracker.model import Anchor, DatePolicy, DeadlineExpr, Document, DueDate

_WILL_KINDS = {"article", "rule", "notice", "unknown"}
_EMBEDDED = re.compile(r"\b(?:whether|which|that|who|if|where|so)\b", re.I)
_FOOTNOTE = re.compile(r"\d{1,2}\s+[A-Z]")


@dataclass(slots=True)
class _Ctx:
    doc: Document
    text: str
    policy: DatePolicy
    report: ReportAnchor | None
    secondary: bool
    instrument: str | None
    sentences: list[tuple[int, int]]
    last_actor: dict[int, str]
    cue_cache: dict[tuple[int, bool | None], list[Cue]] = field(default_factory=dict)
    units: list[Unit] = field(default_factory=list)
    unit_index: int = 0
    # `text.lower()` if that keeps every offset ("" when it does not), made on first use
    lowered: str | None = None
    # Per-document memos: anchor phrase → its anchor; unit start → the subject before its first cue;
    # (what, lead-in start) → facts about a lead-in that each of its items asks for.
    anchors: dict[str, Anchor] = field(default_factory=dict)
    subjects: dict[int, str] = field(default_factory=dict)
    memo: dict[tuple[str, int], Any] = field(default_factory=dict)
    # (deadline, anchor) → its resolved due date (`resolve` is pure; rows of a document repeat pairs)
    dues: dict[tuple[DeadlineExpr, Anchor], DueDate] = field(default_factory=dict)


def _lowered(ctx: _Ctx) -> str | None:
    """`text.lower()`, provided it maps character for character, so that `low[s:e] == text[s:e].lower()`
    for every span: no character lower-cases to several, and there is no capital sigma (the only one
    whose lower case depends on its neighbours). None otherwise. Lower-cased in pieces: `str.lower`
    works in a buffer several times the size of its input."""
    if ctx.lowered is None:
        text = ctx.text
        low = "".join(text[i : i + 4096].lower() for i in range(0, len(text), 4096))
        ctx.lowered = low if len(low) == len(text) and "\u03a3" not in text else ""
    return ctx.lowered or None


def _valid_cues(ctx: _Ctx, unit: Unit, allow_may: bool = False) -> list[Cue]:
    """Duty cues of a unit. "may" is permission, a duty cue only for a closing window ("may submit
    comments on or before"), so callers that bind a cue to a deadline ask for it explicitly."""
    key = (unit.start, allow_may)
    found = ctx.cue_cache.get(key)
    if found is None:
        found = ctx.cue_cache[key] = _find_cues(ctx, unit, allow_may)
    return found


def _find_cues(ctx: _Ctx, unit: Unit, allow_may: bool) -> list[Cue]:
    out: list[Cue] = []
    if ctx.doc.kind in ("rule", "notice") and _FOOTNOTE.match(ctx.text[unit.start : unit.start + 8]):
        return out  # a footnote explains; it does not set duties
    raw = ctx.cue_cache.get((unit.start, None))  # the unfiltered cues, shared by both kinds of call
    if raw is None:
        raw = ctx.cue_cache[(unit.start, None)] = cues(ctx.text, unit.start, unit.end)
    for c in raw:
        if c.word == "may" and not allow_may:
            continue
        if c.word in ("requiring", "directing") and not ctx.secondary:
            continue  # "a rule requiring airlines to ..." modifies a noun in a primary text
        if c.word == "will" and ctx.doc.kind not in _WILL_KINDS and not ctx.secondary:
            continue
        if c.kind == "modal" and NOT_DUTY.match(ctx.text[c.end : c.end + 40]):
            continue
        if c.kind == "auth" and ctx.doc.kind not in ("rule", "notice", "statute", "unknown"):
            continue
        out.append(c)
    return out


def _cue_for(ctx: _Ctx, tok: TimeToken, ucues: list[Cue]) -> Cue | None:
    """The last cue before the token; else the first after it. A cue that ends a previous clause
    ("...; and shall, within 30 days") still governs."""
    for c in reversed(ucues):
        if c.end <= tok.start:
            return c
    for c in ucues:
        if c.start >= tok.end:
            return c
    return None
