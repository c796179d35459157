"""Identity of a duty across mentions and documents: the stable obligation id and grouping.

Layer 2: pure. The id is derived only from what the duty is (instrument, actor, action,
deadline), never from where or when it was read, so re-ingesting never creates a twin.

Identity key (documented contract; changing it changes every id):
    instrument | actor | action | deadline
each lower-cased, with punctuation, markup and the articles "the/a/an" removed and whitespace
collapsed; the deadline part is its meaning, not its wording: the ISO period and anchor kind
("P180D@issued"), or the absolute date ("2026-11-30"), or the normalized phrase when neither
exists (an undated recurrence, an event). "within 180 days" and "not later than 180 days after"
the same anchor are one duty.

Same duty, other words (`find_match`): a mention whose identity key is new still belongs to a
stored duty when all of these hold (tests/test_merge.py names each rule):
- the same instrument (normalized; a mention with no instrument never matches loosely);
- the same loose deadline: period and anchor kind ("P180D@issued"; an event anchor's wording is
  left out), or the same absolute date; a stored duty also keeps the deadline it was created with,
  so a report of the pre-amendment period still finds it;
- compatible actors: equal after canonical wording ("Homeland Security Secretary" = "Secretary of
  Homeland Security"), or one contains the other as whole words and the shorter one names more
  than a bare title ("Secretary" alone is never enough);
- compatible actions, compared as content words (stop words dropped, crude stems, a few synonyms:
  update = revise, issue = publish, regulations = rules): the same head verb and at least half of
  the shorter action's other words shared; with different verbs, at least three words and three
  quarters of the shorter action's words shared.
The best-scoring compatible duty wins; a tie between two duties attaches to neither (a twin is
better than a wrong merge, and `tracker show` makes it visible). The id of the stored duty is kept,
so ids never change once given out, whichever document arrived first.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tracker.model import Anchor, DeadlineExpr, Obligation

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford base32: no i, l, o, u
ID_LENGTH = 10
SECONDARY_KINDS = frozenset({"article", "unknown"})

_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*", re.UNICODE)
_PART = re.compile(r"[^\W_]+", re.UNICODE)
_STOP = frozenset({"the", "a", "an"})
_CONTENT_STOP = frozenset({
    "a", "an", "the", "and", "or", "nor", "but", "of", "to", "for", "on", "in", "into", "onto", "at",
    "by", "with", "from", "as", "than", "that", "this", "these", "those", "such", "any", "all", "each",
    "every", "its", "their", "his", "her", "our", "your", "it", "they", "them", "which", "who", "whom",
    "whose", "be", "is", "are", "was", "were", "been", "being", "shall", "must", "will", "would",
    "should", "may", "might", "can", "could", "also", "now", "then", "there", "here", "so", "not", "no",
    "new", "further", "other", "certain", "appropriate", "same",
})  # fmt: skip
_SYNONYMS = {
    "publish": ("issue", "release", "post", "promulgate"),
    "submit": ("provide", "deliver", "send", "transmit", "present", "furnish"),
    "revise": ("update", "amend", "modify", "rewrite", "change", "overhaul"),
    "develop": ("prepare", "draft", "create", "produce", "design", "formulate"),
    "review": ("assess", "evaluate", "examine", "study", "analyze", "analyse"),
    "rule": ("regulation", "regs"),
    "guidance": ("guideline",),
    "report": ("reporting",),
}
_TITLES = ("secretary", "administrator", "director", "commissioner", "chair", "chairman", "chairperson")


def normalize(text: str | None) -> str:
    words = [w.lower().replace("’", "'") for w in _WORD.findall(text or "")]
    return " ".join(w for w in words if w not in _STOP)


# --- exact identity ---------------------------------------------------------------------------


def expr_deadline_key(expr: DeadlineExpr, anchor: Anchor, due: dt.date | None, *, loose: bool = False) -> str:
    """The deadline part of a key; `loose` leaves out an event anchor's wording."""
    period = expr.period.iso() if expr.period else None
    if expr.period and period is None:  # business days have no ISO form
        period = f"{expr.period.amount}{expr.period.unit}"
    if period:
        kind = anchor.kind.value
        if kind == "absolute" or (kind == "event" and not loose):
            kind += ":" + (anchor.date.isoformat() if anchor.date else normalize(anchor.text))
        key = f"{period}@{kind}"
    elif expr.date_ref is not None:
        key = due.isoformat() if due else normalize(expr.text)
    else:
        key = normalize(expr.text)
    if expr.recurrence:
        key += "+" + expr.recurrence
    return key


def deadline_key(ob: Obligation) -> str:
    return expr_deadline_key(ob.deadline, ob.anchor, ob.due.date)


def loose_deadline_key(ob: Obligation) -> str:
    return expr_deadline_key(ob.deadline, ob.anchor, ob.due.date, loose=True)


def identity_key(ob: Obligation) -> str:
    return "|".join((normalize(ob.instrument), normalize(ob.actor), normalize(ob.action), deadline_key(ob)))


def obligation_id(ob: Obligation) -> str:
    digest = int.from_bytes(hashlib.sha256(identity_key(ob).encode("utf-8")).digest()[:8], "big")
    chars = []
    for _ in range(ID_LENGTH):
        digest, rem = divmod(digest, 32)
        chars.append(_ALPHABET[rem])
    return "".join(chars)


# --- the same duty in other words -------------------------------------------------------------


def _stem(word: str) -> str:
    w = word.lower().replace("’", "'").removesuffix("'s")
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("s") and not w.endswith("ss") and len(w) > 3:
        w = w[:-1]
    if w.endswith("ing") and len(w) > 5:
        w = w[:-3]
    elif w.endswith("ed") and len(w) > 4:
        w = w[:-2]
    if w.endswith("e") and len(w) > 3:
        w = w[:-1]
    return w


_CANON = {_stem(alt): _stem(head) for head, alts in _SYNONYMS.items() for alt in (head, *alts)}


def content_words(action: str) -> tuple[str, ...]:
    """Canonical content words of an action, in order, without repeats; the first is its head verb."""
    out: list[str] = []
    for part in _PART.findall(action or ""):
        if part.lower() in _CONTENT_STOP or part.isdigit():
            continue
        stem = _stem(part)
        word = _CANON.get(stem, stem)
        if word not in out:
            out.append(word)
    return tuple(out)


def action_score(a: str, b: str) -> float:
    """0 when the actions are not compatible (rules in the module docstring), else in (0, 1.5]."""
    wa, wb = content_words(a), content_words(b)
    if not wa or not wb:
        return 0.0
    sa, sb = set(wa), set(wb)
    shared = sa & sb
    same_head = wa[0] == wb[0]
    oa, ob = sa - {wa[0]}, sb - {wb[0]}
    if same_head:
        small = min(len(oa), len(ob))
        ok = small == 0 or len(oa & ob) / small >= 0.5
    else:
        ok = len(shared) >= 3 and len(shared) / min(len(sa), len(sb)) >= 3 / 4
    if not ok:
        return 0.0
    return len(shared) / len(sa | sb) + (0.5 if same_head else 0.0)


def actor_key(actor: str) -> str:
    """Canonical wording of an actor: "the Homeland Security Secretary" → "secretary of homeland security"."""
    words = [w for w in normalize(actor).split() if w not in _CONTENT_STOP or w == "of"]
    while words and words[0] == "of":
        words.pop(0)
    if len(words) > 1 and words[-1] in _TITLES and "of" not in words:
        words = [words[-1], "of", *words[:-1]]
    return " ".join(words)


def actors_compatible(a: str, b: str) -> bool:
    ka, kb = actor_key(a), actor_key(b)
    if not ka or not kb:
        return False
    if ka == kb:
        return True
    short, long_ = sorted((ka.split(), kb.split()), key=len)
    named = [w for w in short if w != "of" and w not in _TITLES]
    if not named:
        return False
    n = len(short)
    return any(long_[i : i + n] == short for i in range(len(long_) - n + 1))


@dataclass(frozen=True, slots=True)
class Duty:
    """A stored duty as loose matching sees it; `deadlines` holds every loose deadline key it had."""

    id: str
    instrument: str | None
    actor: str
    action: str
    deadlines: frozenset[str]


def duty_of(oid: str, ob: Obligation) -> Duty:
    return Duty(oid, ob.instrument, ob.actor, ob.action, frozenset({loose_deadline_key(ob)}))


def same_duty(a: Duty, b: Duty) -> bool:
    """Whether two stored duties are one, by the rules of `find_match` (a report stored before the
    amendment that made the order's duty read like it, for instance)."""
    instrument = normalize(a.instrument)
    return (
        bool(instrument)
        and instrument == normalize(b.instrument)
        and bool(a.deadlines & b.deadlines)
        and actors_compatible(a.actor, b.actor)
        and action_score(a.action, b.action) > 0
    )


def find_match(ob: Obligation, candidates: Iterable[Duty]) -> str | None:
    """The id of the stored duty `ob` states in other words, or None (rules in the module docstring)."""
    instrument = normalize(ob.instrument)
    if not instrument:
        return None
    key = loose_deadline_key(ob)
    scored: list[tuple[float, str]] = []
    for duty in candidates:
        if normalize(duty.instrument) != instrument or key not in duty.deadlines:
            continue
        if not actors_compatible(ob.actor, duty.actor):
            continue
        score = action_score(ob.action, duty.action)
        if score > 0:
            scored.append((score, duty.id))
    if not scored:
        return None
    scored.sort(reverse=True)
    if len(scored) > 1 and scored[0][0] == scored[1][0] and scored[0][1] != scored[1][1]:
        return None
    return scored[0][1]


# --- grouping within one document -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Group:
    """One duty found in one document, with every mention of it there (first = representative)."""

    id: str
    obligation: Obligation
    mentions: tuple[Obligation, ...]


def group(obligations: Iterable[Obligation], *, loose: bool = False) -> list[Group]:
    """Fold mentions of the same duty in one document (a summary and a body saying the same).

    With `loose` (a report, whose summary and body word a duty differently) mentions are also
    folded by `find_match`; never in a primary text, where two sentences are two duties.
    """
    order: list[str] = []
    found: dict[str, list[Obligation]] = {}
    for ob in obligations:
        oid = obligation_id(ob)
        if oid not in found and loose:
            oid = find_match(ob, [duty_of(o, found[o][0]) for o in order]) or oid
        if oid not in found:
            order.append(oid)
            found[oid] = []
        found[oid].append(ob)
    return [Group(oid, _best(found[oid]), tuple(found[oid])) for oid in order]


def _best(mentions: Sequence[Obligation]) -> Obligation:
    # The most confident mention speaks for the duty; ties go to the earliest in the text.
    return max(mentions, key=lambda m: (m.confidence, -m.span.start))


def is_primary(kind: str | None) -> bool:
    """Whether a document of this kind is the instrument itself rather than a report on it."""
    return (kind or "unknown") not in SECONDARY_KINDS
