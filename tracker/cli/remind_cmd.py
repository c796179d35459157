"""Reminder, source and daemon commands: remind, sources add/list, poll, run.

Each is parse → one service call → render. `tracker run` starts the scheduler entry point.
"""

from __future__ import annotations

import importlib
import json
import logging
import sys
from typing import Annotated, Any

import typer

from tracker.cli.app import app, parse_date, state

sources_app = typer.Typer(help="Sources that `tracker poll` and `tracker run` fetch.", no_args_is_help=True)
app.add_typer(sources_app, name="sources")

JsonOpt = Annotated[bool, typer.Option("--json", help="One JSON object per line.")]


def _shown(text: str | None) -> str:
    """Document text made safe for a terminal (no control characters, one line)."""
    from tracker.reminders import clean_header

    return clean_header(text or "", 300)


@app.command()
def remind(
    today: Annotated[
        str | None, typer.Option("--today", help="Sweep as of this date (YYYY-MM-DD); default: today.")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be sent; write nothing.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Send the reminders that are due (one sweep; running it again sends nothing twice)."""
    from tracker.reminders import when
    from tracker.service import reminders as service

    tracker = state.tracker()
    report = service.sweep(tracker, today=parse_date(today, "--today"), dry_run=dry_run)
    if not report.recipients:
        typer.echo("tracker: reminders.recipients: no recipients configured; nothing to send", err=True)
    for o in report.outcomes:
        k, item = o.reminder.key, o.item
        actor, action = (item.actor, item.action) if item else ("", "")
        if as_json:
            record = {
                "obligation_id": k.obligation_id,
                "recipient": k.recipient,
                "lead_days": k.lead_days,
                "due_date": k.due_date.isoformat(),
                "days_left": o.reminder.days_left,
                "state": o.state,
                "error": o.error,
                "actor": actor,
                "action": action,
            }
            typer.echo(json.dumps(record, ensure_ascii=False))
        else:
            typer.echo(
                f"{o.state:<7} {k.due_date.isoformat()} {when(o.reminder.days_left):>16}  {k.obligation_id}  "
                f"{_shown(k.recipient)}  {_shown(actor)}: {_shown(action)}"
            )
    if not as_json:
        if dry_run:
            typer.echo(f"{len(report.outcomes)} reminder(s) due on {report.today.isoformat()} (dry run)")
        else:
            waiting = f", {report.waiting} waiting to retry" if report.waiting else ""
            refused = f", {report.count('refused')} refused" if report.count("refused") else ""
            typer.echo(
                f"{report.count('sent')} sent, {report.count('failed')} failed{refused}, "
                f"{report.count('taken')} taken by another sweep{waiting} ({report.today.isoformat()})"
            )
    sys.stdout.flush()
    if report.error is not None:
        raise report.error


@sources_app.command("add")
def sources_add(
    location: Annotated[str, typer.Argument(metavar="URL|PATH", help="A folder, file, feed or URL.")],
    kind: Annotated[
        str | None,
        typer.Option("--kind", help="folder, file, url, feed or federal_register (default: detected)."),
    ] = None,
) -> None:
    """Add a source to poll: a folder, a file, an RSS/Atom feed, a Federal Register search, or a URL."""
    from tracker.service import sources as service

    info, created = service.add(state.tracker(), location, kind=kind)
    verb = "added" if created else "already added"
    typer.echo(f"{verb}: {info.location} ({info.kind})")


@sources_app.command("list")
def sources_list(as_json: JsonOpt = False) -> None:
    """The sources, when each was last polled and its last error."""
    from tracker.service import sources as service

    infos = service.list_sources(state.tracker())
    if as_json:
        for i in infos:
            record = {
                "location": i.location,
                "kind": i.kind,
                "last_polled": i.last_polled_at.isoformat() if i.last_polled_at else None,
                "last_error": i.last_error,
            }
            typer.echo(json.dumps(record, ensure_ascii=False))
        return
    if not infos:
        typer.echo("No sources. Add one with `tracker sources add URL|PATH`.")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(pad_edge=False)
    for name in ("Location", "Kind", "Last polled", "Last error"):
        table.add_column(name, overflow="fold")
    for i in infos:
        polled = i.last_polled_at.strftime("%Y-%m-%d %H:%M UTC") if i.last_polled_at else "never"
        table.add_row(_shown(i.location), i.kind, polled, _shown(i.last_error) or "—")
    Console(soft_wrap=False).print(table)


@app.command()
def poll(as_json: JsonOpt = False) -> None:
    """Fetch every source once (unchanged ones cost a 304) and ingest what is new."""
    from tracker.service import sources as service

    report = service.poll(state.tracker())
    for r in report.results:
        if as_json:
            record = {
                "location": r.location,
                "kind": r.kind,
                "outcome": r.outcome,
                "documents_new": r.documents_new,
                "obligations_new": r.obligations_new,
                "obligations_updated": r.obligations_updated,
                "error": r.error,
            }
            typer.echo(json.dumps(record, ensure_ascii=False))
        elif r.outcome == "unchanged":
            typer.echo(f"{_shown(r.location)}: unchanged")
        elif r.outcome == "polled":
            typer.echo(
                f"{_shown(r.location)}: {r.documents_new} new document(s), "
                f"{r.obligations_new} new obligation(s), {r.obligations_updated} updated"
            )
    sys.stdout.flush()
    for r in report.failed:
        typer.echo(f"tracker: {_shown(r.location)}: {_shown(r.error)}", err=True)
    if report.exit_code:
        raise typer.Exit(report.exit_code)


@app.command()
def run() -> None:
    """The daemon: polls sources, refreshes static feeds and sends reminders on schedule.

    Stops cleanly on SIGINT or SIGTERM. Run one per database: a second one sends nothing twice,
    but does the same work again.
    """
    logging.basicConfig(
        level=logging.DEBUG if state.debug else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    tracker = state.tracker()
    # The scheduler is its own entry point (DESIGN.md section 2: entry points never import each
    # other); the CLI only launches it, by name, as a console script would.
    scheduler: Any = importlib.import_module("tracker.scheduler")
    scheduler.run(tracker.settings, state.config)
