"""Stage 1 driver: runs the time-phrase finders of `tracker.extract.patterns` near their trigger words
and resolves overlapping tokens. Pure: standard library only, no I/O, no clock."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from tracker.extract.patterns import TimeToken, _dates, _events, _offsets, _recurrences

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
# One alternation per finder: Python's regex engine scans a short literal alternation faster than one
# union of all the literals.
_TRIGGERS = [
    re.compile("|".join(re.escape(lit) for lit in sorted(lits, key=len, reverse=True)))
    for _, lits, _, _ in FINDERS
]


def _all_windows(text: str) -> list[list[tuple[int, int]]]:
    """Per finder, merged spans around its trigger words, clipped to their paragraph (no phrase
    crosses a line)."""
    out: list[list[tuple[int, int]]] = []
    n = len(text)
    for trigger, (_, _, before, after) in zip(_TRIGGERS, FINDERS, strict=True):
        win: list[tuple[int, int]] = []
        line_start, line_end = 0, -1
        for m in trigger.finditer(text):
            ms, me = m.start(), m.end()
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
    kept: list[TimeToken] = []
    for tok in found:
        if any(
            k.start <= tok.start and tok.end <= k.end and (k.kind == "recur") == (tok.kind == "recur")
            for k in kept
        ):
            continue
        if tok.kind == "recur" and any(k.start <= tok.start < k.end and k.recurrence for k in kept):
            continue
        kept = [
            k
            for k in kept
            if not (
                tok.start <= k.start
                and k.end <= tok.end
                and k is not tok
                and (k.kind == "recur") == (tok.kind == "recur")
            )
        ]
        kept.append(tok)
    # Overlapping (not nested) deadline tokens: keep the earlier one.
    out: list[TimeToken] = []
    for tok in kept:
        if tok.kind != "recur" and any(o.kind != "recur" and o.end > tok.start for o in out):
            continue
        out.append(tok)
    return out
