"""Plain-data forms of domain objects: the `--json` contracts and the stored expression.

Layer 2: pure. The shapes here are versioned contracts (DESIGN.md section 5): fields may be
added, never removed or renamed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tracker.model import (
    Anchor,
    DateRef,
    DateRefKind,
    DeadlineExpr,
    DueDate,
    Obligation,
    Period,
    Step,
    Unit,
)

EXTRACT_SCHEMA_VERSION = 1


def iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def parse_iso_date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def period_iso(expr: DeadlineExpr) -> str | None:
    return expr.period.iso() if expr.period else None


def anchor_dict(anchor: Anchor) -> dict[str, Any]:
    return {"kind": anchor.kind.value, "date": iso(anchor.date), "text": anchor.text}


def extract_line(document: str, ob: Obligation) -> dict[str, Any]:
    """One line of `tracker extract --json` (schema version 1)."""
    return {
        "document": document,
        "quote": ob.quote,
        "start": ob.span.start,
        "end": ob.span.end,
        "actor": ob.actor,
        "action": ob.action,
        "deadline_text": ob.deadline.text,
        "anchor": anchor_dict(ob.anchor),
        "period": period_iso(ob.deadline),
        "due_date": iso(ob.due.date),
        "recurrence": ob.deadline.recurrence,
        "confidence": round(ob.confidence, 3),
        "instrument": ob.instrument,
        "flags": list(ob.flags),
    }


def expr_to_dict(expr: DeadlineExpr) -> dict[str, Any]:
    out: dict[str, Any] = {"text": expr.text, "window": expr.window, "recurrence": expr.recurrence}
    if expr.period:
        out["period"] = {"amount": expr.period.amount, "unit": expr.period.unit.value}
    if expr.date_ref:
        r = expr.date_ref
        out["date_ref"] = {
            "kind": r.kind.value,
            "year": r.year,
            "month": r.month,
            "day": r.day,
            "quarter": r.quarter,
        }
    return out


def expr_from_dict(data: dict[str, Any]) -> DeadlineExpr:
    period = data.get("period")
    ref = data.get("date_ref")
    return DeadlineExpr(
        text=data.get("text", ""),
        period=Period(period["amount"], Unit(period["unit"])) if period else None,
        date_ref=DateRef(
            DateRefKind(ref["kind"]), ref["year"], ref.get("month"), ref.get("day"), ref.get("quarter")
        )
        if ref
        else None,
        window=bool(data.get("window")),
        recurrence=data.get("recurrence"),
    )


def steps_to_list(due: DueDate) -> list[dict[str, Any]]:
    return [s.as_dict() for s in due.steps]


def steps_from_list(items: list[dict[str, Any]]) -> tuple[Step, ...]:
    out = []
    for item in items:
        data = {k: v for k, v in item.items() if k not in ("kind", "text")}
        out.append(Step(kind=item.get("kind", "note"), text=item.get("text", ""), data=data))
    return tuple(out)
