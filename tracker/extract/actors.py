"""Stage 3, actor and modal: the duty cue of a clause ("shall", "must", "is directed to", "a requirement
for X to", "should" (hortatory), "will" (reported/scheduled)), the subject before it and the verb phrase
after it. Consultees ("in consultation with ..."), channels ("through ...") and introductory phrases are
not actors; a passive clause takes its actor from the section ("by" agents excepted). Pure.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from tracker.extract.prefilter import lowered_for_ci

_DONE = "obligated|held|delivered|submitted|filed|published|completed|made|provided|placed"
CUE = re.compile(
    r"\b(?:(?P<modal>shall|must|should|will|may)(?!\s+not\b)(?!\s+be\s+(?:deemed|construed|considered)\b)"
    r"|(?P<enc>(?:is|are)\s+(?:hereby\s+)?(?:strongly\s+)?encouraged\s+to)"
    r"|(?P<dir>(?:is|are)\s+(?:hereby\s+)?directed\s+to)"
    r"|(?P<req>(?:is|are)\s+(?:hereby\s+)?required\s+to)"
    r"|(?P<auth>(?:is|are)\s+(?:hereby\s+)?authorized\s+to|authorizes(?=\s+(?:transactions|the|an?|all)\b))"
    r"|(?P<requires>requires|directs|directing|requiring|instructs|orders|(?<=\bI\s)direct|(?<=\bhereby\s)direct)"
    r"(?=\s+(?:the|that|an?|all|each|[A-Z]))"
    r"|(?P<requirement>(?:a|the)\s+requirement\s+(?:for|that))"
    rf"|(?P<inf>to\s+be\s+(?:{_DONE}))"
    r"|(?P<proviso>provided\s+that))\b"
)
# Where CUE matches start: the words that open alternatives; "is"/"are ... directed to" and "to be submitted"
# only if the text holds the rest (the patterns' literal prefixes are scanned for); "a"/"the requirement".
_CUE_WORDS = (
    *("shall", "must", "should", "will", "may", "authorizes", "requir", "direct", "instructs", "orders"),
    "provided",
)
_IS_ARE = (re.compile(r"is\s"), re.compile(r"are\s"))  # each scanned for its literal prefix
_BE_DONE = re.compile(rf"be\s+(?:{_DONE})")
_SPACED_REQUIREMENT = re.compile(r"\s+requirement")
# Verbs after a cue that make the clause a rule about the law itself, not a duty with a deadline.
NOT_DUTY = re.compile(
    r"^\s*(?:also\s+)?(?:be\s+(?:deemed|construed|considered|effective|in\s+effect|void)|expire|terminate|remain|continue"
    r"|consist|mean|have\s+the\s+meaning|apply|take\s+effect|become\s+effective|include|supersede|not\b|be\s+imposed"
    r"|be\s+subject|be\s+available|be\s+treated|constitute|be\s+guided)\b",
    re.I,
)
HORTATORY = {"should", "enc"}

# Precompiled forms of the small patterns used per clause.
_WS = re.compile(r"\s+")
_PASSIVE = re.compile(r"\s+(?:also\s+)?be\s+\w+(?:ed|en|wn|ld|ne|de)\b")
_BE_VERB = re.compile(r"\s+(?:also\s+)?be\s+(\w+)")
_PAREN = re.compile(r"\s*\([^()]*\)")
_ACRONYM_PAREN = re.compile(r"\s*\([A-Z]{2,}\)")
_LEAD_THE = re.compile(r"^(?:the|all\s+of\s+the)\s+", re.I)
_HEADS_OF = re.compile(r"^(heads?\s+of)\s+(?:all|the)\s+", re.I)
_REQUIRES_SUBJECT = re.compile(r"\s*(?:that\s+)?([^,;]{1,120}?)(?=,|\s+to\s+[a-z])")
_PARTS = re.compile(r",|—|:(?!\d)")
_ALL_EACH = re.compile(r"(?:All|Each|Any)\b")
_ENUM_HEAD = re.compile(r"^[“\"]?\([a-zA-Z0-9]{1,5}\)\s*")
_CAPS_HEAD = re.compile(r"^[“\"]?[A-Z][A-Z ,’'-]+\.(?:—|\s*$)")
_RUN_IN = re.compile(r"^[“\"]?[A-Z][\w ,’'-]+\.—")
_COMMA = re.compile(r",(?!\d{3}\b)")  # not the commas of "$12,500,000"
_SUBJECT_END = re.compile(r",(?!\d{3}\b)|\s(?:for\s+which|which|that|who|under|described|pursuant)\s")
_LEAD_ADVERBS = re.compile(
    r"^[\s,]*(?:(?:also|jointly|subsequently|annually|immediately|promptly|hereby|,)\s*)*"
)
_LEAD_QUALIFIERS = re.compile(
    r"^(?:[,\s]*(?:as\s+appropriate|to\s+the\s+extent[^,]*|consistent\s+with[^,]*|within\s+existing"
    r"\s+appropriations|in\s+consultation\s+with[^,]*|in\s+coordination\s+with[^,]*|through\s+[^,]*"
    r"|after\s+consultation\s+with[^,]*|after\s+notifying[^,]*|and)\s*,)+",
    re.I,
)
_HEAD_WORD = re.compile(r"[\w’'-]+")


def is_hortatory(cue: Cue) -> bool:
    return cue.kind in HORTATORY or cue.word in HORTATORY


def is_passive(text: str, cue: Cue) -> bool:
    return cue.kind == "modal" and _PASSIVE.match(text, cue.end, cue.end + 40) is not None


_INTRO = re.compile(
    r"^(?:to\s|in\s|within\s|not\s+later|no\s+later|consistent|as\s|upon\s|after\s|by\s|starting|beginning|pursuant"
    r"|moving\s+forward|if\s|when\s|where\s|for\s|under\s|during\s|following\s|on\s|at\s|with\s|subject\s|notwithstanding"
    r"|acting\s|through\s|(?:and|or|but|also)\b|there\s+(?:is|are)\s|out\s+of\s|further|additionally|moreover|therefore|thus|however|in\s+addition"
    r"|to\s+the\s+extent|including|among|except|unless|once|before|until|while|because|since|each\s+of\s+the\s+following"
    r"|jointly|subsequently|as\s+appropriate|respectively|of\s|\(|[a-z]+ly\b)",
    re.I,
)
# "," ";" ":" "(" or a word after white space: one leading class (scanned for, where alternatives would be
# tried at every position), told apart by lookbehinds.
_STOP = re.compile(
    r"[,;:(\s](?:(?<=[,;:(])|(?<=\s)(?:within|not\s+later|no\s+later|by\s+(?:the\s+end|[A-Z])|to\s+the|to\s+ensure"
    r"|that|which|who|for\s+the|in\s+order|on\s+or\s+before|before|after|during|upon|and\s+annually|pursuant"
    r"|consistent|as\s+(?:appropriate|soon)|in\s+consultation|in\s+coordination|through)\b)",
    re.I,
)
# `_STOP` without re.I, for lower-cased text (its letters are ASCII; "[A-Z]" stands for any letter).
_STOP_LOWER = re.compile(_STOP.pattern.replace("[A-Z]", "[a-z]"))
_REQ_SUBJECT = re.compile(
    r"\s*((?:the\s+|all\s+|each\s+)?[A-Z][^,;]{0,120}?)\s+(?:to\s+)?(?!(?:of|and|for|on|the|in|at|to)\b)(?=[a-z]+\b)"
)


class Cue(NamedTuple):  # a tuple: built for every cue found, far cheaper than a frozen dataclass
    kind: str  # modal | enc | dir | req | auth | requires | requirement | inf | proviso | copular
    word: str
    start: int
    end: int


def _cue_starts(text: str, start: int, end: int) -> list[int]:
    """Where a cue can start in `text[start:end]`, in order: a superset of the starts of `CUE` matches."""
    chunk = text[start:end]  # `in` is the cheapest test; most words are in no given unit
    found: list[int] = []
    for word in _CUE_WORDS:
        i = chunk.find(word) if word in chunk else -1
        while i >= 0:
            found.append(start + i)
            i = chunk.find(word, i + 1)
    if "encouraged" in chunk or "directed" in chunk or "required" in chunk or "authorized" in chunk:
        found += [m.start() for rx in _IS_ARE for m in rx.finditer(text, start, end)]
    if "be" in chunk:  # "to be submitted": the "to" before the white space before "be"
        for m in _BE_DONE.finditer(text, start, end):
            j = start + len(text[start : m.start()].rstrip())
            if j - 2 >= start and j < m.start():
                found.append(j - 2)
    if "requirement" in chunk:
        for m in _SPACED_REQUIREMENT.finditer(text, start, end):
            found += [k for k in (m.start() - 1, m.start() - 3) if k >= start]
    found.sort()
    return found


def cues(text: str, start: int, end: int) -> list[Cue]:
    out = []
    pos = start  # `CUE.finditer(text, start, end)`, trying only where a cue can start
    for at in _cue_starts(text, start, end):
        if at < pos:
            continue
        m = CUE.match(text, at, end)
        if m is None:
            continue
        pos = m.end()
        kind = m.lastgroup or ""  # the alternatives are the only groups, and each one is non-empty
        word = m.group(kind).lower()
        out.append(Cue(kind, word if word.isalpha() else _WS.sub(" ", word), m.start(), m.end()))
    return out


def modal_of(cue: Cue) -> str:
    if cue.kind == "modal":
        return cue.word
    return {
        "enc": "is encouraged to",
        "dir": "is directed to",
        "req": "is required to",
        "auth": "is authorized to",
        "requires": "requires",
        "requirement": "requirement",
        "inf": "to be",
        "proviso": "provided that",
        "copular": "deadline",
    }.get(cue.kind, cue.word)


def _clean_np(np: str) -> str:
    if "(" in np:
        np = _PAREN.sub(lambda m: m.group(0) if _ACRONYM_PAREN.fullmatch(m.group(0)) else "", np)
    np = np.strip(' ,;:—-“”"')
    # Each pattern is tried only where its first letter is (no other character matches "t", "a" or "h"
    # case-insensitively); a template `sub` is costly even with no match.
    if np[:1] in "tTaA":
        np = _LEAD_THE.sub("", np)
    if np[:1] in "hH" and _HEADS_OF.match(np):  # "heads of all agencies"
        np = _HEADS_OF.sub(r"\1 ", np)
    return " ".join(np.split())


def subject_before(text: str, clause_start: int, cue: Cue, tokens: list[tuple[int, int]]) -> str:
    """The subject noun phrase between the clause start and the cue; '' when there is none."""
    if cue.kind == "requirement":
        tail = text[cue.end : cue.end + 200]
        m = _REQ_SUBJECT.match(tail)
        return _clean_np(_subject_np(m.group(1))) if m else ""
    if cue.kind == "requires":
        tail = text[cue.end : cue.end + 200]
        m = _THAT_SUBJECT.match(tail) or _REQUIRES_SUBJECT.match(tail)
        return _clean_np(m.group(1)) if m else ""
    chunk = text[clause_start : cue.start]
    for s, e in sorted(tokens, reverse=True):  # blank out the time phrases, keeping offsets
        if clause_start <= s and e <= cue.start:
            chunk = chunk[: s - clause_start] + " " * (e - s) + chunk[e - clause_start :]
    if ".—" in chunk:  # "Hearing.—The Commission will": the heading is context
        chunk = _RUN_IN_HEADING.sub("", chunk)
    has_modal = "shall" in chunk or "must" in chunk or "should" in chunk or "will" in chunk or "may" in chunk
    m = _FIRST_MODAL.search(chunk) if has_modal else None  # `in` is cheaper than a scan for white space
    if m:  # "All parties ... should participate in a conference to be held": the subject of the first modal
        chunk = chunk[: m.start()]
    # The subject is the first segment after the introductory phrases, with the names a serial list joins
    # to it ("the Secretary of State, the Secretary of Defense, and the Secretary of Labor shall").
    parts = _PARTS.split(chunk)
    for i, part in enumerate(parts):
        p = _subject_np(part.strip())
        if not p or (_INTRO.match(p) and not _ALL_EACH.match(p)):
            continue
        if _AMOUNT.match(p):
            return ""  # an amount ("$700,000,000 shall be obligated") is what is acted upon, never an actor
        return _clean_np(_subject_np(p) + _serial_rest(parts[i + 1 :]))
    return ""


_AMOUNT = re.compile(r"(?:(?:not\s+(?:less|more)\s+than|up\s+to|at\s+least)\s+)?[$\d]")
_NAME = re.compile(r"(?:the\s+)?(?:[A-Z]|heads?\s+of\s)[^\s]*(?:\s+\S+){0,14}")
_THE = re.compile(r"^((?:and|or)\s+)?the\s+")  # a name's own "the" ("and the Secretary" → "and Secretary")
_LAST_NAME = re.compile(r"(?:and|or)\s+" + _NAME.pattern)


def _serial_rest(parts: list[str]) -> str:
    """ ", B, and C" (each name without its "the") when `parts` open with names ("the B", capitalised) up
    to one that starts with "and"/"or" and a name; "" otherwise (a consultee, an appositive or a qualifier
    follows the subject)."""
    names = []
    for part in parts:
        p = part.strip()
        if _LAST_NAME.fullmatch(p):
            return "".join(", " + _THE.sub(r"\1", n) for n in [*names, p])
        if not _NAME.fullmatch(p) or _INTRO.match(p):
            return ""
        names.append(p)
    return ""


_RUN_IN_HEADING = re.compile(r"^\s*(?:[“\"]?\([\w]{1,5}\)\s*)?[“\"]?[A-Z][^—.]{0,200}\.—")
_FIRST_MODAL = re.compile(r"\s(?:shall|must|should|will|may)\s")


def _subject_np(p: str) -> str:
    # "(i) The Secretary" → "The Secretary"; "If X receives ..., she" handled by the caller's split.
    if p[:1] in '“"(':
        p = _ENUM_HEAD.sub("", p)
    if "." in p:
        p = _CAPS_HEAD.sub("", p)  # statute heading "IN GENERAL.—"
    p = p.strip()
    if ".—" in p:
        p = _RUN_IN.sub("", p)
    return p


# Verbs that open a duty; they end the subject of a mandative clause ("directs that the federal government
# develop and publish ...") and give a passive duty its active verb ("shall be submitted" → "submit").
DUTY_VERBS = (
    "adopt|appoint|assess|begin|complete|conduct|consider|convene|coordinate|create|deliver|designate|develop"
    "|ensure|establish|evaluate|file|finalize|identify|implement|initiate|issue|make|notify|obligate|prepare"
    "|produce|propose|provide|publish|recommend|release|report|review|revise|submit|take|transfer|transmit|update"
)
_THAT_SUBJECT = re.compile(
    rf"\s*that\s+((?:the\s+|all\s+|each\s+)?[^,;]{{1,80}}?)\s+(?:{DUTY_VERBS})\b", re.I
)
_IRREGULAR = {
    "made": "make",
    "held": "hold",
    "paid": "pay",
    "given": "give",
    "taken": "take",
    "sent": "send",
    "done": "do",
}


def active_verb(participle: str) -> str:
    """ "submitted" → "submit", "completed" → "complete", "published" → "publish" (a heuristic)."""
    w = participle.lower()
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    if not w.endswith("ed") or len(w) < 5:
        return w
    stem = w[:-2]
    if w.endswith("ied"):
        return w[:-3] + "y"
    if len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] not in "ls":
        return stem[:-1]  # submitted, transferred
    if re.search(r"(?:[^aeiou][aeiou][tdcsvgzl]|ar|[aeiou]u|u)$", stem) and not stem.endswith(("er", "en")):
        return stem + "e"  # completed, provided, issued, prepared, revised
    return stem


def passive_action(text: str, clause_start: int, cue: Cue) -> str:
    """ "an environmental assessment ... shall be completed" → "complete an environmental assessment"."""
    m = _BE_VERB.match(text, cue.end, cue.end + 40)
    if not m:
        return ""
    # the first comma segment that is no introductory phrase (else the last "of which $5"), to a relative word
    segs = [p.strip(' “"') for p in _COMMA.split(text[clause_start : cue.start])]
    relative = [p[9:] for p in segs if p.startswith("of which ")]
    subject = relative[-1] if relative else next((p for p in segs if p and not _INTRO.match(p)), segs[0])
    subject = _subject_np(_SUBJECT_END.split(subject, 1)[0]).strip()
    words = subject.split()
    if not words or len(words) > 8:
        return active_verb(m.group(1))
    return f"{active_verb(m.group(1))} {subject}"


def action_after(text: str, cue: Cue, end: int, tokens: list[tuple[int, int]]) -> str:
    """A short verb phrase after the cue: "revise importer-of-record rules"."""
    pos = cue.end
    if cue.kind == "requirement":
        m = _REQ_SUBJECT.match(text[pos:end])
        pos += m.end() if m else 0
    elif cue.kind == "requires":
        m = _THAT_SUBJECT.match(text[pos:end])
        if m:
            pos += m.end(1)
        else:
            m = re.search(r"\bto\s+(?=[a-z])", text[pos:end])
            pos += m.end() if m else 0
    chunk = text[pos:end]
    for s, e in sorted(tokens, reverse=True):
        if pos <= s and e <= end:
            chunk = chunk[: s - pos] + "\x00" * (e - s) + chunk[e - pos :]
    lead = _LEAD_ADVERBS.match(chunk).end()  # `_LEAD_ADVERBS.sub("", chunk)`: it matches at 0 only
    if lead:
        chunk = chunk[lead:]
    if _may_open(chunk, _QUALIFIER_FIRST):
        chunk = _LEAD_QUALIFIERS.sub("", chunk)
    chunk = chunk.lstrip(" ,\x00")
    if chunk[:1] in _ADVERBIAL_FIRST:
        chunk = _ADVERBIAL.sub("", chunk)
    # "conduct such review and within 200 days ... provide a report": the deadline times the second verb.
    m = _AND_TIMED.match(chunk) if "\x00" in chunk else None
    if m:
        chunk = m.group("rest")
    m = _HEAD_WORD.match(chunk)
    head, rest = (m.group(0), chunk[m.end() :].lstrip()) if m else ("", chunk)
    # Between the verb and its object: recipients, channels and time phrases set off by commas
    # ("submit to the Director of OMB, within 90 days ..., a detailed plan") or a named recipient
    # ("recommend to the FAR Council contract language").
    while True:
        m = _INSERT.match(rest) or _RECIPIENT.match(rest)
        if not m or m.end() >= len(rest):
            break
        rest = rest[m.end() :]
    chunk = f"{head} {rest}" if rest else head
    if "\x00" in chunk:
        first = chunk.split("\x00")[0].strip(" ,")
        chunk = first if len(first.split()) >= 2 else chunk.replace("\x00", " ")
    # Cut at ten words or at a stop ("evaluate and, if appropriate, propose"), never after a word leading into
    # the rest, nor a "." left by a blanked time phrase; a stop starting in ten words ends by the twelfth.
    if len(parts := chunk.split(maxsplit=ACTION_WORDS + 2)) > ACTION_WORDS + 2:  # not searched past word 12
        chunk = chunk[: len(chunk) - len(parts[-1])]
    low = lowered_for_ci(chunk)
    m = _STOP.search(chunk) if low is None else _STOP_LOWER.search(low)
    words = (chunk[: m.start()] if m else chunk).split()[:ACTION_WORDS]
    while len(words) > 1 and (words[-1].lower().strip(",;:") in _DANGLING or not words[-1].strip(",.;:")):
        words.pop()
    return " ".join(words).strip(" ,.;:")


ACTION_WORDS = 10
#: Words that cannot end a phrase cut short: "publish a plan ... with" reads as "publish a plan ...".
_DANGLING = frozenset(
    (
        "a", "an", "the", "and", "or", "nor", "but", "to", "of", "for", "with", "on", "in", "into", "onto",
        "by", "at", "from", "as", "than", "that", "which", "who", "whose", "its", "their", "his", "her",
        "such", "any", "each", "every", "all", "this", "these", "those", "under", "over", "about", "after",
        "before", "between", "through", "toward", "towards", "upon", "within", "without", "against",
        "among", "during", "including", "regarding", "concerning", "per", "via", "if", "whether", "when",
        "where", "while", "not",
    )
)  # fmt: skip


# The letters `_LEAD_QUALIFIERS` (after commas and white space) and `_ADVERBIAL` can start with, in either
# case ("İ" and "ı" match "i" case-insensitively).
_QUALIFIER_FIRST = frozenset("aAtTcCwWiI\u0130\u0131")
_ADVERBIAL_FIRST = frozenset("aAwWcCoObBuUdD")


def _may_open(chunk: str, first: frozenset[str]) -> bool:
    """Whether the first character of `chunk` after commas and white space is in `first`."""
    for c in chunk:
        if c != "," and not c.isspace():
            return c in first
    return False


_ADVERBIAL = re.compile(
    r"^(?:(?:as\s+circumstances\s+warrant|as\s+appropriate|where\s+appropriate|consistent\s+with[^,]*|and|or|but"
    r"|(?:at|upon|during|on)\s+the\s[^,]{1,60}(?=,))"
    r"\s*,?\s*)+",
    re.I,
)
_AND_TIMED = re.compile(r"^[a-z][^\x00,;]{0,80}?\s(?:and|then)\s+\x00+[\s,]*(?P<rest>[a-z].*)$", re.S)
_INSERT = re.compile(
    r"^\s*,?\s*(?:\x00+|(?:to|through|with|for|on\s+behalf\s+of|in\s+(?:consultation|coordination)\s+with)"
    r"\s(?:(?!\s(?:an?|to)\s)[^,;\x00]){1,120}?)\s*,\s*(?=\S)"
)
_RECIPIENT = re.compile(
    r"^to\s+(?:the\s+)?(?:[A-Z][\w.&’'-]*\s+(?:(?:of|and|for|on)\s+(?:the\s+)?)?)+(?=[a-z])"
)
