"""Shared state of one extraction run: the document, its anchors, memoized duty cues per unit, and the
rule that binds a deadline phrase to its duty cue. Pure: no I/O, no clock."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tracker.extract.actors import NOT_DUTY, Cue, cues
from tracker.extract.anchors import ReportAnchor
from tracker.extract.patterns import TimeToken
from tracker.extract.segment import Unit
from tracker.model import DatePolicy, Document

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
    cue_cache: dict[tuple[int, bool], list[Cue]] = field(default_factory=dict)
    units: list[Unit] = field(default_factory=list)
    unit_index: int = 0
    lowered: list[str] | None = None  # `text[s:e].lower()` per sentence, made on first use


def _lowered(ctx: _Ctx) -> list[str]:
    if ctx.lowered is None:
        ctx.lowered = [ctx.text[s:e].lower() for s, e in ctx.sentences]
    return ctx.lowered


def _valid_cues(ctx: _Ctx, unit: Unit, allow_may: bool = False) -> list[Cue]:
    """Duty cues of a unit. "may" is permission, a duty cue only for a closing window ("may submit
    comments on or before"), so callers that bind a cue to a deadline ask for it explicitly."""
    key = (unit.start, allow_may)
    if key not in ctx.cue_cache:
        ctx.cue_cache[key] = _find_cues(ctx, unit, allow_may)
    return ctx.cue_cache[key]


def _find_cues(ctx: _Ctx, unit: Unit, allow_may: bool) -> list[Cue]:
    out: list[Cue] = []
    if ctx.doc.kind in ("rule", "notice") and _FOOTNOTE.match(ctx.text[unit.start : unit.start + 8]):
        return out  # a footnote explains; it does not set duties
    for c in cues(ctx.text, unit.start, unit.end):
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
    before = [c for c in ucues if c.end <= tok.start]
    after = [c for c in ucues if c.start >= tok.end]
    if before:
        c = before[-1]
        # A cue that ends a previous clause ("...; and shall, within 30 days") still governs.
        return c
    return after[0] if after else None
