"""Stage 1 helper: `finditer` over text windows, as cheaply as the patterns allow. A window lacking one
of a pattern's required literals is skipped; a pattern with an opener (a one-character regex marking
where a match can start) is tried only there, which spares the regex engine a try at every position.
Pure: standard library only."""

from __future__ import annotations

import re
from collections.abc import Iterator


def has_all(text: str, a: int, b: int, need: tuple[tuple[str, ...], ...]) -> bool:
    """Whether `text[a:b]` holds a literal of each group."""
    for group in need:
        for lit in group:
            if text.find(lit, a, b) >= 0:
                break
        else:
            return False
    return True


def scan_windows(
    rx: re.Pattern[str],
    text: str,
    windows: list[tuple[int, int]],
    need: tuple[tuple[str, ...], ...] = (),
    opener: re.Pattern[str] | None = None,
) -> Iterator[re.Match[str]]:
    """Exactly the matches of `rx.finditer(text, a, b)` for each window `(a, b)` (a window's end is the
    end of the text for the pattern), provided every match holds a literal of each group of `need`,
    starts where `opener` matches, and is not empty."""
    for a, b in windows:
        if need and not has_all(text, a, b, need):
            continue
        if opener is None:
            yield from rx.finditer(text, a, b)
            continue
        pos = a  # finditer's left-to-right scan, trying only the opener's hits
        for o in opener.finditer(text, a, b):
            start = o.start()
            if start >= pos:
                m = rx.match(text, start, b)
                if m is not None:
                    yield m
                    pos = m.end()
