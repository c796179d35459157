"""Stage 1 driver: runs the time-phrase finders of `tracker.extract.patterns` near their trigger words
and resolves overlapping tokens. Pure: standard library only, no I/O, no clock."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from tracker.extract.finders import _dates, _events, _offsets, _recurrences
from tracker.extract.patterns import TimeToken

# Each finder runs only near its trigger words (case-sensitive literals): (finder, triggers, chars kept
# before a trigger, chars kept after it). One combined pass over the text finds every trigger; a literal
# that contains another finder's literal ("monthly" holds "month") opens a window for both.
Finder = Callable[[str, list[tuple[int, int]]], Iterator[TimeToken]]
FINDERS: list[tuple[Finder, tuple[str, ...], int, int]] = [
    (_offsets, ("day", "week", "month", "year", "hour", "Day", "Week", "Month", "Year", "Hour"), 110, 260),
    (
        _dates,
        (
            *("January", "February", "March", "April", "May", "June", "July", "August", "September"),
            *("October", "November", "December", "Jan.", "Feb.", "Mar.", "Apr.", "Jun.", "Jul.", "Aug."),
            *("Sep.", "Sept.", "Oct.", "Nov.", "Dec.", "/1", "/2", "fiscal", "FY", "calendar", "end of"),
            "eadline",
        ),
        110,
        90,
    ),
    (_events, ("pon", "ollowing", "soon", "before", "immediately", "After"), 10, 220),
    (
        _recurrences,
        (
            *("annual", "biennial", "quarterl", "monthly", "weekly", "basis", "every", "once", "fiscal"),
            *("thereafter", "Annual", "Biennial", "Quarterl", "Monthly", "Every", "Once"),
        ),
        90,
        130,
    ),
]
# Trigger search. A literal alternation makes the regex engine try every position whose character starts
# some literal ("e" for "eadline", "o" for "once"): slow on English text. Instead each literal is found at
# an anchor: its rarest character (the pivot) or, for literals whose rarest character is still common, a
# substring it shares with others ("on" in "once", "soon", "upon"). One pass finds every pivot: the pivot,
# then the rest of the literal as plain characters (which the engine rejects cheaply at most pivots), then
# a lookbehind over the whole literal. Each shared substring has a pass of its own, which the engine's fast
# search for a fixed prefix makes cheap. Each hit is then matched against the literals of its anchor in
# Python, the search going on from the character after the anchor (a hit consumes more than its anchor,
# and the next anchor may lie within it), and each finder's occurrences are re-read as the leftmost-
# longest, non-overlapping scan of its own alternation.
_COMMON = " etinaorscdhlufpmgy,bv.wkxzqj"  # by falling frequency in English prose; others are rarer
_SHARED = {
    "once": "on",
    "soon": "on",
    "pon": "on",
    "eadline": "dl",
    "calendar": "lendar",
    "month": "month",
    "monthly": "month",
}


def _pivot(lit: str) -> int:
    return min(range(len(lit)), key=lambda i: (-_COMMON.find(lit[i]) if lit[i] in _COMMON else -99, i))


def _anchored(anchor: str, lits: list[tuple[str, int, tuple[int, ...]]]) -> str:
    """A pattern matching at `anchor` where one of `lits` (literal, offset of the anchor) occurs."""
    checks = []
    # Literals that go on after the anchor first: their next character settles most hits.
    for lit, k, _ in sorted(lits, key=lambda lko: (lko[1] + len(anchor) == len(lko[0]), lko[0])):
        behind = f"(?<={re.escape(lit)})" if k else ""
        checks.append(re.escape(lit[k + len(anchor) :]) + behind)
    return f"{re.escape(anchor)}(?:{'|'.join(checks)})"


_OWNERS: dict[str, tuple[int, ...]] = {}
for _i, (_, _lits, _, _) in enumerate(FINDERS):
    for _lit in _lits:
        _OWNERS[_lit] = (*_OWNERS.get(_lit, ()), _i)
# Anchor → (literal, offset of the anchor in it, finders that use it).
_ANCHORS: dict[str, list[tuple[str, int, tuple[int, ...]]]] = {}
for _lit, _own in sorted(_OWNERS.items(), key=lambda lo: (-len(lo[0]), lo[0])):
    _a = _SHARED.get(_lit) or _lit[_pivot(_lit)]
    _ANCHORS.setdefault(_a, []).append((_lit, _lit.find(_a) if _lit in _SHARED else _pivot(_lit), _own))
_PIVOTS = {a: lits for a, lits in _ANCHORS.items() if len(a) == 1}
# The pivots that are not lower-case letters (capitals of month names, "/") are rare: one pass finds them
# all. A lower-case pivot ("u", "f", "y") is common, and a pass that may start at any of several common
# characters makes the engine try each of them: each lower-case pivot gets a pass of its own, whose fast
# search for its one first character is cheaper.
_TRIGGERS = [
    re.compile("|".join(_anchored(ch, lits) for ch, lits in _PIVOTS.items() if not ch.islower())),
    *(re.compile(_anchored(ch, lits)) for ch, lits in _PIVOTS.items() if ch.islower()),
]
_SHARED_RX = [(re.compile(_anchored(a, lits)), lits) for a, lits in _ANCHORS.items() if len(a) > 1]


def _triggers(text: str) -> list[list[tuple[int, int]]]:
    """Per finder, the spans its literal alternation (longest first) would match, left to right."""
    found: list[list[tuple[int, int]]] = [[] for _ in FINDERS]
    for rx in _TRIGGERS:
        search = rx.search
        m = search(text)
        while m is not None:
            p = m.start()
            for lit, k, owners in _PIVOTS[text[p]]:
                if p >= k and text.startswith(lit, p - k):
                    for f in owners:
                        found[f].append((p - k, p - k + len(lit)))
            m = search(text, p + 1)
    for rx, lits in _SHARED_RX:
        search = rx.search
        m = search(text)
        while m is not None:
            p = m.start()
            for lit, k, owners in lits:
                if p >= k and text.startswith(lit, p - k):
                    for f in owners:
                        found[f].append((p - k, p - k + len(lit)))
            m = search(text, p + 1)
    out = []
    for spans in found:
        spans.sort(key=lambda se: (se[0], -se[1]))
        kept = []
        end = -1
        for s, e in spans:
            if s >= end:
                kept.append((s, e))
                end = e
        out.append(kept)
    return out


def _all_windows(text: str) -> list[list[tuple[int, int]]]:
    """Per finder, merged spans around its trigger words, clipped to their paragraph (no phrase
    crosses a line)."""
    out: list[list[tuple[int, int]]] = []
    n = len(text)
    for spans, (_, _, before, after) in zip(_triggers(text), FINDERS, strict=True):
        win: list[tuple[int, int]] = []
        line_start, line_end = 0, -1
        for ms, me in spans:
            if ms > line_end:  # a new paragraph: find its bounds once
                line_start = text.rfind("\n", 0, ms) + 1
                nl = text.find("\n", me)
                line_end = nl if nl >= 0 else n
            lo = ms - before if ms - before > line_start else line_start
            hi = me + after if me + after < line_end else line_end
            if win and lo <= win[-1][1]:
                if hi > win[-1][1]:
                    win[-1] = (win[-1][0], hi)
            else:
                win.append((lo, hi))
        out.append(win)
    return out


def tokenize(text: str) -> list[TimeToken]:
    """All time tokens of `text`, ordered by start; a token inside a longer one is dropped, except
    that recurrences are kept beside the deadline they repeat."""
    windows = _all_windows(text)
    found = list(
        {
            (t.start, t.end, t.kind): t
            for (finder, _, _, _), wins in zip(FINDERS, windows, strict=True)
            for t in finder(text, wins)
        }.values()
    )
    found.sort(key=lambda t: (t.start, -(t.end - t.start)))
    # Every kept token starts at or before the current one (they come by start), so "a kept token of
    # its class contains it" is "one ends at or after it": the furthest end per class decides.
    kept: list[TimeToken] = []
    reach = {True: -1, False: -1}  # furthest end of a kept token, by "is a recurrence"
    reach_rec = -1  # furthest end of a kept token that carries a recurrence
    for tok in found:
        is_recur = tok.kind == "recur"
        if reach[is_recur] >= tok.end:
            continue
        if is_recur and reach_rec > tok.start:
            continue
        if kept and kept[-1].start >= tok.start:  # kept tokens inside it can only start where it does
            kept = [
                k
                for k in kept
                if not (
                    tok.start <= k.start
                    and k.end <= tok.end
                    and k is not tok
                    and (k.kind == "recur") == is_recur
                )
            ]
            reach = {c: max((k.end for k in kept if (k.kind == "recur") == c), default=-1) for c in reach}
            reach_rec = max((k.end for k in kept if k.recurrence), default=-1)
        kept.append(tok)
        reach[is_recur] = max(reach[is_recur], tok.end)
        if tok.recurrence:
            reach_rec = max(reach_rec, tok.end)
    # Overlapping (not nested) deadline tokens: keep the earlier one.
    out: list[TimeToken] = []
    reach_out = -1  # furthest end of a deadline token in `out`
    for tok in kept:
        if tok.kind != "recur":
            if reach_out > tok.start:
                continue
            reach_out = max(reach_out, tok.end)
        out.append(tok)
    return out
