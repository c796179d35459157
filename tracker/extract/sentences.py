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
_SENT_END_DOT = re.compile(r"\." + _SENT_END.pattern[len("[.!?]") :])
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)\.[”’\"')\]]*$")
_INLINE_ITEM = re.compile(r"(?<=[:;—])\s+(?:and\s+|or\s+)?\((?:[a-z]{1,4}|[A-Z]{1,4}|\d{1,3})\)\s+(?=\S)")
# The same items found from their punctuation (a pattern that opens with a lookbehind is tried at every
# position); only a match at the very start of the range needs the lookbehind form.
_INLINE_ITEM_AT = re.compile(r"[:;—]" + _INLINE_ITEM.pattern[len("(?<=[:;—])") :])
_INLINE_ITEM_AFTER = {sep: re.compile(sep + _INLINE_ITEM.pattern[len("(?<=[:;—])") :]) for sep in ":;—"}
_NONSPACE = re.compile(r"\S")
_DOTTED = re.compile(r"(?:[a-z]\.)+[a-z]")


_CLOSERS = frozenset("”’\"')]")
_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.")


def _abbrev_before(text: str, lo: int, dot: int) -> bool:
    """Whether the sentence end at `dot` follows an abbreviation: `_WORD_BEFORE` on `text[lo:]` up to the
    end mark and its closing quotes and brackets, read from the end: the "." at `dot`, then the run of
    letters and dots before it (from `lo` at the earliest), from its first letter."""
    if lo >= dot or text[dot] != "." or text[dot - 1] not in _WORD_CHARS:
        return False  # no word before the "."
    i = max(lo, text.rfind(" ", lo, dot) + 1)
    word = text[i:dot]
    if not (word.isascii() and word.replace(".", "").isalpha()):  # the word does not run back to a space
        i = dot
        while i > lo and text[i - 1] in _WORD_CHARS:
            i -= 1
        word = text[i:dot]
    word = word.lstrip(".").lower()
    if not word:
        return False
    if word in _ABBREV or word.rstrip(".") in _ABBREV:
        return True
    # initials ("R." in "JOSEPH R. BIDEN") and dotted acronyms ("U.S.C.")
    return len(word) == 1 or ("." in word and _DOTTED.fullmatch(word) is not None)


def sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans within [start, end), honouring abbreviations, then split at inline items."""
    para = text[start:end]  # for `in` tests (cheaper than `text.find` with bounds)
    out: list[tuple[int, int]] = []
    s = start
    # Without "!" and "?" only "." ends a sentence: a pattern that opens with a literal is searched faster.
    for m in (_SENT_END if "!" in para or "?" in para else _SENT_END_DOT).finditer(text, start, end):
        dot = m.start()
        cut = dot + 1
        while cut < end and text[cut] in _CLOSERS:
            cut += 1
        # an abbreviation within the last 40 characters of the sentence so far
        if _abbrev_before(text, max(s, cut - 40), dot):
            continue
        out.append((s, cut))
        s = m.end()
    if s < end:
        out.append((s, end))
    # Every inline item opens with "(" and follows ":", ";" or "—" (before `start` only for an item at
    # `start`: later sentences start after white space).
    if "(" not in para or (
        ":" not in para
        and ";" not in para
        and "—" not in para
        and not (start > 0 and text[start - 1] in ":;—")
    ):
        # Only the first span can be blank: the others start on the non-space character that a sentence
        # end looks ahead to.
        if out and text[start].isspace() and _NONSPACE.search(text, start, out[0][1]) is None:
            del out[0]
        return out
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
    span = text[a:b]
    if "(" not in span:  # every item opens with "("
        return cuts
    if a > 0 and text[a - 1] in ":;—":
        m = _INLINE_ITEM.match(text, a, b)
        if m:
            cuts.append(m.end())
            a = m.end()
    # (looked for in the whole span: a separator before `a` only widens the choice of pattern)
    colon, semi, dash = ":" in span, ";" in span, "—" in span
    if colon + semi + dash > 1:
        items = _INLINE_ITEM_AT
    elif colon + semi + dash == 0:
        return cuts  # every further item follows one of them
    else:  # only one of them occurs: the pattern that opens with it as a literal is searched faster
        items = _INLINE_ITEM_AFTER[":" if colon else ";" if semi else "—"]
    m = items.search(text, a, b)  # mostly none: no need for an iterator
    if m:
        cuts.append(m.end())
        cuts.extend(m.end() for m in items.finditer(text, m.end(), b))
    return cuts
