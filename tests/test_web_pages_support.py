"""Helpers of the web page and browser tests (no tests here): a server with the page switched on,
a hostile document to ingest, signing in with httpx, and reading a page's CSRF token.

The server is the real thing: `python -m tracker serve` on a free loopback port, with
TRACKER_WEB__ACCESS_TOKEN set and the day fixed by TRACKER_TODAY, so days left are stable.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import re
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx

from tests.conftest import CLI
from tests.test_web_feeds import Server, serving

TOKEN = "web-access-token-for-tests-" + "k" * 16
TODAY = "2026-11-10"
SEED_ACTOR = "Secretary of Homeland Security"
SEED_ACTION = "revise importer-of-record rules"
SEED_EXPLANATION = "2026-06-03 + 180 calendar days = 2026-11-30."
SEED_UID_DOMAIN = "deadlines.tracker.invalid"

#: A document whose title and duty sentence carry markup; its duty is due 2026-07-01 (overdue).
HOSTILE_TEXT = (
    "Executive Order 99077 of June 1, 2026: Sample Escaping Check\n\n"
    "Sec. 1. Reports. The Secretary of Commerce shall, within 30 days of the date of this order, "
    'publish a report on <script>window.__pwned = 1</script> harbor data & "quoted" systems.\n'
)
HOSTILE_META = {
    "title": '<script>window.__pwned = 2</script> Order 99077 <img src=x onerror="window.__pwned=3">',
    "kind": "executive_order",
    "issued": "2026-06-01",
    "source": "javascript:window.__pwned=4",
}
HOSTILE_SCRIPT = "<script>window.__pwned = 1</script>"
HOSTILE_TITLE_SCRIPT = "<script>window.__pwned = 2</script>"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def write_hostile(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "hostile-order.txt"
    path.write_text(HOSTILE_TEXT, encoding="utf-8")
    (directory / "hostile-order.meta.json").write_text(json.dumps(HOSTILE_META), encoding="utf-8")
    return path


def ingest(cli: CLI, *paths: Path | str) -> None:
    r = cli("ingest", *map(str, paths))
    assert r.code == 0, r.err


def listed(cli: CLI, *args: str) -> list[dict]:
    r = cli("list", "--json", *args)
    assert r.code == 0, r.err
    return [json.loads(line) for line in r.out.splitlines()]


def only_id(cli: CLI, actor: str) -> str:
    [found] = [o for o in listed(cli, "--status", "all") if o["actor"] == actor]
    return str(found["id"])


def with_page(cli: CLI, token: str | None = TOKEN, **env: str) -> CLI:
    """The same CLI with the web page on (or off when `token` is None) and the day fixed."""
    extra = {"TRACKER_TODAY": TODAY, **env}
    if token is not None:
        extra["TRACKER_WEB__ACCESS_TOKEN"] = token
    return dataclasses.replace(cli, env={**cli.env, **extra})


@contextlib.contextmanager
def page_server(cli: CLI, token: str | None = TOKEN, **env: str) -> Iterator[Server]:
    """`tracker serve` on a port picked first, so feeds.base_url (the feed URLs it hands out) is right."""
    port = free_port()
    web = with_page(cli, token, TRACKER_FEEDS__BASE_URL=f"http://127.0.0.1:{port}", **env)
    with serving(web, "--port", str(port)) as server:
        yield server


def client(server: Server) -> httpx.Client:
    return httpx.Client(base_url=server.base, trust_env=False, timeout=15, follow_redirects=False)


def sign_in(http: httpx.Client, token: str = TOKEN) -> httpx.Response:
    r = http.get("/login", params={"token": token})
    assert r.status_code == 303, r.text
    return r


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]*)"', html)
    assert found, "no CSRF field on the page"
    return found.group(1)
