"""The feed server as a real process on loopback (`python -m tracker serve`), on SQLite and PostgreSQL.

ETag and 304, If-Modified-Since, HEAD, identical 404s for unknown and revoked tokens, and an access
log that never contains a token. Failures answered plainly are checked in process, on a database
that cannot be opened.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import email.utils
import json
import logging
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.conftest import CLI
from tests.test_feeds_parsers import T0, add_obligations, obligation_values, parse_icalendar, tracker_on
from tracker import web
from tracker.store.tables import ObligationRow

ANNOUNCE = re.compile(r"serving feeds on (http://\S+)")


@dataclass
class Server:
    proc: subprocess.Popen[str]
    output: list[str] = field(default_factory=list)  # stdout and stderr lines, as they come
    base: str = ""

    def log(self) -> str:
        return "".join(self.output)


@contextlib.contextmanager
def serving(cli: CLI, *args: str) -> Iterator[Server]:
    """`python -m tracker serve --port 0`, waited for until /healthz answers; stopped with SIGTERM."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "tracker", "serve", "--port", "0", *args],
        env=cli.env,
        cwd=cli.home,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    server = Server(proc)
    assert proc.stdout is not None and proc.stderr is not None
    readers = [
        threading.Thread(target=lambda s=s: server.output.extend(iter(s.readline, "")), daemon=True)
        for s in (proc.stdout, proc.stderr)
    ]
    for t in readers:
        t.start()
    try:
        deadline = time.monotonic() + 60
        while not server.base:
            assert proc.poll() is None, f"server exited with {proc.returncode}: {server.log()}"
            assert time.monotonic() < deadline, f"no announcement: {server.log()}"
            found = ANNOUNCE.search(server.log())
            server.base = found.group(1) if found else ""
            time.sleep(0.05)
        with httpx.Client(trust_env=False) as client:
            while True:
                try:
                    if client.get(f"{server.base}/healthz", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, f"/healthz never answered: {server.log()}"
                time.sleep(0.05)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        for t in readers:
            t.join(timeout=5)
        proc.stdout.close()
        proc.stderr.close()


def _create(cli: CLI, *args: str) -> dict:
    r = cli("feeds", "create", *args, "--json")
    assert r.code == 0, r.err
    return json.loads(r.out)


def _without_date(response: httpx.Response) -> tuple:  # type: ignore[type-arg]
    headers = sorted((k, v) for k, v in response.headers.items() if k != "date")
    return response.status_code, headers, response.content


def test_feed_server(cli: CLI, tmp_path: Path) -> None:
    with tracker_on(cli.db) as tracker:
        add_obligations(
            tracker,
            obligation_values("a1b2c3d4e5"),
            obligation_values("f6g7h8i9j0", actor="Secretary of Commerce", status="revoked", sequence=1),
        )
        dhs = _create(cli, "DHS", "--actor", "homeland")
        everything = _create(cli, "Everything")
        leaving = _create(cli, "Leaving")
        with serving(cli) as server, httpx.Client(base_url=server.base, trust_env=False, timeout=10) as http:
            _check_feed_answers(cli, tracker, http, dhs, everything, leaving, tmp_path)
        # SIGTERM shuts down cleanly; uvicorn then re-raises the signal, so the status says SIGTERM.
        assert server.proc.returncode in (0, -signal.SIGTERM), server.log()
        assert "Finished server process" in server.log()
    log = server.log()
    for created in (dhs, everything, leaving):
        assert created["token"] not in log
    assert "Traceback" not in log
    requests = [ln for ln in log.splitlines() if "/feeds/" in ln]
    assert len(requests) >= 15
    assert all("/feeds/[redacted].ics" in ln or "/feeds/[redacted]" in ln for ln in requests)
    for status in (" 200 ", " 304 ", " 404 "):
        assert any(status in ln for ln in requests), status


def _check_feed_answers(
    cli: CLI,
    tracker: object,
    http: httpx.Client,
    dhs: dict,
    everything: dict,
    leaving: dict,
    tmp_path: Path,
) -> None:
    assert dhs["url"].startswith("http://127.0.0.1:8000/feeds/")  # the configured base_url
    path = f"/feeds/{dhs['token']}.ics"

    ok = http.get(path)
    assert ok.status_code == 200
    assert ok.headers["content-type"] == "text/calendar; charset=utf-8"
    etag, modified = ok.headers["etag"], ok.headers["last-modified"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
    assert email.utils.parsedate_to_datetime(modified) >= T0
    assert [e["uid"] for e in parse_icalendar(ok.content)["items"]] == [
        "a1b2c3d4e5@deadlines.tracker.invalid"
    ]
    all_items = parse_icalendar(http.get(f"/feeds/{everything['token']}.ics").content)["items"]
    assert [(e["uid"][:10], e["status"]) for e in all_items] == [
        ("a1b2c3d4e5", "CONFIRMED"),
        ("f6g7h8i9j0", "CANCELLED"),
    ]
    # The server and the static export write the same bytes for the same feed.
    assert cli("feed", "--all", "--out", str(tmp_path / "export")).code == 0
    assert (tmp_path / "export" / "dhs.ics").read_bytes() == ok.content

    # Conditional requests: If-None-Match decides; If-Modified-Since only without it.
    for inm in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        not_modified = http.get(path, headers={"If-None-Match": inm})
        assert not_modified.status_code == 304, inm
        assert not_modified.content == b""
        assert (not_modified.headers["etag"], not_modified.headers["last-modified"]) == (etag, modified)
    assert http.get(path, headers={"If-None-Match": '"other"'}).status_code == 200
    assert http.get(path, headers={"If-Modified-Since": modified}).status_code == 304
    earlier = email.utils.parsedate_to_datetime(modified) - dt.timedelta(seconds=1)
    assert (
        http.get(
            path, headers={"If-Modified-Since": email.utils.format_datetime(earlier, usegmt=True)}
        ).status_code
        == 200
    )
    assert http.get(path, headers={"If-Modified-Since": "yesterday"}).status_code == 200
    assert (
        http.get(path, headers={"If-None-Match": '"other"', "If-Modified-Since": modified}).status_code == 200
    )

    head = http.head(path)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(len(ok.content))
    assert (head.headers["etag"], head.headers["last-modified"]) == (etag, modified)

    # Unknown, malformed and revoked tokens: the very same answer.
    unknown = http.get(f"/feeds/{'A' * 43}.ics")
    assert unknown.status_code == 404 and unknown.text == "Not Found\n"
    assert cli("feeds", "revoke", "Leaving").code == 0
    revoked = http.get(f"/feeds/{leaving['token']}.ics")
    for other in (
        revoked,
        http.get("/feeds/x.ics"),
        http.get(f"/feeds/{leaving['token']}"),
        http.get("/nowhere"),
    ):
        assert _without_date(other) == _without_date(unknown)
    assert http.get(path).status_code == 200  # other feeds go on

    # A new due date: new ETag, Last-Modified forward, the old ETag no longer matches.
    changed_at = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(seconds=5)
    with tracker.repo() as repo:  # type: ignore[attr-defined]
        row = repo.session.get(ObligationRow, "a1b2c3d4e5")
        row.due_date, row.sequence, row.updated_at = dt.date(2026, 12, 14), 1, changed_at
        repo.session.add(row)
        tracker.touch_feeds(repo, changed_at)  # type: ignore[attr-defined]
    fresh = http.get(path, headers={"If-None-Match": etag, "If-Modified-Since": modified})
    assert fresh.status_code == 200 and fresh.headers["etag"] != etag
    assert email.utils.parsedate_to_datetime(fresh.headers["last-modified"]) == changed_at
    [event] = parse_icalendar(fresh.content)["items"]
    assert (event["uid"], event["sequence"], event["dtstart"]) == (
        "a1b2c3d4e5@deadlines.tracker.invalid",
        1,
        dt.date(2026, 12, 14),
    )
    # A token typed into the wrong path is not logged either.
    assert http.get(f"/feed/{dhs['token']}.ics").status_code == 404
    assert http.get(f"/healthz?token={dhs['token']}").status_code == 200


def test_serve_reports_a_busy_port(sqlite_cli: CLI) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        r = sqlite_cli("serve", "--port", str(port))
    assert r.code == 7
    assert r.err.startswith(f"tracker: 127.0.0.1:{port}: cannot listen: ") and len(r.err.splitlines()) == 1


def test_failures_are_plain_500s_and_never_log_tokens(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A database that cannot be opened: the client gets a plain 500, the log a redacted path."""
    (tmp_path / "file").write_text("not a directory")
    token = "S3cr3tT0k3n_" + "x" * 31

    async def ask(app: object) -> tuple[httpx.Response, httpx.Response]:
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            return await client.get(f"/feeds/{token}.ics"), await client.get("/healthz")

    url = f"sqlite:///{tmp_path / 'file' / 'tracker.db'}"
    with tracker_on(url) as tracker, caplog.at_level(logging.INFO):
        failed, healthy = asyncio.run(ask(web.create_app(tracker)))
    assert failed.status_code == 500
    assert failed.text == "Internal Server Error\n"
    assert failed.headers["content-type"].startswith("text/plain")
    assert healthy.status_code == 200 and healthy.text == "ok\n"
    server_side = [r for r in caplog.records if not r.name.startswith("httpx")]  # not the test's client
    logged = "\n".join(r.getMessage() + (r.exc_text or "") for r in server_side)
    assert "GET /feeds/[redacted].ics failed: DatabaseError" in logged
    assert '"GET /feeds/[redacted].ics HTTP/1.1" 500' in logged
    assert "Traceback" in logged  # for the operator, in the server's log
    assert token not in logged


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        ("/feeds/abc_DEF-123.ics", "/feeds/[redacted].ics"),
        ("/feeds/abc.ics/more", "/feeds/[redacted].ics/more"),
        ("/FEEDS/abc", "/FEEDS/[redacted]"),
        ("/feed/abc.ics", "/feed/[redacted].ics"),
        ("/other/" + "t" * 43, "/other/[redacted]"),
        ("/healthz", "/healthz"),
        ("/", "/"),
    ],
)
def test_redact(path: str, logged: str) -> None:
    assert web.redact(path) == logged
