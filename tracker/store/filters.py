"""Which duties a listing wants, and the one SQL text that selects them.

Layer 3, standard library only: `tracker list` reads through here without loading SQLAlchemy, and
the repository wraps the same text in `sa.text`, so the lean listing and every other reader
(feeds, the web page, stats) can never disagree on what a filter means.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

#: Soonest first, then the duties still waiting for the event they count from; ties by id.
ORDER_SQL = "obligation.due_date IS NULL, obligation.due_date, obligation.id"
LIKE_ESCAPE = "/"


@dataclass(frozen=True, slots=True)
class Filters:
    """Shared by `tracker list`, `tracker feed`, feeds and the web page."""

    due_before: dt.date | None = None
    due_after: dt.date | None = None
    actor: str | None = None  # case-insensitive substring of the actor
    instrument: str | None = None
    tag: str | None = None
    status: tuple[str, ...] | None = None  # None: every status
    dated_only: bool = False
    limit: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            k: (v.isoformat() if isinstance(v, dt.date) else list(v) if isinstance(v, tuple) else v)
            for k, v in (
                ("due_before", self.due_before),
                ("due_after", self.due_after),
                ("actor", self.actor),
                ("instrument", self.instrument),
                ("tag", self.tag),
                ("status", self.status),
            )
            if v is not None
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Filters:
        return cls(
            due_before=dt.date.fromisoformat(data["due_before"]) if data.get("due_before") else None,
            due_after=dt.date.fromisoformat(data["due_after"]) if data.get("due_after") else None,
            actor=data.get("actor"),
            instrument=data.get("instrument"),
            tag=data.get("tag"),
            status=tuple(data["status"]) if data.get("status") else None,
        )


def tags_text(tags: list[str] | tuple[str, ...]) -> str:
    """How a duty's tags are stored: a compact JSON array, non-ASCII as itself (migration 0003).

    Listings print the stored text as it is (`store/listing.py`), and the tag filter looks for
    `tag_text(tag)` inside it, so this encoding is the one both rely on.
    """
    return json.dumps(list(tags), ensure_ascii=False, separators=(",", ":"))


def tag_text(tag: str) -> str:
    """One tag as it appears inside `tags_text`."""
    return json.dumps(tag, ensure_ascii=False)


def relative(f: Filters, today: dt.date, overdue: bool, within_days: int | None) -> Filters:
    """`f` narrowed to duties due before `today` (`overdue`) or in the next `within_days` days."""
    before, after = f.due_before, f.due_after
    if overdue:
        yesterday = today - dt.timedelta(days=1)
        before = min(before, yesterday) if before else yesterday
    if within_days is not None:
        last = today + dt.timedelta(days=within_days)
        before = min(before, last) if before else last
        after = max(after, today) if after else today
    return dataclasses.replace(f, due_before=before, due_after=after)


def _like_contains(text: str) -> str:
    escaped = text.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2).replace("%", LIKE_ESCAPE + "%")
    return "%" + escaped.replace("_", LIKE_ESCAPE + "_") + "%"


def where_sql(f: Filters, mark: Callable[[str], str] = lambda name: f":{name}") -> tuple[str, dict[str, Any]]:
    """The WHERE condition of `f` over table `obligation` ("1=1" for none) and its parameters.

    `mark(name)` spells a placeholder in the driver's style (`:name` by default, as sqlite3 and
    `sa.text` take it). Dates stay `datetime.date`; text comparisons lower-case both sides, the
    parameter in Python and the column in SQL, as the whole store does.
    """
    terms: list[str] = []
    params: dict[str, Any] = {}
    if f.status:
        names = [f"status_{i}" for i in range(len(f.status))]
        params.update(zip(names, f.status, strict=True))
        terms.append(f"obligation.status IN ({', '.join(mark(n) for n in names)})")
    if f.due_before:
        params["due_before"] = f.due_before
        terms.append(f"obligation.due_date <= {mark('due_before')}")
    if f.due_after:
        params["due_after"] = f.due_after
        terms.append(f"obligation.due_date >= {mark('due_after')}")
    if f.dated_only or f.due_before or f.due_after:
        terms.append("obligation.due_date IS NOT NULL")
    if f.actor:
        params["actor"] = _like_contains(f.actor.lower())
        terms.append(f"lower(obligation.actor) LIKE {mark('actor')} ESCAPE '{LIKE_ESCAPE}'")
    if f.instrument:
        params["instrument"] = f.instrument.lower()
        terms.append(f"lower(obligation.instrument) = {mark('instrument')}")
    if f.tag:
        params["tag"] = _like_contains(tag_text(f.tag))
        terms.append(f"obligation.tags LIKE {mark('tag')} ESCAPE '{LIKE_ESCAPE}'")
    return (" AND ".join(terms) or "1=1"), params


def limit_sql(f: Filters) -> str:
    return f" LIMIT {int(f.limit)}" if f.limit else ""
