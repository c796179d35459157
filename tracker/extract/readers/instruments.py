"""Instrument names ("EO 14017", "Proc. 10522", "Pub. L. 119-21", "FR Doc. 2016-08720") and
document kinds recognised in titles. Layer 2: pure, standard library only."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from ._common import parse_date

# "No." and its spaces are one optional unit: a bare `\s*` on both sides of an optional word would
# split a run of spaces every possible way (quadratic on "EO" and 100,000 spaces).
_NO = r"(?:(?:No\.?|Number|#)\s*)?"
_LONG_DATE = r"([A-Z][a-z]+\.? \d{1,2}, \d{4})"


def _memorandum(match: re.Match[str]) -> str | None:
    date = parse_date(match.group(1))
    return f"PM {date.isoformat()}" if date else None


_PATTERNS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str | None]], ...] = (
    (
        re.compile(rf"\b(?:Executive\s+Order|E\.\s?O\.|EO)\s*{_NO}(\d{{4,5}})\b", re.IGNORECASE),
        lambda m: f"EO {m.group(1)}",
    ),
    (re.compile(rf"\bProclamation\s*{_NO}(\d{{4,5}})\b", re.IGNORECASE), lambda m: f"Proc. {m.group(1)}"),
    (
        re.compile(
            r"\b(?:Public\s+Law|Pub\.\s?L\.|P\.\s?L\.)\s*(?:No\.?\s*)?(\d{2,3})\s*[-‐‑–—]\s*(\d{1,3})\b"
        ),
        lambda m: f"Pub. L. {m.group(1)}-{m.group(2)}",
    ),
    (
        re.compile(r"\bFR\s+Doc\.?\s*(?:No\.?\s*)?([A-Z]?\d{1,4}-\d{3,6})\b"),
        lambda m: f"FR Doc. {m.group(1)}",
    ),
    (
        re.compile(rf"\bNational\s+Security\s+(?:Presidential\s+)?Memorandum[\s-]*{_NO}(\d{{1,3}})\b"),
        lambda m: f"NSM-{m.group(1)}",
    ),
    (re.compile(rf"\b(?:Presidential\s+)?Memorandum\s+(?:of|dated)\s+{_LONG_DATE}"), _memorandum),
)
_UNDATED_MEMORANDUM = re.compile(r"\s*(?:Presidential\s+)?Memorandum\b")
_KIND_BY_TITLE = (
    (re.compile(r"\s*Executive\s+Order\b", re.IGNORECASE), "executive_order"),
    (re.compile(r"\s*(?:Presidential\s+|National\s+Security\s+)?Memorandum\b", re.IGNORECASE), "memorandum"),
    (re.compile(r"\s*Proclamation\b", re.IGNORECASE), "proclamation"),
    (re.compile(r"\s*(?:Public\s+Law|Pub\.\s?L\.)\s", re.IGNORECASE), "statute"),
    (re.compile(rf"\s*Notice\s+of\s+{_LONG_DATE}"), "notice"),
)


def instrument_from_title(title: str | None, *, issued: dt.date | None = None) -> str | None:
    """The instrument a title names, normalised; the earliest mention wins.

    "Executive Order No. 14017 of February 24, 2021" → "EO 14017"; "Proclamation 10522" →
    "Proc. 10522"; "Public Law 119-21" and "Pub. L. 119–21" → "Pub. L. 119-21"; "... FR Doc.
    2016-08720 ..." → "FR Doc. 2016-08720"; "Presidential Memorandum of January 27, 2021" →
    "PM 2021-01-27" (memoranda have no numbers; their date names them). A title that opens with
    "Memorandum" or "Presidential Memorandum" but states no date takes `issued`. None otherwise.
    """
    if not title:
        return None
    found: list[tuple[int, str]] = []
    for pattern, build in _PATTERNS:
        for match in pattern.finditer(title):
            name = build(match)
            if name:
                found.append((match.start(), name))
                break
    if found:
        return min(found)[1]
    if issued is not None and _UNDATED_MEMORANDUM.match(title):
        return f"PM {issued.isoformat()}"
    return None


def kind_from_title(title: str | None) -> str:
    """The kind of a document whose title opens with its instrument type; "unknown" otherwise.

    Only the opening counts: "President Signs Executive Order 14411" is a report on an order,
    not the order, and "unknown" is safer than a wrong kind.
    """
    for pattern, kind in _KIND_BY_TITLE:
        if title and pattern.match(title):
            return kind
    return "unknown"


# A presidential instrument as signed: its opening formula names its kind, and the signature block at its
# end ("THE WHITE HOUSE,\n    March 25, 2025.") dates it. Read only from a document that states neither
# in metadata; a report about an order quotes neither the formula with its "By the authority" nor the block.
_AUTHORITY = re.compile(r"\bby\s+(?:virtue\s+of\s+)?the\s+authority\s+vested\s+in\s+me\b", re.IGNORECASE)
_FORMULAS = (
    (re.compile(r"\bMEMORANDUM\s+FOR\b"), "memorandum"),
    (re.compile(r"\bdo\s+hereby\s+proclaim\b", re.IGNORECASE), "proclamation"),
    # "it is hereby ordered", "I hereby order"
    (re.compile(r"\bhereby\s+order(?:ed)?\b", re.IGNORECASE), "executive_order"),
)
_SIGNATURE = re.compile(rf"\bTHE\s+WHITE\s+HOUSE\s*,?\s*{_LONG_DATE}")
_HEAD, _TAIL = 4000, 3000  # how far into the text the formula, and from its end the block, may lie


def signed_instrument(text: str) -> tuple[str | None, dt.date | None, str]:
    """(kind from the opening formula or None, date of the signature block or None, the block as
    written). The kind needs the formula and "By the authority vested in me" near the start; the date
    is the last signature block near the end."""
    head = text[:_HEAD]
    kind = None
    if _AUTHORITY.search(head):
        kind = next((k for rx, k in _FORMULAS if rx.search(head if k != "proclamation" else text)), None)
    tail_start = max(0, len(text) - _TAIL)
    blocks = list(_SIGNATURE.finditer(text, tail_start))
    if not blocks:
        return kind, None, ""
    block = blocks[-1]
    return kind, parse_date(block.group(1)), " ".join(block.group(0).split())
