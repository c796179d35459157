"""Stage 2 helper: a paragraph → its sentences and inline list items, with absolute offsets.

Pure: standard library only. Abbreviations ("Sec.", "U.S.C.", initials) do not end a sentence; an
enumerator ("(a)", "(ii)") after ":", ";" or "—" starts an item of its own.
"""

from __future__ import annotations

import re

_ABBREV = {
    "u.s",
    "sec",
    "secs",
    "no",
    "nos",
    "stat",
    "seq",
    "i.e",
    "e.g",
    "pub",
    "l",
    "fed",
    "reg",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "mr",
    "mrs",
    "ms",
    "dr",
    "jr",
    "sr",
    "st",
    "inc",
    "co",
    "corp",
    "ltd",
    "a.m",
    "p.m",
    "v",
    "vs",
    "art",
    "para",
    "u.s.c",
    "c.f.r",
    "cf",
    "al",
    "doc",
    "ch",
    "cong",
    "sess",
    "ed",
    "vol",
    "pp",
    "p",
    "op",
    "gen",
    "gov",
    "dept",
    "div",
    "subch",
    "pt",
    "cl",
    "n",
    "approx",
    "no.",
    "d.c",
    "u.n",
    "e.o",
    "ex",
    "ord",
    "viz",
}
_SENT_END = re.compile(r"[.!?][”’\"')\]]*\s+(?=[“\"'(\[]?[A-Z0-9§$]|\((?:[a-z]{1,5}|\d{1,3})\)\s)")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)\.[”’\"')\]]*$")
_INLINE_ITEM = re.compile(r"(?<=[:;—])\s+(?:and\s+|or\s+)?\((?:[a-z]{1,4}|[A-Z]{1,4}|\d{1,3})\)\s+(?=\S)")
# The same items found from their punctuation (a pattern that opens with a lookbehind is tried at every
# position); only a match at the very start of the range needs the lookbehind form.
_INLINE_ITEM_AT = re.compile(r"[:;—]" + _INLINE_ITEM.pattern[len("(?<=[:;—])") :])
_NONSPACE = re.compile(r"\S")
_DOTTED = re.compile(r"(?:[a-z]\.)+[a-z]")


def _is_abbrev(chunk: str) -> bool:
    word = _word_before(chunk[-40:])
    if word is None:
        return False
    word = word.lower()
    if word in _ABBREV or word.rstrip(".") in _ABBREV:
        return True
    # initials ("R." in "JOSEPH R. BIDEN") and dotted acronyms ("U.S.C.")
    return len(word) == 1 or bool(_DOTTED.fullmatch(word))


_CLOSERS = frozenset("”’\"')]")
_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.")


def _word_before(chunk: str) -> str | None:
    """`_WORD_BEFORE.search(chunk).group(1)` (None for no match), read from the end: the closing quotes and
    brackets, the "." before them, the run of letters and dots before that, from its first letter. (The
    pattern's "$" also matches before a final newline, which is neither a "." nor a closing mark.)"""
    k = len(chunk) - 1 if chunk.endswith("\n") else len(chunk)
    while k and chunk[k - 1] in _CLOSERS:
        k -= 1
    if not k or chunk[k - 1] != ".":
        return None
    dot = k - 1
    i = dot
    while i and chunk[i - 1] in _WORD_CHARS:
        i -= 1
    return chunk[i:dot].lstrip(".") or None


def sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans within [start, end), honouring abbreviations, then split at inline items."""
    out: list[tuple[int, int]] = []
    s = start
    for m in _SENT_END.finditer(text, start, end):
        cut = m.start() + 1
        while cut < end and text[cut] in "”’\"')]":
            cut += 1
        if _is_abbrev(text[max(s, cut - 40) : cut]):  # the last 40 characters of the sentence so far
            continue
        out.append((s, cut))
        s = m.end()
    if s < end:
        out.append((s, end))
    if text.find("(", start, end) < 0:  # every inline item opens with "("
        return [(a, b) for a, b in out if _has_text(text, a, b)]
    split: list[tuple[int, int]] = []
    for a, b in out:
        cuts = _inline_items(text, a, b)
        prev = a
        for c in cuts:
            item_start = text.rfind("(", prev, c)
            split.append((prev, item_start if item_start > prev else c))
            prev = item_start if item_start > prev else c
        split.append((prev, b))
    return [(a, b) for a, b in split if _has_text(text, a, b)]


def _has_text(text: str, a: int, b: int) -> bool:
    """`_NONSPACE.search(text, a, b)`: most spans start on a non-space character."""
    return a < b and (not text[a].isspace() or _NONSPACE.search(text, a, b) is not None)


def _inline_items(text: str, a: int, b: int) -> list[int]:
    """`[m.end() for m in _INLINE_ITEM.finditer(text, a, b)]`."""
    cuts: list[int] = []
    if text.find("(", a, b) < 0:  # every item opens with "("
        return cuts
    if a > 0 and text[a - 1] in ":;—":
        m = _INLINE_ITEM.match(text, a, b)
        if m:
            cuts.append(m.end())
            a = m.end()
    if text.find(":", a, b) < 0 and text.find(";", a, b) < 0 and text.find("—", a, b) < 0:
        return cuts  # every further item follows one of them
    cuts.extend(m.end() for m in _INLINE_ITEM_AT.finditer(text, a, b))
    return cuts
