"""Core commands: extract, ingest, list, stats, show, feed, due, db upgrade.

Each is parse → service → render.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from tracker.cli import render
from tracker.cli.app import (
    Actor,
    DueAfter,
    DueBefore,
    Instrument,
    StatusOpt,
    Tag,
    app,
    db_app,
    make_filters,
    parse_date,
    state,
)
from tracker.errors import BadInput, TrackerError, UsageError

EXIT_BAD_INPUT = BadInput.exit_code


def _report_errors(errors: list[TrackerError]) -> int:
    for exc in errors:
        typer.echo(f"tracker: {exc}", err=True)
    return max((e.exit_code for e in errors), default=0)


@app.command()
def extract(
    paths: Annotated[list[str], typer.Argument(help="Documents (files, folders or URLs).")],
    issued: Annotated[str | None, typer.Option(help="Signing date to count from (YYYY-MM-DD).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per obligation per line.")] = False,
) -> None:
    """Find the dated duties in documents and print them; nothing is stored."""
    from tracker.serialize import extract_line

    errors: list[TrackerError] = []
    tracker = state.tracker()
    for result in tracker.extract(paths, issued=parse_date(issued, "--issued")):
        if isinstance(result, TrackerError):
            errors.append(result)
            continue
        if as_json:
            render.json_lines([extract_line(result.source, ob) for ob in result.obligations])
        else:
            typer.echo(f"{result.source}: {len(result.obligations)} obligation(s)")
            for ob in result.obligations:
                due = ob.due.date.isoformat() if ob.due.date else "undated"
                typer.echo(f"  {due}  {ob.actor}: {ob.action} [{ob.deadline.text}]")
    sys.stdout.flush()
    if errors:
        raise typer.Exit(_report_errors(errors))


@app.command()
def ingest(
    paths: Annotated[list[str], typer.Argument(help="Documents (files, folders or URLs).")],
    tag: Annotated[list[str] | None, typer.Option("--tag", help="Tag the duties found (repeatable).")] = None,
    issued: Annotated[str | None, typer.Option(help="Signing date to count from (YYYY-MM-DD).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Extract, merge and store the duties in documents; re-ingesting the same file changes nothing."""
    from rich.console import Console
    from rich.progress import Progress

    tracker = state.tracker()
    err = Console(stderr=True)
    issued_date = parse_date(issued, "--issued")
    few = len(paths) < 2 and not Path(paths[0]).is_dir()
    with Progress(console=err, transient=True, disable=few or not err.is_terminal) as bar:
        task = bar.add_task("ingesting", total=None)
        report = tracker.ingest(
            paths, tags=tag or (), issued=issued_date, progress=lambda _s: bar.advance(task)
        )
    summary = {
        "files": report.files,
        "documents_new": report.documents_new,
        "documents_unchanged": report.documents_unchanged,
        "obligations_new": report.obligations_new,
        "obligations_updated": report.obligations_updated,
        "mentions_new": report.mentions_new,
        "changes_new": report.changes_new,
        "errors": [str(e) for e in report.errors],
    }
    if as_json:
        typer.echo(json.dumps(summary))
    else:
        typer.echo(
            f"{report.files} file(s): {report.documents_new} new, {report.documents_unchanged} unchanged, "
            f"{len(report.errors)} failed; {report.obligations_new} new obligation(s), "
            f"{report.obligations_updated} updated, {report.mentions_new} new mention(s)"
            + (f"; {report.changes_new} amendment(s) or revocation(s) read" if report.changes_new else "")
        )
    if report.errors:
        raise typer.Exit(_report_errors(report.errors))


@app.command("list")
def list_(
    due_before: DueBefore = None,
    due_after: DueAfter = None,
    actor: Actor = None,
    instrument: Instrument = None,
    tag: Tag = None,
    status: StatusOpt = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only those whose due date has passed.")] = False,
    next_: Annotated[
        str | None, typer.Option("--next", help="Only those due from today on, within e.g. 30d, 6w or 3m.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="CSV with a header row.")] = False,
) -> None:
    """Open deadlines, soonest first (overdue ones marked), then those awaiting an event."""
    from tracker.cli import list_view
    from tracker.service.listing import open_listing

    filters = make_filters(due_before, due_after, actor, instrument, tag, status, default_status=("open",))
    within = _days(next_)
    with open_listing(
        filters, lean_url=state.lean_url(), general=state.tracker, overdue=overdue, within_days=within
    ) as listing:
        list_view.write(listing, "json" if as_json else "csv" if as_csv else "table")


def _days(span: str | None) -> int | None:
    """ "30d", "6w", "3m" (30 days each), "1y", or a bare number of days."""
    if span is None:
        return None
    text = span.strip().lower()
    unit = text[-1:] if text[-1:] in ("d", "w", "m", "y") else "d"
    number = text[:-1] if text[-1:].isalpha() else text
    if not number.isdigit():
        raise UsageError("expected a span like 30d, 6w, 3m or 1y", where="--next")
    return int(number) * {"d": 1, "w": 7, "m": 30, "y": 365}[unit]


@app.command()
def stats(as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False) -> None:
    """Counts of duties by status, and of open ones by month due, actor and instrument."""
    import dataclasses

    result = state.tracker().stats()
    if as_json:
        typer.echo(json.dumps(dataclasses.asdict(result), ensure_ascii=False))
    else:
        render.stats_text(result)


@app.command()
def show(
    obligation_id: Annotated[str, typer.Argument(metavar="ID", help="Obligation id (or a unique prefix).")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
) -> None:
    """One obligation: its date and why, every source's quote and claim, and its history."""
    tracker = state.tracker()
    d = tracker.show(obligation_id)
    extra = {"completed_on": d.completed_on, "anchor_ref": d.anchor_ref, "dependents": list(d.dependents)}
    if as_json:
        record = render.show_record(d.obligation, d.history, d.documents, **extra)
        typer.echo(json.dumps(record, ensure_ascii=False))
    else:
        render.detail(d.obligation, d.history, tracker.today(), **extra)


@app.command()
def feed(
    due_before: DueBefore = None,
    due_after: DueAfter = None,
    actor: Actor = None,
    instrument: Instrument = None,
    tag: Tag = None,
    status: StatusOpt = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write to this file (with --all: this directory).")
    ] = None,
    todo: Annotated[bool, typer.Option("--todo", help="VTODO items instead of all-day events.")] = False,
    every: Annotated[
        bool,
        typer.Option("--all", help="Write all.ics and every private feed to --out DIR or feeds.export_dir."),
    ] = False,
) -> None:
    """Write an iCalendar file of every dated duty (past ones included; revoked ones as cancelled)."""
    from tracker.service import feeds

    tracker = state.tracker()
    if every:
        if any(x is not None for x in (due_before, due_after, actor, instrument, tag, status)) or todo:
            raise UsageError("exports the feeds as they were created; it takes no filters", where="--all")
        for path in feeds.export_feeds(tracker, out):
            typer.echo(f"wrote {path}", err=True)
        return
    data = tracker.feed(
        make_filters(due_before, due_after, actor, instrument, tag, status, default_status=None), todo=todo
    )
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    if out.is_dir():
        raise UsageError("is a directory: give a file name, or --all to export every feed", where=str(out))
    feeds.write_atomic(out, data)
    typer.echo(f"wrote {out}", err=True)


@app.command()
def due(
    phrase: Annotated[str, typer.Argument(help='A deadline phrase, e.g. "within 180 days".')],
    start: Annotated[str, typer.Option("--from", help="The date it counts from (YYYY-MM-DD).")],
    policy: Annotated[
        str | None, typer.Option(help="Weekend/holiday roll: none, following, preceding, modified_following.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help='{"due_date", "period", "steps"} as JSON.')] = False,
) -> None:
    """Date calculator: the due date of a deadline phrase counted from a date, with the steps."""
    from tracker.serialize import iso, period_iso

    tracker = state.tracker()
    anchor = parse_date(start, "--from")
    assert anchor is not None
    expr, result = tracker.due(phrase, anchor, policy)
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "due_date": iso(result.date),
                    "period": period_iso(expr),
                    "recurrence": expr.recurrence,
                    "steps": [s.as_dict() for s in result.steps],
                }
            )
        )
        return
    typer.echo(iso(result.date) or "no date")
    for i, s in enumerate(result.steps, 1):
        typer.echo(f"  {i}. {s.text}")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create the database if needed and apply every migration."""
    head = state.tracker().upgrade()
    typer.echo(f"database at revision {head}")
