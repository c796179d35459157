"""Stage 2, the clause finder: paragraphs → sentences and list items with absolute offsets, and the
lead-in → item tree ("(m) The Secretary of Transportation shall:" over its "(i)", "(ii)" items).

Pure: standard library only. Abbreviations are protected before splitting; enumerators split only at a
paragraph start or after ":", ";" or "—"; headings ("Sec. 3. Title.") become context, not clauses.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
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
_INLINE_LABEL = re.compile(r"(?<=\.)\s+\((?P<label>[a-z]{1,3}|\d{1,3})\)\s+")


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
    time tokens the pipeline keeps for the unit."""

    start: int
    end: int
    para: int
    label: str | None = None
    level: str | None = None
    body_start: int = 0
    leadin: Unit | None = None
    items: list[Unit] = field(default_factory=list)
    first_in_item: bool = True
    quoted: bool = False
    section: int = 0
    tokens: Sequence[TimeToken] = ()

    def text(self, doc: str) -> str:
        return doc[self.start : self.end]

    @property
    def is_leadin(self) -> bool:
        return bool(self.items)


# A line from its first to its last non-space character (`\s` is exactly `str.isspace`).
_PARAGRAPH = re.compile(r"\S(?:[^\n]*\S)?")


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


_ROMAN_VALUES = {r: _roman_value(r) for r in _ROMANS}


def _roman(label: str) -> int:
    value = _ROMAN_VALUES.get(label)
    return _roman_value(label) if value is None else value


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
        last_alpha = last_roman = None  # the innermost open alphabetic and roman labels
        for lv, lb in reversed(stack):
            if lv == "alpha":
                if last_alpha is None:
                    last_alpha = lb
            elif lv == "roman" and last_roman is None:
                last_roman = lb
        alpha_next = last_alpha is not None and len(label) == 1 and ord(label) == ord(last_alpha[-1]) + 1
        roman_next = last_roman is not None and _roman(label) == _roman(last_roman) + 1
        if label == "i" and after_leadin:  # "(h) ... the following:" then "(i)": a new roman level
            return "roman"
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
    stack: list[tuple[str, str]] = []  # (level, label) of the open enumerators
    leads: dict[int, Unit | None] = {}  # stack depth → the lead-in unit at that depth
    section = 0
    tail_leadin = False  # whether units[-1] ends like a lead-in
    h, nhot = 0, len(hot) if hot is not None else 0
    add = units.append
    later: list[int] = []  # indices of the units that are not the first sentence of their paragraph
    enum_at, head_at = _ENUM_AT.match, _SECTION_HEAD_AT.match
    for p, (ps, pe) in enumerate(paragraphs(text)):
        first = text[ps]  # the patterns below can only match a paragraph that starts with their opener
        quoted = first in _QUOTES
        m = enum_at(text, ps, pe) if first in _ENUM_FIRST else None
        body = ps
        if first in _HEAD_FIRST and head_at(text, ps, pe):
            section += 1
            stack, leads = [], {}
            # "Sec. 3. Title. (a) Text": the item label may follow the heading inline
            inline = _INLINE_LABEL.search(text[ps : min(pe, ps + 200)])
            if inline:
                m = None
                lvl = _level(inline.group("label"), stack)
                stack.append((lvl, inline.group("label")))
                body = ps + inline.end()
                label = inline.group("label")
            else:
                label, lvl = None, None
        elif m:
            label = m.group("label")
            lvl = _level(label, stack, bool(units) and tail_leadin)
            for depth, (lv, _) in enumerate(stack):
                if lv == lvl:
                    stack = stack[: depth + 1]
                    stack[depth] = (lvl, label)
                    if leads and max(leads) >= depth:  # drop the lead-ins at this depth and deeper
                        leads = {k: v for k, v in leads.items() if k < depth}
                    break
            else:
                stack.append((lvl, label))
            body = m.end()
        else:
            label, lvl = None, None
            if stack:
                stack = []
        is_item = label is not None
        depth = len(stack)
        if is_item:
            parent = leads.get(depth - 2)
        else:
            parent = None
            if leads:
                leads = {}
        if hot is not None:  # skip to the first time phrase at or after this paragraph's start
            while h < nhot and hot[h] < ps:
                h += 1
        if hot is None or (h < nhot and hot[h] < pe):
            last = None
            for i, (a, b) in enumerate(sentences(text, ps, pe)):
                last = Unit(a, b, p, label, lvl, body if i == 0 else a, None, [], i == 0, quoted, section)
                if i == 0:
                    last.leadin = parent
                    if parent is not None:
                        parent.items.append(last)
                else:
                    later.append(len(units))
                add(last)
        else:  # no time phrase here: the paragraph stays one unit
            last = Unit(ps, pe, p, label, lvl, body, parent, [], True, quoted, section)
            if parent is not None:
                parent.items.append(last)
            add(last)
        key = depth - 1 if is_item else -1
        if last is not None:  # `ends_leadin`, whose last character settles most units, inline
            c = text[last.end - 1]
            tail_leadin = (c in _TAIL_ENDS or c.isspace()) and ends_leadin(text, last.start, last.end)
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
        if prev.para == u.para and ENUM.match(text[u.start : u.end]):
            owner = prev if ends_leadin(text, prev.start, prev.end) else prev.leadin
            if owner is not None and owner is not u:
                u.leadin = owner
                owner.items.append(u)
                u.first_in_item = True
    return units
