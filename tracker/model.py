"""Domain value objects shared by every layer: documents, deadline expressions, obligations.

Layer 1: standard library only. Objects are frozen and validated when built.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

EMPTY: Mapping[str, Any] = MappingProxyType({})


def _empty() -> Mapping[str, Any]:
    return EMPTY


class AnchorKind(StrEnum):
    ISSUED = "issued"  # signing date of the order/memorandum/proclamation
    PUBLISHED = "published"  # publication (Federal Register, article date when the text says "today")
    ENACTED = "enacted"  # date of enactment of an Act
    EFFECTIVE = "effective"  # effective date of the document itself
    ABSOLUTE = "absolute"  # a calendar date written in the text
    EVENT = "event"  # something the text does not date (a report, an appointment, receipt)
    NONE = "none"  # a recurring duty with no stated start


class Unit(StrEnum):
    DAYS = "days"
    WEEKS = "weeks"
    MONTHS = "months"
    YEARS = "years"
    BUSINESS_DAYS = "business_days"
    HOURS = "hours"


class Status(StrEnum):
    OPEN = "open"
    DONE = "done"
    WAIVED = "waived"
    SUPERSEDED = "superseded"
    REVOKED = "revoked"


class RollPolicy(StrEnum):
    NONE = "none"
    FOLLOWING = "following"
    PRECEDING = "preceding"
    MODIFIED_FOLLOWING = "modified_following"


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int

    def __post_init__(self) -> None:
        if not (0 <= self.start <= self.end):
            raise ValueError(f"invalid span {self.start}..{self.end}")

    def __len__(self) -> int:
        return self.end - self.start

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True, slots=True)
class Document:
    """A document as read: `text` is what offsets point into."""

    text: str
    source: str  # path or URL as given by the user
    kind: str = (
        "unknown"  # executive_order | memorandum | proclamation | notice | statute | rule | article | unknown
    )
    title: str | None = None
    issued: dt.date | None = None  # signing date (or, for an article, of the order it reports)
    published: dt.date | None = None
    enacted: dt.date | None = None
    effective: dt.date | None = None
    url: str | None = None
    instrument: str | None = None  # e.g. "EO 14411"
    # Character ranges of the logical fields of a structured source, e.g. {"summary": Span, "body": Span}
    fields: Mapping[str, Span] = field(default_factory=_empty)
    meta: Mapping[str, Any] = field(default_factory=_empty)


@dataclass(frozen=True, slots=True)
class Period:
    """An offset from an anchor. `amount` is negative for "N days before/prior to"."""

    amount: int
    unit: Unit

    def __post_init__(self) -> None:
        if not isinstance(self.amount, int) or isinstance(self.amount, bool):
            raise ValueError("period amount must be an integer")
        if abs(self.amount) > 100_000:
            raise ValueError(f"period of {self.amount} {self.unit} is out of range")

    def iso(self) -> str | None:
        """ISO 8601 duration; None for business days, which ISO 8601 cannot express."""
        sign = "-" if self.amount < 0 else ""
        n = abs(self.amount)
        match self.unit:
            case Unit.DAYS:
                return f"{sign}P{n}D"
            case Unit.WEEKS:
                return f"{sign}P{n * 7}D"
            case Unit.MONTHS:
                return f"{sign}P{n}M"
            case Unit.YEARS:
                return f"{sign}P{n}Y"
            case Unit.HOURS:
                return f"{sign}PT{n}H"
        return None


class DateRefKind(StrEnum):
    DATE = "date"  # a full calendar date
    MONTH = "month"  # "by February 2022"
    YEAR_END = "year_end"  # "by the end of calendar year 2025"
    FISCAL_YEAR = "fiscal_year"  # "not later than fiscal year 2026" (U.S. FY N ends Sept 30 of N)
    FISCAL_QUARTER = "fiscal_quarter"


@dataclass(frozen=True, slots=True)
class DateRef:
    """An absolute date as written, before policy (month-only, fiscal year) is applied."""

    kind: DateRefKind
    year: int
    month: int | None = None
    day: int | None = None
    quarter: int | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.year <= 9999:
            raise ValueError(f"year {self.year} out of range")
        if self.kind == DateRefKind.DATE:
            dt.date(self.year, self.month or 0, self.day or 0)  # raises ValueError for Feb 30
        elif self.kind == DateRefKind.MONTH and not (self.month and 1 <= self.month <= 12):
            raise ValueError("month-only reference needs a month")
        elif self.kind == DateRefKind.FISCAL_QUARTER and not (self.quarter and 1 <= self.quarter <= 4):
            raise ValueError("fiscal quarter must be 1-4")


@dataclass(frozen=True, slots=True)
class Anchor:
    """What a period counts from. `date` is None for an event the text does not date."""

    kind: AnchorKind
    date: dt.date | None = None
    text: str = ""  # the anchor phrase as written ("the date of this order")
    source: str = ""  # where the date came from ("document metadata: issued", "text: 'signed June 3'")


@dataclass(frozen=True, slots=True)
class DeadlineExpr:
    """A deadline phrase, interpreted but not yet resolved to a date.

    Exactly one of `period` (counted from an anchor) or `date_ref` (absolute) is usually set;
    both are None for a recurrence with no stated start or an event-only timing ("upon receipt").
    `window` marks "during the N-day period beginning on X", whose last day is X + N - 1.
    `recurrence` is an RRULE body without DTSTART, e.g. "FREQ=DAILY;INTERVAL=90".
    """

    text: str
    period: Period | None = None
    date_ref: DateRef | None = None
    window: bool = False
    recurrence: str | None = None


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a due-date explanation: `kind` is machine-readable, `text` a sentence."""

    kind: str  # anchor | period | absolute | window | roll | override | recurrence | undated | note
    text: str
    data: Mapping[str, Any] = field(default_factory=_empty)

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "text": self.text, **dict(self.data)}


@dataclass(frozen=True, slots=True)
class DueDate:
    date: dt.date | None
    steps: tuple[Step, ...] = ()


@dataclass(frozen=True, slots=True)
class DatePolicy:
    roll: RollPolicy = RollPolicy.NONE
    holiday_country: str = "US"
    holiday_subdiv: str | None = None
    month_only: str = "first"  # first | last day of a month-only date


@dataclass(frozen=True, slots=True)
class Obligation:
    """A duty found in one document: who must do what, by when, and the words that say so."""

    actor: str
    action: str
    quote: str
    span: Span
    deadline: DeadlineExpr
    anchor: Anchor
    due: DueDate
    confidence: float
    instrument: str | None = None
    modal: str = ""
    flags: tuple[str, ...] = ()  # hortatory, inherited, reported, words_digits_mismatch, ...

    def __post_init__(self) -> None:
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"confidence {self.confidence} outside [0, 1]")
        if len(self.quote) != len(self.span):
            raise ValueError("quote length does not match its span")


@dataclass(frozen=True, slots=True)
class Mention:
    """Where a stored duty was read: one document, one quote."""

    document: str  # source path or URL
    title: str | None
    url: str | None
    quote: str
    start: int
    end: int
    role: str = "primary"  # primary | secondary (an article reporting the instrument)
    deadline_text: str = ""
    due_date: dt.date | None = None  # what this source's words give


@dataclass(frozen=True, slots=True)
class Tracked:
    """A stored obligation as every consumer (list, show, feeds, reminders, web) sees it."""

    id: str
    instrument: str | None
    kind: str
    actor: str
    action: str
    deadline_text: str
    anchor: Anchor
    period: str | None
    due_date: dt.date | None
    recurrence: str | None
    status: Status
    confidence: float
    tags: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    explanation: tuple[Step, ...] = ()
    computed_due: dt.date | None = None
    override_due: dt.date | None = None
    override_reason: str | None = None
    sequence: int = 0
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    quote: str = ""
    url: str | None = None
    title: str | None = None
    mentions: tuple[Mention, ...] = ()
