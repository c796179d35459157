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
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tracker.model import Obligation

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford base32: no i, l, o, u
ID_LENGTH = 10
SECONDARY_KINDS = frozenset({"article", "unknown"})

_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*", re.UNICODE)
_STOP = frozenset({"the", "a", "an"})


def normalize(text: str | None) -> str:
    words = [w.lower().replace("’", "'") for w in _WORD.findall(text or "")]
    return " ".join(w for w in words if w not in _STOP)


def deadline_key(ob: Obligation) -> str:
    period = ob.deadline.period.iso() if ob.deadline.period else None
    if ob.deadline.period and period is None:  # business days have no ISO form
        period = f"{ob.deadline.period.amount}{ob.deadline.period.unit}"
    if period:
        anchor = ob.anchor.kind.value
        if ob.anchor.kind.value in ("absolute", "event"):
            anchor += ":" + (ob.anchor.date.isoformat() if ob.anchor.date else normalize(ob.anchor.text))
        key = f"{period}@{anchor}"
    elif ob.deadline.date_ref is not None:
        key = ob.due.date.isoformat() if ob.due.date else normalize(ob.deadline.text)
    else:
        key = normalize(ob.deadline.text)
    if ob.deadline.recurrence:
        key += "+" + ob.deadline.recurrence
    return key


def identity_key(ob: Obligation) -> str:
    return "|".join((normalize(ob.instrument), normalize(ob.actor), normalize(ob.action), deadline_key(ob)))


def obligation_id(ob: Obligation) -> str:
    digest = int.from_bytes(hashlib.sha256(identity_key(ob).encode("utf-8")).digest()[:8], "big")
    chars = []
    for _ in range(ID_LENGTH):
        digest, rem = divmod(digest, 32)
        chars.append(_ALPHABET[rem])
    return "".join(chars)


@dataclass(frozen=True, slots=True)
class Group:
    """One duty found in one document, with every mention of it there (first = representative)."""

    id: str
    obligation: Obligation
    mentions: tuple[Obligation, ...]


def group(obligations: Iterable[Obligation]) -> list[Group]:
    """Fold mentions of the same duty in one document (a summary and a body saying the same)."""
    order: list[str] = []
    found: dict[str, list[Obligation]] = {}
    for ob in obligations:
        oid = obligation_id(ob)
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
