"""Quote spans: one clause per deadline phrase (two deadlines in a sentence are cut at the comma
between them), narrowed to the clause that carries the duty. Pure."""

from __future__ import annotations

import re
from itertools import pairwise

from tracker.extract.actors import Cue
from tracker.extract.context import _Ctx
from tracker.extract.patterns import TimeToken
from tracker.extract.sentences import _abbrev_before


def _split_points(ctx: _Ctx, start: int, end: int, toks: list[TimeToken]) -> list[tuple[int, int]]:
    """Clause spans, one per deadline token, cut at the last comma/semicolon between two tokens."""
    spans = []
    s = start
    for a, b in pairwise(toks):
        between = ctx.text[a.end : b.start]
        cut = max(between.rfind(","), between.rfind(";"))
        c = a.end + cut if cut >= 0 else b.start
        spans.append((s, c))
        s = c + 1 if cut >= 0 else c  # past the comma or semicolon, if the cut is at one
        while s < b.start and ctx.text[s] == " ":
            s += 1
    spans.append((s, end))
    return spans


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s] in " \n\t":
        s += 1
    while e > s and text[e - 1] in " \n\t":
        e -= 1
    return s, e


_OPENER = re.compile(
    r"(?:^|[,;—]\s*)(?P<o>of\s+which|with\s+the\s+remainder|provided\s+that|including\s+(?:a|the)\s+requirement)\b"
)
# The same without "^", for a range that does not start the text: a pattern that opens with one character
# of a set is scanned for that character, not tried at every position.
_OPENER_MID = re.compile(_OPENER.pattern.replace("(?:^|[,;—]\\s*)", "[,;—]\\s*", 1))
# ";", ". ", " that ", " which ", " who ", " whose ", " (as ", " (including " or ", including", ", which",
# ", as well as", ", and shall", ", so that", ", provided". The first character is matched by one class and
# told apart by a lookbehind: a pattern that opens with a class is scanned for it, where alternatives
# would be tried at every position.
_CLAUSE_END = re.compile(
    r"[;.,\s](?:(?<=;)|(?<=\.)\s|(?<=\s)(?:(?:that|which|who|whose)\s|\((?:as|including)\s)"
    r"|(?<=,)\s(?:including|which|as\s+well\s+as|and\s+shall|so\s+that|provided)\b)"
)


_DET4 = frozenset(("the ", "The ", "all ", "All "))
_DET5 = frozenset(("each ", "Each "))


def _clause(ctx: _Ctx, s: int, e: int, tok: TimeToken, cue: Cue, actor: str) -> tuple[int, int]:
    """Narrow [s, e) to the clause carrying the duty: from its subject (or a front deadline phrase, or
    an opener like "of which", "a requirement") to the first relative or new clause after the cue,
    the action and the deadline. The span always keeps the cue and the time phrase."""
    text = ctx.text
    if not s <= cue.start < e:
        return _trim(text, s, e)  # the cue belongs to a neighbouring clause: keep the split as it is
    start = s
    for m in (_OPENER_MID if s else _OPENER).finditer(text, s, cue.start):
        start = m.start("o")
    if cue.kind == "requirement":
        start = max(start, cue.start)
    elif actor and start == s:
        first = actor.split()[0]
        i = text.find(first, s, cue.start)
        if i > s:
            start = i  # or the determiner before it (one slice and a set lookup per length)
            if i >= 5 and text[i - 5 : i] in _DET5:
                start = i - 5
            elif i >= 4 and text[i - 4 : i] in _DET4:
                start = i - 4
    in_span = s <= tok.start < e
    if in_span:
        start = min(start, tok.start)
    start = min(start, cue.start)
    core = max(cue.end + 12, tok.end if in_span else 0)
    m = _CLAUSE_END.search(text, min(core, e), e)
    # a "." after an abbreviation ("42 U.S.C. 1315a", "et seq. and") ends no clause
    while m is not None and _abbrev_before(text, max(s, m.start() - 39), m.start()):
        m = _CLAUSE_END.search(text, m.start() + 1, e)
    end = m.start() if m else e
    end = max(end, min(e, cue.end + 1))
    return _trim(text, start, end) if start < end else _trim(text, s, e)
