"""Prefilters that spare the regex engine text a pattern cannot match. `scan_windows` is `finditer` over
text windows, as cheaply as the patterns allow: a window lacking one of a pattern's required literals, or
a short shape every match contains, is skipped; a pattern with an opener (a one-character regex marking
where a match can start) is tried only there, which spares the regex engine a try at every position;
`scan_led` tries a pattern only at the word starts just before a key every match holds (what may stand
between them read backwards). A pattern may run in a faster form whose matches with a long anchor are
matched again with the exact one. `may_hold` tells whether a case-insensitive pattern can match at all,
and `lowered_for_ci` lets one be run in lower case without the flag (which costs the engine its fast
searches). Pure: standard library only."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterator
from functools import lru_cache

from tracker.extract.patterns import ANCHOR_MAX

# The only characters outside ASCII that a case-insensitive (re.I) ASCII letter matches: "İ" and "ı"
# ("i"), "ſ" ("s"), the Kelvin sign ("k").
_FOLDS_TO_ASCII = re.compile("[\u0130\u0131\u017f\u212a]")


def may_hold(text: str, literals: tuple[str, ...]) -> bool:
    """False only if no case-insensitive match of a pattern that needs one of `literals` (lower-case
    ASCII) can occur in `text`: none is in `text.lower()` and no character of `text` folds to ASCII."""
    low = text.lower()
    for lit in literals:
        if lit in low:
            return True
    return not text.isascii() and _FOLDS_TO_ASCII.search(text) is not None


def lowered_for_ci(text: str) -> str | None:
    """`text.lower()` when a case-insensitive pattern whose letters are all ASCII matches `text` exactly
    where the same pattern in lower case, without the flag, matches the result: no character of `text`
    folds to ASCII and lower-casing kept every offset. None otherwise."""
    low = text.lower()
    if len(low) != len(text) or (not text.isascii() and _FOLDS_TO_ASCII.search(text) is not None):
        return None
    return low


@lru_cache(maxsize=256)
def ci_literal(key: str) -> re.Pattern[str] | None:
    """A pattern matching `text` at `i` exactly where `text[i : i + len(key)].lower() == key` (`key` in
    lower case), for a text without "İ" (the only character whose lower case is longer). None unless every
    character of `key` is ASCII, "§" or white space: the only characters that lower-case to one of those
    are the character itself, an ASCII capital letter and the Kelvin sign ("k")."""
    parts = []
    for ch in key:
        if not (ch.isascii() or ch == "§" or ch.isspace()):
            return None
        if "a" <= ch <= "z":
            parts.append(f"[{ch}{ch.upper()}{chr(0x212A) if ch == 'k' else ''}]")
        else:
            parts.append(re.escape(ch))
    return re.compile("".join(parts))


def sentences_holding(
    text: str, sentences: list[tuple[int, int]], keys: list[re.Pattern[str]]
) -> Iterator[tuple[int, int]]:
    """The sentences (sorted, disjoint spans), in order, that hold a match of each of `keys` (`ci_literal`
    patterns); only those where the first key occurs are looked at."""
    done = -1  # the last sentence looked at
    m = keys[0].search(text)
    while m is not None:
        j = bisect_right(sentences, (m.start(), len(text) + 1)) - 1
        if j > done:
            done = j
            s, e = sentences[j] if j >= 0 else (0, -1)
            if m.end() <= e and all(k.search(text, s, e) for k in keys[1:]):
                yield s, e
        m = keys[0].search(text, m.start() + 1)


def _lacking(find: Callable[..., int], need: tuple[tuple[str, ...], ...], a: int, b: int) -> bool:
    """Whether some group of `need` has no literal in `text[a:b]` (`find` is `text.find`)."""
    for group in need:
        for lit in group:
            if find(lit, a, b) >= 0:
                break
        else:
            return True
    return False


def _exact(m: re.Match[str], exact: re.Pattern[str] | None, end: int) -> re.Match[str] | None:
    """`m`, or when its pattern is the faster form of `exact` (`patterns._ANCHOR_RUNS`) and its anchor is
    longer than ANCHOR_MAX, the match of `exact` at its start (None if there is none)."""
    if exact is None or m.start("anchor") < 0 or m.end("anchor") - m.start("anchor") <= ANCHOR_MAX:
        return m
    return exact.match(m.string, m.start(), end)


def scan_led(
    rx: re.Pattern[str],
    text: str,
    windows: list[tuple[int, int]],
    need: tuple[tuple[str, ...], ...],
    key: re.Pattern[str],
    lead: re.Pattern[str],
    exact: re.Pattern[str] | None = None,
) -> Iterator[re.Match[str]]:
    """Exactly the matches of `rx.finditer(text, a, b)` for each window `(a, b)`, provided every match
    holds a literal of each group of `need` and a match of `key` at some `u` such that the match starts
    within the text before `u` that `lead` matches read backwards (on `text[a:u][::-1]`), at a letter or
    digit that does not follow one. `key` is tried at each position, and `rx` only at those starts. With
    `exact`, `rx` is its faster form (see `_exact`) and the matches are those of `exact`."""
    find = text.find
    for a, b in windows:
        if _lacking(find, need, a, b):
            continue
        pos = a  # finditer's left-to-right scan
        k = key.search(text, a, b)
        while k is not None:
            u = k.start()
            back = lead.match(text[a:u][::-1])
            for s in range(max(pos, u - (back.end() if back else 0)), u):
                if text[s].isalnum() and (s == 0 or not text[s - 1].isalnum()):
                    m = rx.match(text, s, b)
                    if m is not None and (m := _exact(m, exact, b)) is not None:
                        yield m
                        pos = m.end()
                        break
            k = key.search(text, max(u + 1, pos), b)


def scan_windows(
    rx: re.Pattern[str],
    text: str,
    windows: list[tuple[int, int]],
    need: tuple[tuple[str, ...], ...] = (),
    opener: re.Pattern[str] | None = None,
    shape: re.Pattern[str] | None = None,
    exact: re.Pattern[str] | None = None,
) -> Iterator[re.Match[str]]:
    """Exactly the matches of `rx.finditer(text, a, b)` for each window `(a, b)` (a window's end is the
    end of the text for the pattern), provided every match holds a literal of each group of `need` and
    a match of `shape` (a pattern with no lookaround), starts where `opener` matches, and is not empty.
    With `exact` (no opener), `rx` is its faster form (see `_exact`) and the matches are those of `exact`."""
    find = text.find
    for a, b in windows:
        if _lacking(find, need, a, b) or (shape is not None and shape.search(text, a, b) is None):
            continue
        if exact is not None:
            pos = a  # finditer's left-to-right scan; a start where only `rx` matches is passed over
            while (m := rx.search(text, pos, b)) is not None:
                if (e := _exact(m, exact, b)) is not None:
                    yield e
                    pos = e.end()
                else:
                    pos = m.start() + 1
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
