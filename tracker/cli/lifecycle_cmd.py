"""Lifecycle commands: done, reopen, waive, set, anchor, tag, untag, note, history, recompute.

Layer 5. Each is parse → one service call → render; every change lands in the audit trail under
the configured `user`, or `--by`.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from tracker.cli import render
from tracker.cli.app import app, parse_date, state

Id = Annotated[str, typer.Argument(metavar="ID", help="Obligation id (or a unique prefix).")]
By = Annotated[
    str | None, typer.Option("--by", help="Name recorded in the history (default: the config's user).")
]
Reason = Annotated[str | None, typer.Option("--reason", help="Why; recorded in the history.")]
NeededReason = Annotated[str, typer.Option("--reason", help="Why (required); recorded in the history.")]


@app.command()
def done(
    obligation_id: Id,
    on: Annotated[
        str | None, typer.Option("--on", help="Completion date (YYYY-MM-DD; default today).")
    ] = None,
    reason: Reason = None,
    by: By = None,
) -> None:
    """Mark a duty done; deadlines counting from its completion get their dates."""
    out = state.tracker().done(obligation_id, on=parse_date(on, "--on"), by=by, reason=reason)
    render.edits(out.id, out.edits, nothing="already done")


@app.command()
def reopen(obligation_id: Id, reason: Reason = None, by: By = None) -> None:
    """Make a done, waived, revoked or superseded duty open again."""
    out = state.tracker().reopen(obligation_id, by=by, reason=reason)
    render.edits(out.id, out.edits, nothing="already open")


@app.command()
def waive(obligation_id: Id, reason: Reason = None, by: By = None) -> None:
    """Mark a duty waived: it no longer needs doing (kept in the history)."""
    out = state.tracker().waive(obligation_id, by=by, reason=reason)
    render.edits(out.id, out.edits, nothing="already waived")


@app.command("set")
def set_(
    obligation_id: Id,
    reason: NeededReason,
    due: Annotated[str | None, typer.Option("--due", help="The due date to use (YYYY-MM-DD).")] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Go back to the computed due date.")] = False,
    by: By = None,
) -> None:
    """Set a due date by hand; it survives re-ingest and recompute and is shown as set by hand."""
    from tracker.errors import UsageError

    if (due is None) == (not clear):
        raise UsageError("give either --due DATE or --clear", where=obligation_id)
    out = state.tracker().set_due(obligation_id, parse_date(due, "--due"), reason, by=by)
    render.edits(out.id, out.edits, nothing="unchanged")


@app.command()
def anchor(
    obligation_id: Id,
    reason: NeededReason,
    date: Annotated[
        str | None, typer.Option("--date", help="Date of the event the deadline counts from (YYYY-MM-DD).")
    ] = None,
    after: Annotated[
        str | None, typer.Option("--after", metavar="OTHER", help="Count from the completion of duty OTHER.")
    ] = None,
    by: By = None,
) -> None:
    """Date the event a deadline counts from; the due date is computed from the stored deadline."""
    out = state.tracker().anchor(
        obligation_id, date=parse_date(date, "--date"), after=after, reason=reason, by=by
    )
    render.edits(out.id, out.edits, nothing="unchanged")


@app.command()
def tag(
    obligation_id: Id,
    tags: Annotated[list[str], typer.Argument(metavar="TAG...", help="Tags to add.")],
    by: By = None,
) -> None:
    """Add tags to a duty (feeds, lists and reminders can filter on them)."""
    out = state.tracker().tag(obligation_id, tags, by=by)
    render.edits(out.id, out.edits, nothing="already tagged")


@app.command()
def untag(
    obligation_id: Id,
    tags: Annotated[list[str], typer.Argument(metavar="TAG...", help="Tags to remove.")],
    by: By = None,
) -> None:
    """Remove tags from a duty."""
    out = state.tracker().tag(obligation_id, tags, by=by, remove=True)
    render.edits(out.id, out.edits, nothing="not tagged so")


@app.command()
def note(
    obligation_id: Id,
    text: Annotated[str, typer.Argument(metavar="TEXT", help="The note.")],
    by: By = None,
) -> None:
    """Add a note to a duty's history."""
    out = state.tracker().note(obligation_id, text, by=by)
    render.edits(out.id, out.edits, nothing="unchanged")


@app.command()
def history(
    obligation_id: Id,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per event and line.")] = False,
) -> None:
    """Every change to a duty: who, when, what it was, what it became, and why."""
    oid, events, documents = state.tracker().history(obligation_id)
    if as_json:
        render.json_lines([{"id": oid, **render.history_record(h, documents)} for h in events])
    else:
        typer.echo(f"{oid}:")
        render.history_text(events)


@app.command()
def recompute(
    by: By = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON object per changed date and line.")
    ] = False,
) -> None:
    """Compute every stored due date again with the current date policy (dates set by hand stay)."""
    changes = state.tracker().recompute(by=by)
    if as_json:
        for e in changes:
            typer.echo(json.dumps({"id": e.id, "field": e.field, "old": e.old, "new": e.new}))
        return
    render.edits("recompute", changes, nothing="no due date changed")
