"""Stage 2, the clause finder: paragraphs → sentences and list items with absolute offsets, and the
lead-in → item tree ("(m) The Secretary of Transportation shall:" over its "(i)", "(ii)" items).

Pure: standard library only. Abbreviations are protected before splitting; enumerators split only at a
paragraph start or after ":", ";" or "—"; headings ("Sec. 3. Title.") become context, not clauses.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tracker.extract.sentences import sentences

if TYPE_CHECKING:
    from tracker.extract.patterns import TimeToken

ENUM = re.compile(r"^[“\"]?\((?P<label>[a-z]{1,5}|[A-Z]{1,5}|\d{1,3})\)\s*")
_SECTION_HEAD = re.compile(r"^[“\"]?(?:Sec\.|SEC\.|Section|§)\s*[\dA-Z]")
# `ENUM` and `_SECTION_HEAD` for `pattern.match(text, start, end)` (a "^" would not match at `start`),
# and the first characters a paragraph needs for either to match.
_ENUM_AT = re.compile(ENUM.pattern.removeprefix("^"))
_SECTION_HEAD_AT = re.compile(_SECTION_HEAD.pattern.removeprefix("^"))
_QUOTES = frozenset('“"')
_ENUM_FIRST = frozenset('“"(')
_HEAD_FIRST = frozenset('“"S§')
_ROMAN = re.compile(r"^(?:x{0,3})(?:ix|iv|v?i{0,3})$")
# Every string `_ROMAN` matches (labels hold no newline): a set lookup per enumerator.
_ONES = ("ix", "iv", *(v + "i" * n for v in ("", "v") for n in range(4)))
_ROMANS = frozenset(x + r for x in ("", "x", "xx", "xxx") for r in _ONES)
_LEADIN_TAIL = re.compile(r"(?::|—|–|\bfollowing)[”’\"]?\s*$")
# An item label after a "." (the "." is part of the match: a pattern that opens with a lookbehind is tried
# at every position, one that opens with a literal is searched for it)
_INLINE_LABEL = re.compile(r"\.\s+\((?P<label>[a-z]{1,3}|\d{1,3})\)\s+")


class _LeadinEnd:
    """Whether a unit ends like a lead-in; looks at the tail only (a `$` search scans the whole text)."""

    @staticmethod
    def search(chunk: str) -> re.Match[str] | None:
        tail = chunk[-16:]
        return _LEADIN_TAIL.search(tail) if _leadin_tail(tail) else None


def _leadin_tail(tail: str) -> bool:
    """`_LEADIN_TAIL.search(tail) is not None`, without the regex: ":", "—", "–" or a whole word
    "following", then at most one closing quote and white space."""
    t = tail.rstrip()
    if t[-1:] in ("”", "’", '"') and t:
        t = t[:-1]
    if t.endswith((":", "—", "–")):
        return True
    if not t.endswith("following"):
        return False
    i = len(t) - 10
    return i < 0 or not (t[i].isalnum() or t[i] == "_")


# The last character of a unit that can end a lead-in: ":", "—", "–", a closing quote, the "g" of
# "following", or white space (stripped first).
_TAIL_ENDS = frozenset(':—–”’"g')


def ends_leadin(text: str, start: int, end: int) -> bool:
    """`LEADIN_END.search(text[start:end])`, reading only the tail (most units are settled by their last
    character alone)."""
    if end > start:
        c = text[end - 1]
        if c not in _TAIL_ENDS and not c.isspace():
            return False
    return _leadin_tail(text[max(start, end - 16) : end])


LEADIN_END = _LeadinEnd()


@dataclass(slots=True)
class Unit:
    """A sentence or list item: `text[start:end]`. `leadin` is the unit whose modal, actor and
    deadline an item inherits; `body_start` skips the enumerator and any heading. `tokens` holds the
    time tokens the pipeline keeps for the unit. `items` (a lead-in's units) is the shared empty tuple
    until the first item comes."""

    start: int
    end: int
    para: int
    label: str | None = None
    level: str | None = None
    body_start: int = 0
    leadin: Unit | None = None
    items: list[Unit] | tuple[()] = ()
    first_in_item: bool = True
    quoted: bool = False
    section: int = 0
    tokens: Sequence[TimeToken] = ()

    def text(self, doc: str) -> str:
        return doc[self.start : self.end]

    @property
    def is_leadin(self) -> bool:
        return bool(self.items)


def _adopt(lead: Unit, item: Unit) -> None:
    """Files `item` under `lead`."""
    if lead.items:
        lead.items.append(item)
    else:
        lead.items = [item]


_new = object.__new__

# A line from its first to its last non-space character (`\s` is exactly `str.isspace`).
_PARAGRAPH = re.compile(r"\S[^\n]*(?<=\S)")


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Spans of non-blank lines (the corpus keeps one paragraph per line), without their leading and
    trailing white space."""
    return [m.span() for m in _PARAGRAPH.finditer(text)]


def _roman_value(label: str) -> int:
    values = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
    total = 0
    for a, b in zip(label, [*label[1:], ""], strict=False):
        v = values.get(a, 0)
        total += -v if b and values.get(b, 0) > v else v
    return total


# The roman label that follows each roman label ("iv" → "v"); a roman level holds `_ROMANS` labels only.
_ROMAN_BY_VALUE = {_roman_value(r): r for r in _ROMANS}
_ROMAN_NEXT = {r: _ROMAN_BY_VALUE.get(_roman_value(r) + 1) for r in _ROMANS}
# The level of a label that does not depend on the open enumerators: digits, letters that are no roman
# numeral (upper case: none, not even "I").
_FIXED_LEVEL = {
    **{str(n): "digit" for n in range(1000)},
    **{f"{n:02}": "digit" for n in range(100)},
    **{f"{n:03}": "digit" for n in range(1000)},
    **{c: "alpha" for c in "abcdefghijklmnopqrstuvwxyz" if c not in _ROMANS},
    **{c: "upper" for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c.lower() not in _ROMANS},
}


def _level(label: str, stack: list[tuple[str, str]], after_leadin: bool = False) -> str:
    if label.isdigit():
        return "digit"
    if label.isupper():
        if label.lower() in _ROMANS and any(lv == "upper" for lv, _ in stack) and label not in ("I",):
            return "upper_roman" if any(lv == "upper_roman" for lv, _ in stack) else "upper"
        if label == "I" and any(lv == "upper" for lv, _ in stack):
            prev = next(lb for lv, lb in reversed(stack) if lv == "upper")
            return "upper" if prev == "H" else "upper_roman"
        return "upper"
    if label in _ROMANS:
        if label == "i" and after_leadin:  # "(h) ... the following:" then "(i)": a new roman level
            return "roman"
        if stack and stack[-1][0] == "roman" and _ROMAN_NEXT[stack[-1][1]] == label:
            return "roman"  # the next roman item ("(ii)" after "(i)"): the rules below all say so
        last_alpha = last_roman = None  # the open alphabetic and roman labels (a level is open once)
        for lv, lb in stack:
            if lv == "alpha":
                last_alpha = lb
            elif lv == "roman":
                last_roman = lb
        alpha_next = last_alpha is not None and len(label) == 1 and ord(label) == ord(last_alpha[-1]) + 1
        roman_next = last_roman is not None and _ROMAN_NEXT[last_roman] == label
        if roman_next and alpha_next:  # "(i)" after "(h)" and "(viii)"... prefer the deeper level
            return "roman" if stack and stack[-1][0] == "roman" else "alpha"
        if roman_next:
            return "roman"
        if alpha_next:
            return "alpha"
        return "roman" if label == "i" or len(label) > 1 else "alpha"
    return "alpha"


def segment(text: str, hot: list[int] | None = None) -> list[Unit]:
    """Units in document order. Item paragraphs get `label`/`level` and a `leadin` when the parent
    paragraph ends in ":" or "—"; the first sentence of an item paragraph has `first_in_item`.

    `hot` (sorted offsets of time phrases) lets a caller skip sentence splitting in paragraphs with no
    time phrase: such a paragraph stays one unit, which is all the lead-in tree needs from it."""
    units: list[Unit] = []
    # (level, label) of the open enumerators; a level occurs at most once (a repeated level closes the
    # levels under it)
    stack: list[tuple[str, str]] = []
    leads: dict[int, Unit | None] = {}  # stack depth → the lead-in unit at that depth
    section = 0
    tail_leadin = False  # whether units[-1] ends like a lead-in
    add = units.append
    later: list[int] = []  # indices of the units that are not the first sentence of their paragraph
    enum_at, head_at = _ENUM_AT.match, _SECTION_HEAD_AT.match
    fixed_level = _FIXED_LEVEL.get
    paras = paragraphs(text)
    if hot is None:  # every paragraph is split
        hot = [ps for ps, _ in paras]
    h, nhot, past = 0, len(hot), len(text)
    nxt = hot[0] if nhot else past  # the first time phrase not yet passed (`past` when none is left)
    for p, (ps, pe) in enumerate(paras):
        first = text[ps]  # the patterns below can only match a paragraph that starts with their opener
        quoted = first in _QUOTES
        m = enum_at(text, ps, pe) if first in _ENUM_FIRST else None
        body = ps
        if m:
            label = m["label"]
            lvl = fixed_level(label) or _level(label, stack, tail_leadin)
            if stack and stack[-1][0] == lvl:  # the next item at the innermost level
                depth = len(stack) - 1
                stack[depth] = (lvl, label)
                if leads and max(leads) >= depth:  # drop the lead-ins at this depth and deeper
                    leads = {k: v for k, v in leads.items() if k < depth}
            else:
                for depth, (lv, _) in enumerate(stack):
                    if lv == lvl:
                        del stack[depth + 1 :]
                        stack[depth] = (lvl, label)
                        if leads and max(leads) >= depth:
                            leads = {k: v for k, v in leads.items() if k < depth}
                        break
                else:
                    stack.append((lvl, label))
            body = m.end()
        elif first in _HEAD_FIRST and head_at(text, ps, pe):
            section += 1
            stack, leads = [], {}
            # "Sec. 3. Title. (a) Text": the item label may follow the heading inline
            inline = _INLINE_LABEL.search(text, ps, min(pe, ps + 200))
            if inline:
                label = inline.group("label")
                lvl = _level(label, stack)
                stack.append((lvl, label))
                body = inline.end()
            else:
                label, lvl = None, None
        else:
            label, lvl = None, None
            if stack:
                stack = []
        if label is not None:
            depth = len(stack)
            parent = leads.get(depth - 2)
            key = depth - 1
        else:
            parent = None
            key = -1
            if leads:
                leads = {}
        if nxt < pe:  # skip to the first time phrase at or after this paragraph's start
            while nxt < ps:
                h += 1
                nxt = hot[h] if h < nhot else past
        if nxt < pe:
            last = None
            for i, (a, b) in enumerate(sentences(text, ps, pe)):
                last = Unit(a, b, p, label, lvl, body if i == 0 else a, None, (), i == 0, quoted, section)
                if i == 0:
                    last.leadin = parent
                    if parent is not None:
                        _adopt(parent, last)
                else:
                    later.append(len(units))
                add(last)
            if last is not None:  # `ends_leadin`, whose last character settles most units, inline
                c = text[last.end - 1]
                tail_leadin = (c in _TAIL_ENDS or c.isspace()) and ends_leadin(text, last.start, last.end)
        else:  # no time phrase here: the paragraph stays one unit
            # `Unit(ps, pe, p, label, lvl, body, parent, (), True, quoted, section)`, field by field (calling
            # the class costs more than the twelve assignments)
            last = _new(Unit)
            last.start = ps
            last.end = pe
            last.para = p
            last.label = label
            last.level = lvl
            last.body_start = body
            last.leadin = parent
            last.items = ()
            last.first_in_item = True
            last.quoted = quoted
            last.section = section
            last.tokens = ()
            if parent is not None:
                if parent.items:
                    parent.items.append(last)
                else:
                    parent.items = [last]
            add(last)
            # `ends_leadin(text, ps, pe)`: the last character of a paragraph is no space
            tail_leadin = text[pe - 1] in _TAIL_ENDS and _leadin_tail(text[max(ps, pe - 16) : pe])
        if last is not None and tail_leadin:
            leads[key] = last
        elif leads:
            leads.pop(key, None)
    # inline items inside one paragraph: units after a unit ending in ":" until the paragraph ends (only
    # a later sentence of a paragraph is not first in its item)
    for i in later:
        u = units[i]
        if u.first_in_item or u.leadin is not None:
            continue
        prev = units[i - 1]
        if prev.para == u.para and _ENUM_AT.match(text, u.start, u.end):
            owner = prev if ends_leadin(text, prev.start, prev.end) else prev.leadin
            if owner is not None and owner is not u:
                u.leadin = owner
                _adopt(owner, u)
                u.first_in_item = True
    return units
