"""Stage 4, attribution: who a row's duty falls on. The subject before the cue; "by" agents of a passive
("shall be used by all agencies"); the officer a pronoun stands for; for a passive or subjectless clause,
the subject of the lead-in above it or of the nearest earlier active duty in the same section. Pure.
"""

from __future__ import annotations

import re

from tracker.extract.actors import _PASSIVE, Cue, _clean_np, is_passive, subject_before
from tracker.extract.context import _Ctx, _valid_cues
from tracker.extract.segment import Unit

PRONOUNS = {"he", "she", "they", "it"}
_TITLE = (
    r"(?:Secretary|Administrator|Director|Attorney\s+General|Chair(?:man|woman|person)?|Commissioner|Coordinator"
    r"|Advis[eo]r|Counsel|Governor|Officer|Representative|Ambassador|Comptroller|Inspector\s+General)"
)
_BODY = r"(?:Council|Commission|Board|Agency|Department|Office|Committee|Administration|Service|Task\s+Force)"
_OF_NAME = (
    r"(?:\s+(?:of|for|on)\s+(?:the\s+)?[A-Z][\w.&’'-]*"
    r"(?:\s+(?:and\s+|of\s+(?:the\s+)?|for\s+)?[A-Z][\w.&’'-]*)*)?"
)
_PERSON_NP = re.compile(rf"\b(?:[A-Z][\w.’'-]*\s+){{0,3}}?{_TITLE}\b{_OF_NAME}")
_BODY_NP = re.compile(rf"\b(?:[A-Z][\w.’'-]*\s+){{0,4}}?{_BODY}\b{_OF_NAME}")


def resolve_pronoun(text: str, start: int, end: int, pronoun: str) -> str:
    """The nearest named officer before a pronoun subject ("If the FEMA Administrator receives ..., she
    will"): a titled person for "he"/"she", a titled person or a body for "they"/"it"; '' when none."""
    chunk = text[start:end]
    found = list(_PERSON_NP.finditer(chunk))
    if pronoun.lower() in ("it", "they"):
        found += list(_BODY_NP.finditer(chunk))
    found = [m for m in found if not re.match(r"(?:The|This|That|These|In|If|When|As)\s+[a-z]", m.group(0))]
    if not found:
        return ""
    best = max(found, key=lambda m: m.start())
    np = re.sub(r"^(?:The|If|When|As|And|But|Additionally|Also)\s+", "", best.group(0))
    return _clean_np(np)


_BY_AGENT = re.compile(
    r"\s+be\s+\w+ed\s+by\s+((?:all|each|the|any)\s+[a-z][\w\s]{2,40}?)(?=\s+(?:by|within|not)\b|[,.])"
)
_PRONOUN_SUBJECT = re.compile(r"(?:it|this|that|such|which)\b", re.I)


def _actor(
    ctx: _Ctx,
    unit: Unit,
    clause_start: int,
    cue: Cue,
    spans: list[tuple[int, int]],
    flags: list[str],
    passive: bool,
) -> str:
    """`spans`: the unit's time phrases; `passive`: `is_passive(ctx.text, cue)`."""
    after = ctx.text[cue.end : cue.end + 60]
    by_agent = _BY_AGENT.match(after) if after.lstrip().startswith("be") else None
    if by_agent:
        return by_agent.group(1).strip()
    actor = subject_before(ctx.text, clause_start, cue, spans)
    if cue.kind == "copular" and (not actor or actor.lower() in ("the", "a", "you") or ":" in actor):
        return "interested parties"  # "the deadline for filing is ...", "June 29, 2018: Due date for filing"
    if actor.lower() in PRONOUNS:
        actor = resolve_pronoun(ctx.text, max(0, unit.start - 1500), cue.start, actor) or actor
    if passive or not actor or cue.kind in ("inf", "copular", "proviso"):
        lead = _leadin_actor(ctx, unit)
        fallback = lead or _section_actor(ctx, unit) or _appropriated_to(ctx, unit, cue.start)
        if fallback and (passive or not actor):
            flags.append("inferred_actor")
            return fallback
    return actor


# "there is appropriated to the Coast Guard for fiscal year 2025 ... $24,593,500,000": funds whose
# obligation a later clause times are the recipient's to obligate.
_APPROPRIATED_TO = re.compile(
    r"appropriated\s+to\s+(?:the\s+)?([A-Z][\w.’'-]*(?:\s+(?:of\s+(?:the\s+)?)?[A-Z][\w.’'-]*)*)"
)


def _appropriated_to(ctx: _Ctx, unit: Unit, end: int) -> str:
    """The recipient named by the nearest "appropriated to X" in the unit's section, before `end` (the
    section's appropriations found once per document)."""
    j = ctx.unit_index
    while j > 0 and ctx.units[j - 1].section == unit.section and ctx.unit_index - j < 60:
        j -= 1
    key = ("appropriated", ctx.units[j].start)
    found = ctx.memo.get(key)
    if found is None:
        k = ctx.unit_index
        while k + 1 < len(ctx.units) and ctx.units[k + 1].section == unit.section:
            k += 1
        rx = _APPROPRIATED_TO.finditer(ctx.text, ctx.units[j].start, ctx.units[k].end)
        found = ctx.memo[key] = [(m.start(), m.group(1)) for m in rx]
    return next((name for at, name in reversed(found) if at < end), "")


def _section_actor(ctx: _Ctx, unit: Unit, past_leadins: bool = False) -> str:
    """The subject of the nearest earlier active duty in the same section (for passive clauses); with
    `past_leadins`, not one of the unit's own lead-ins (whose subject a passive item acts upon)."""
    skip = set()
    lead = unit.leadin if past_leadins else None
    while lead is not None:
        skip.add(lead.start)
        lead = lead.leadin
    j = ctx.unit_index - 1
    while j >= 0 and ctx.units[j].section == unit.section and ctx.unit_index - j < 60:
        prev = ctx.units[j]
        pc = _valid_cues(ctx, prev) if prev.start not in skip else None
        if pc and not is_passive(ctx.text, pc[0]):
            a = _unit_subject(ctx, prev, pc[0])
            if a and not _PRONOUN_SUBJECT.match(a):
                return a
        j -= 1
    return ""


_BE_PARTICIPLE = re.compile(_PASSIVE.pattern.removeprefix(r"\s+"))  # `_PASSIVE` at the item's first word


def _item_actor(ctx: _Ctx, unit: Unit, verb: int) -> str:
    """The actor of an item that takes its lead-in's modal, its verb phrase starting at `verb`: the
    lead-in's subject, but for a passive item ("be published ...") under "This methodology shall:",
    whose subject is acted upon, the section's official first."""
    passive = _BE_PARTICIPLE.match(ctx.text, verb, unit.end) is not None
    return (
        (passive and _section_actor(ctx, unit, True)) or _leadin_actor(ctx, unit) or _section_actor(ctx, unit)
    )


def _leadin_actor(ctx: _Ctx, unit: Unit) -> str:
    lead = unit.leadin
    while lead is not None:
        lc = _valid_cues(ctx, lead)
        if lc:
            a = _unit_subject(ctx, lead, lc[0])
            if a:
                return a
        lead = lead.leadin
    return ""


def _unit_subject(ctx: _Ctx, unit: Unit, cue: Cue) -> str:
    """The subject before a unit's first duty cue (memoized per unit: the items of a lead-in and the
    passive clauses of a section ask for the same units)."""
    found = ctx.subjects.get(unit.start)
    if found is None:
        found = ctx.subjects[unit.start] = subject_before(ctx.text, unit.body_start, cue, [])
    return found


def defined_name(ctx: _Ctx, actor: str) -> str:
    """The full name a document defined a short actor by ("the Secretary of Health and Human Services
    (Secretary)", "the Director of the Office of Management and Budget (the OMB Director)"), or `actor`."""
    resolved = ctx.memo.get(("defined", 0))
    if resolved is None:  # the short names of the document ("(Short)", "(the Short)"), found in one pass
        resolved = ctx.memo[("defined", 0)] = dict.fromkeys(_DEFINED.findall(ctx.text), "")
    found = resolved.get(actor)
    if found is None:
        return actor
    if not found:
        text = ctx.text
        at = text.find(f"({actor})")
        found = resolved[actor] = _definition(text, actor, at if at >= 0 else text.find(f"(the {actor})"))
    return found


_DEFINED = re.compile(r"\((?:the\s+)?([A-Z][A-Za-z&’'-]*(?: [A-Za-z&’'-]+){0,3})\)")  # up to four words
_NOT_NAME = frozenset(("The", "A", "An", "This", "These", "Such", "And", "Also"))


def _definition(text: str, short: str, i: int) -> str:
    """The name right before "(Short)" at `i`: its capitalised words and the "of", "the", "and", "for",
    "on" between them, read back to the first other word; kept if it names an officer or a body."""
    words = text[max(0, i - 200) : i].split()
    name: list[str] = []
    while words and (words[-1][:1].isupper() or words[-1] in _JOINERS) and words[-1] not in _NOT_NAME:
        word = words.pop()
        if any(c in word for c in ",;:.()"):
            break
        name.append(word)
    while name and name[-1] in _JOINERS:  # no leading "the", "of"
        name.pop()
    full = " ".join(reversed(name))
    return full if len(full) > len(short) and _OFFICE.search(full) else short


_JOINERS = frozenset(("of", "the", "and", "for", "on", "&"))
_OFFICE = re.compile(rf"\b(?:{_TITLE}|{_BODY})\b")
