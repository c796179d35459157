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
# some literal ("e" for "eadline", "o" for "once"), and a scan for any of a set of characters (the capitals
# of month names) costs it several times a scan for one: both are slow on English text. Instead each
# literal is found at an anchor it contains, in one pass per anchor:
# - a common lower-case letter (or "on", "."), scanned by the regex engine: the anchor, then the rest of
#   each of its literals as plain characters (which the engine rejects cheaply at most anchors), then a
#   lookbehind over the whole literal;
# - a rare character or a long literal, found by `str.find` (memchr for one character, a skipping search
#   for a long one); a hit that does not go on with some literal is dropped by one `startswith`.
# Each hit is then matched against the literals of its anchor in Python, the search going on from the
# character after the anchor (a hit consumes more than its anchor, and the next anchor may lie within
# it), and each finder's occurrences are re-read as the leftmost-longest, non-overlapping scan of its own
# alternation. Every literal of FINDERS has exactly one anchor below.
_SCANNED = {
    "y": ("day", "Day", "year", "immediately", "every", "Every"),
    "f": ("fiscal", "thereafter", "end of", "After"),
    "b": ("basis", "before", "biennial", "September", "November", "December", "October", "February", "Feb."),
    "u": ("annual", "Annual", "hour", "Hour", "quarterl", "Quarterl", "August", "Aug."),
    "on": ("once", "soon", "pon", "month", "monthly", "Month", "Monthly"),
    ".": ("Sep.", "Sept.", "Oct.", "Nov.", "Dec.", "Apr."),
    "k": ("week", "weekly", "Week"),
}
_FOUND = {
    **{lit: (lit,) for lit in ("ollowing", "calendar", "eadline", "April")},
    "J": ("January", "Jan.", "July", "Jul.", "June", "Jun."),
    "M": ("March", "Mar.", "May"),
    "Y": ("Year", "FY"),
    "B": ("Biennial",),
    "O": ("Once",),
    "/": ("/1", "/2"),
}
_OWNERS: dict[str, tuple[int, ...]] = {}
for _i, (_, _lits, _, _) in enumerate(FINDERS):
    for _lit in _lits:
        _OWNERS[_lit] = (*_OWNERS.get(_lit, ()), _i)
_ANCHOR_OF = [(lit, a) for a, lits in (*_SCANNED.items(), *_FOUND.items()) for lit in lits]
assert sorted(lit for lit, _ in _ANCHOR_OF) == sorted(_OWNERS), "each trigger literal needs one anchor"
assert all(a in lit for lit, a in _ANCHOR_OF)
Anchored = list[tuple[str, int, tuple[int, ...]]]  # (literal, offset of the anchor in it, finders using it)


def _literals(anchor: str, lits: tuple[str, ...]) -> Anchored:
    return [(lit, lit.find(anchor), _OWNERS[lit]) for lit in sorted(lits, key=lambda lit: (-len(lit), lit))]


def _anchored(anchor: str, lits: Anchored) -> str:
    """A pattern matching at `anchor` where one of `lits` occurs (or a little more often: hits are
    checked in Python)."""
    # The rest of each literal after the anchor, then, unless a literal starts at the anchor, lookbehinds
    # over the whole literals, one per length (each lookbehind the engine tries costs it a call); several
    # are guarded by one over the character before the anchor, which rejects most hits.
    behind: dict[str, dict[int, list[str]]] = {}  # rest → length → literals
    before: dict[str, set[str]] = {}  # rest → characters before the anchor
    free: set[str] = set()  # rests of literals that start at the anchor: no lookbehind needed
    for lit, k, _ in lits:
        rest = lit[k + len(anchor) :]
        if k == 0:
            free.add(rest)
        else:
            behind.setdefault(rest, {}).setdefault(len(lit), []).append(re.escape(lit))
            before.setdefault(rest, set()).add(re.escape(lit[k - 1]))
    checks = []
    # Literals that go on after the anchor first: their next character settles most hits.
    for rest in sorted(behind.keys() | free, key=lambda r: (r == "", r)):
        looks = [f"(?<={'|'.join(sorted(ls))})" for _, ls in sorted(behind.get(rest, {}).items())]
        if rest in free or not looks:
            checks.append(re.escape(rest))
        else:
            guard = f"(?<=[{''.join(sorted(before[rest]))}]{re.escape(anchor + rest)})"
            checks.append(
                re.escape(rest) + (looks[0] if len(looks) == 1 else f"{guard}(?:{'|'.join(looks)})")
            )
    return f"{re.escape(anchor)}(?:{'|'.join(checks)})"


def _by_before(lits: Anchored) -> tuple[dict[str, Anchored], Anchored]:
    """`lits` by the character before their anchor (each with those that start at it), and those that
    start at it: a hit is checked against the few literals its character before allows."""
    free = [lko for lko in lits if lko[1] == 0]
    table: dict[str, Anchored] = {}
    for lit, k, owners in lits:
        if k:
            table.setdefault(lit[k - 1], list(free)).append((lit, k, owners))
    return table, free


_TRIGGERS = [
    (re.compile(_anchored(a, _literals(a, ls))), *_by_before(_literals(a, ls))) for a, ls in _SCANNED.items()
]
# (anchor, what a hit must go on with: the literals from their anchor on, literals)
_FINDS = [
    (a, tuple(sorted({lit[k:] for lit, k, _ in _literals(a, ls)})), _literals(a, ls))
    for a, ls in _FOUND.items()
]


def _record(found: list[list[tuple[int, int]]], text: str, p: int, lits: Anchored) -> None:
    """Adds the literals of `lits` whose anchor is at `p` to the spans of their finders."""
    for lit, k, owners in lits:
        if p >= k and text.startswith(lit, p - k):
            for f in owners:
                found[f].append((p - k, p - k + len(lit)))


def _triggers(text: str) -> list[list[tuple[int, int]]]:
    """Per finder, the spans its literal alternation (longest first) would match, left to right."""
    found: list[list[tuple[int, int]]] = [[] for _ in FINDERS]
    for rx, table, free in _TRIGGERS:
        search = rx.search
        m = search(text)
        while m is not None:
            p = m.start()
            _record(found, text, p, table.get(text[p - 1], free) if p else free)
            m = search(text, p + 1)
    find, startswith = text.find, text.startswith
    for anchor, tails, lits in _FINDS:
        p = find(anchor)
        while p >= 0:
            if startswith(tails, p):
                _record(found, text, p, lits)
            p = find(anchor, p + 1)
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
