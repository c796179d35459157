"""Private subscription feeds and the feed server: `tracker feeds create|list|revoke`, `tracker serve`.

Layer 5. Thin: parse, one service call, render. `serve` hands uvicorn an import string because
entry points never import each other (tracker.web is a sibling of tracker.cli).
"""

from __future__ import annotations

import json
import os
import socket
from typing import TYPE_CHECKING, Annotated

import typer

from tracker.cli.app import (
    Actor,
    DueAfter,
    DueBefore,
    Instrument,
    StatusOpt,
    Tag,
    app,
    make_filters,
    state,
)
from tracker.errors import NetworkError

if TYPE_CHECKING:
    from tracker.service.feeds import FeedInfo

feeds_app = typer.Typer(
    help="Private subscription feeds: a secret calendar URL per filter.", no_args_is_help=True
)
app.add_typer(feeds_app, name="feeds")


@feeds_app.command("create")
def create(
    name: Annotated[str, typer.Argument(help="A name for the feed, unique (revoked feeds keep theirs).")],
    due_before: DueBefore = None,
    due_after: DueAfter = None,
    actor: Actor = None,
    instrument: Instrument = None,
    tag: Tag = None,
    status: StatusOpt = None,
    todo: Annotated[bool, typer.Option("--todo", help="VTODO items instead of all-day events.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help='Print {"name", "token", "url"} as JSON.')] = False,
) -> None:
    """Create a private feed and print its subscription URL. The URL is shown this once only.

    Without --status the feed holds every status, so withdrawn duties show as cancelled events.
    A name already in use exits with status 2.
    """
    from tracker.service import feeds

    filters = make_filters(due_before, due_after, actor, instrument, tag, status, default_status=None)
    created = feeds.create(state.tracker(), name, filters, todo=todo)
    if as_json:
        record = {"name": created.name, "token": created.token, "url": created.url}
        typer.echo(json.dumps(record, ensure_ascii=False))
        return
    typer.echo(f"feed {created.name!r} created; subscribe with this URL (it is not shown again):", err=True)
    typer.echo(created.url)


@feeds_app.command("list")
def list_(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """Private feeds: name, filters, export file, created and revoked times (never tokens)."""
    from tracker.service import feeds

    infos = feeds.list_feeds(state.tracker())
    if as_json:
        for f in infos:
            record = {
                "name": f.name,
                "filters": f.filters,
                "todo": f.todo,
                "file": f"{f.file}.ics",
                "created": f.created_at.isoformat() if f.created_at else None,
                "revoked": f.revoked_at.isoformat() if f.revoked_at else None,
            }
            typer.echo(json.dumps(record, ensure_ascii=False))
        return
    _table(infos)


def _table(infos: list[FeedInfo]) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(soft_wrap=False)
    if not infos:
        console.print("No feeds. Create one with: tracker feeds create NAME [filters]")
        return
    t = Table(pad_edge=False)
    for column in ("Name", "Filters", "Kind", "Created", "Revoked"):
        t.add_column(column, overflow="fold")
    for f in infos:
        filters = " ".join(f"{k}={','.join(v) if isinstance(v, list) else v}" for k, v in f.filters.items())
        t.add_row(
            escape(f.name),
            escape(filters) or "(all)",
            "todo" if f.todo else "events",
            f"{f.created_at:%Y-%m-%d %H:%M}" if f.created_at else "",
            f"{f.revoked_at:%Y-%m-%d %H:%M}" if f.revoked_at else "",
        )
    console.print(t)


@feeds_app.command("revoke")
def revoke(name: Annotated[str, typer.Argument(help="The feed's name.")]) -> None:
    """Revoke a feed: its URL answers 404 from now on. An unknown name exits with status 3."""
    from tracker.service import feeds

    info = feeds.revoke(state.tracker(), name)
    typer.echo(f"feed {info.name!r} revoked", err=True)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on (0: any free port).", min=0, max=65535)] = 8000,
) -> None:
    """Serve feeds (GET /feeds/TOKEN.ics) and, with TRACKER_WEB__ACCESS_TOKEN set, the web page (/)."""
    import uvicorn

    tracker = state.tracker()
    tracker.engine  # noqa: B018  (a bad database fails here with its exit code, before listening)
    sock = _listen(host, port)
    # The app factory reads the same settings from the environment this command was given.
    if state.db:
        os.environ["TRACKER_DATABASE_URL"] = state.db
    if state.config:
        os.environ["TRACKER_CONFIG"] = state.config
    bound_host, bound_port = sock.getsockname()[:2]
    shown = f"[{bound_host}]" if ":" in bound_host else bound_host
    typer.echo(f"tracker: serving feeds on http://{shown}:{bound_port}", err=True)
    if tracker.settings.web.access_token:
        url = f"http://{shown}:{bound_port}"
        typer.echo(f"tracker: web page on {url}/ (sign in once at {url}/login?token=...)", err=True)
    config = uvicorn.Config(
        "tracker.web:from_environment",
        factory=True,
        access_log=False,  # tracker.web logs requests itself, with tokens redacted
        server_header=False,
        proxy_headers=False,
        lifespan="off",
    )
    uvicorn.Server(config).run(sockets=[sock])


def _listen(host: str, port: int) -> socket.socket:
    sock: socket.socket | None = None
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        if sock is not None:
            sock.close()
        raise NetworkError(f"cannot listen: {exc.strerror or exc}", where=f"{host}:{port}") from None
    return sock
