"""Stage 4, lead-in inheritance: which items under a lead-in ("(m) The Secretary shall:") are duties,
and whether the lead-in's deadline passes to them ("shall, within 30 days ...:") or stays with the
lead-in ("shall, not later than 240 days ..., consider:" over a list of objects). Pure."""

from __future__ import annotations

import re

from tracker.extract.actors import _NAME, Cue
from tracker.extract.context import _EMBEDDED, _Ctx, _cue_for, _valid_cues
from tracker.extract.patterns import TimeToken
from tracker.extract.segment import Unit

_QUALIFIER = re.compile(
    r"^(?:within|consistent|as\s|to\s+the\s+extent|in\s+(?:consultation|coordination|collaboration)|through|acting"
    r"|and|or|subject|where|pursuant|not\s+later|no\s+later|in\s+accordance|after\s+consultation|jointly|also"
    r"|in\s+cooperation"
    r"|respectively|each|where\s+appropriate|\x00)",
    re.I,
)
_PURPOSE = re.compile(r"(?:to|in\s+order\s+to|so\s+that)\s")


def _leadin_mode(ctx: _Ctx, lead: Unit | None) -> str:
    """`_mode` of a lead-in, memoized in `ctx` (each item of a lead-in asks for it)."""
    if lead is None:
        return ""
    key = ("mode", lead.start)
    found = ctx.memo.get(key)
    if found is None:
        found = ctx.memo[key] = _mode(ctx, lead)
    return found


def _mode(ctx: _Ctx, lead: Unit | None) -> str:
    """ "bare" when the lead-in's modal has no verb before the colon ("shall:", "shall, within 30 days
    ...:"), so each item supplies the verb; "verb" when the lead-in has its own verb ("shall consider:");
    "" when there is no duty above the item. A cue-less lead-in ("(i) to protect consumers:") passes on
    the mode of its own lead-in."""
    depth = 0
    while lead is not None and depth < 6:
        lc = _valid_cues(ctx, lead)
        if lc:
            c = lc[-1]
            chunk = ctx.text[c.end : lead.end]
            for t in lead.tokens:
                if t.start >= c.end:
                    a, b = t.start - c.end, t.end - c.end
                    chunk = chunk[:a] + "\x00" * (b - a) + chunk[b:]
            chunk = chunk.rstrip(' :—–”"')
            parts = [p.strip() for p in chunk.split(",")]
            if all(not p or _QUALIFIER.match(p) for p in parts):
                return "bare"
            return "verb"
        if _has_own_verb(ctx, lead):
            return "verb"
        lead = lead.leadin
        depth += 1
    return ""


def _has_own_verb(ctx: _Ctx, lead: Unit) -> bool:
    """A cue-less item lead-in with a verb phrase of its own ("(iii) to ensure X, not later than 180
    days ..., submit a report ..., including:") rather than only purpose and qualifier phrases."""
    chunk = ctx.text[lead.body_start : lead.end]
    for t in lead.tokens:
        a, b = t.start - lead.body_start, t.end - lead.body_start
        if a >= 0:
            chunk = chunk[:a] + "\x00" * (b - a) + chunk[b:]
    parts = [p.strip() for p in chunk.rstrip(' :—–”"').split(",")]
    return any(p and not (_QUALIFIER.match(p) or _PURPOSE.match(p)) for p in parts)


def _is_heading(ctx: _Ctx, unit: Unit) -> bool:
    """A title-case item ("(a) Establish and Maintain a Common Intelligence Picture.") is a heading."""
    words = ctx.text[unit.body_start : unit.end].split()
    return 0 < len(words) <= 14 and sum(w[:1].isupper() for w in words) >= max(2, (len(words) + 1) // 2)


def _items_take_deadline(ctx: _Ctx, lead: Unit) -> bool:
    """A lead-in's deadline goes to its items when some item is a duty without its own deadline
    (memoized in `ctx`: each item of a lead-in asks)."""
    key = ("take", lead.start)
    found = ctx.memo.get(key)
    if found is None:
        found = ctx.memo[key] = _take_deadline(ctx, lead)
    return found


def _take_deadline(ctx: _Ctx, lead: Unit) -> bool:
    mode = _leadin_mode(ctx, lead)
    lc = _valid_cues(ctx, lead)
    ltoks = [t for t in lead.tokens if t.kind != "recur"]
    if lc and ltoks and (_cue_for(ctx, ltoks[-1], lc) is not lc[-1] or lc[-1].kind == "auth"):
        return False  # "shall designate ..., who shall:" or "are authorized to:" keeps its own window
    for item in lead.items:
        toks = item.tokens
        if any(t.kind != "recur" for t in toks):
            continue
        own = [c for c in _valid_cues(ctx, item) if not _EMBEDDED.search(ctx.text[item.body_start : c.start])]
        if own or (mode == "bare" and not _is_heading(ctx, item)):
            return True
    return False


def _leadin_tokens(ctx: _Ctx, lead: Unit | None) -> list[TimeToken]:
    """The deadline tokens of the nearest lead-in above that has any (memoized in `ctx`: every item of
    a lead-in asks)."""
    if lead is None:
        return []
    key = ("tokens", lead.start)
    found = ctx.memo.get(key)
    if found is None:
        found = ctx.memo[key] = _chain_tokens(lead)
    return found


def _chain_tokens(lead: Unit | None) -> list[TimeToken]:
    depth = 0
    while lead is not None and depth < 6:
        toks = [t for t in lead.tokens if t.kind != "recur"]
        if toks:
            return toks
        lead = lead.leadin
        depth += 1
    return []


def _leadin_cue(ctx: _Ctx, lead: Unit | None) -> Cue | None:
    depth = 0
    while lead is not None and depth < 6:
        lc = _valid_cues(ctx, lead)
        if lc:
            return lc[-1]
        lead = lead.leadin
        depth += 1
    return None


# A name in a list of consultees ("the Secretary of State", "and the heads of other relevant agencies").
_LISTED_NAME = re.compile(r"(?:(?:and|or)\s+)?" + _NAME.pattern)


def item_verb_start(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> int:
    """Where an item's own verb phrase begins, past its leading qualifiers and time phrases ("(i) acting
    through the Administrator, and in consultation with the Secretary of State, the Secretary of the
    Interior, and the Chair, expedite ..." → "expedite ..."): each comma-separated part that is a
    qualifier, a time phrase, or a name listed after a qualifier is skipped."""
    pos, listing = start, False
    while True:
        comma = text.find(",", pos, end)
        if comma < 0:
            return pos
        part = text[pos:comma].strip()
        timed = any(s <= pos + 1 and comma <= e + 1 for s, e in spans)
        if _QUALIFIER.match(part) or timed:
            listing = not timed
        elif not (listing and _LISTED_NAME.fullmatch(part)):
            return pos
        pos = comma + 1
        while pos < end and text[pos] == " ":
            pos += 1
