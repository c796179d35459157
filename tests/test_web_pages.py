"""The web page over HTTP against a real `tracker serve` process, on SQLite and PostgreSQL.

Off unless TRACKER_WEB__ACCESS_TOKEN is set; sign-in cookie flags; Bearer clients; CSRF; security
headers; every piece of document text escaped; lifecycle changes recorded as "web" and seen by
the feeds. What a person sees in a browser is in test_browser.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest

from tests.conftest import CLI
from tests.test_web_pages_support import (
    HOSTILE_SCRIPT,
    HOSTILE_TITLE_SCRIPT,
    SEED_ACTOR,
    TOKEN,
    client,
    csrf_of,
    ingest,
    only_id,
    page_server,
    sign_in,
    write_hostile,
)
from tracker.web.auth import COOKIE

HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}


def _show(cli: CLI, oid: str) -> dict:
    r = cli("show", oid, "--json")
    assert r.code == 0, r.err
    return json.loads(r.out)


def test_pages_are_off_without_an_access_token(cli: CLI, seed: Path) -> None:
    ingest(cli, seed)
    oid = only_id(cli, SEED_ACTOR)
    created = json.loads(cli("feeds", "create", "All", "--json").out)
    with page_server(cli, token=None) as server, client(server) as http:
        unknown = http.get("/nowhere")
        assert unknown.status_code == 404
        for path in ("/", f"/o/{oid}", "/feeds", f"/login?token={TOKEN}", "/static/app.css", "/login"):
            r = http.get(path)
            assert (r.status_code, r.text) == (404, "Not Found\n"), path
            assert COOKIE not in r.headers.get("set-cookie", "")
        for path in (f"/o/{oid}/done", "/feeds", "/logout"):
            assert http.post(path, data={"csrf": "x"}).status_code in (404, 405), path
        assert http.get("/", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 404
        # Feeds keep working.
        feed = http.get(f"/feeds/{created['token']}.ics")
        assert feed.status_code == 200 and f"UID:{oid}@".encode() in feed.content
    assert _show(cli, oid)["status"] == "open"


def test_sign_in_sets_a_strict_http_only_session_cookie(cli: CLI, seed: Path) -> None:
    ingest(cli, seed)
    with page_server(cli) as server, client(server) as http:
        anonymous = http.get("/")
        assert anonymous.status_code == 401
        assert anonymous.headers["www-authenticate"].startswith("Bearer")
        assert "Sign in" in anonymous.text and SEED_ACTOR not in anonymous.text

        wrong = http.get("/login", params={"token": TOKEN + "x"})
        assert wrong.status_code == 401 and "set-cookie" not in wrong.headers
        assert http.get("/login", params={"token": ""}).status_code == 401

        ok = sign_in(http)
        assert ok.headers["location"] == "/"
        cookie = ok.headers["set-cookie"]
        attributes = {a.strip().split("=")[0].lower(): a.strip() for a in cookie.split(";")[1:]}
        assert {"httponly", "samesite", "path", "max-age"} <= set(attributes)
        assert attributes["samesite"].lower() == "samesite=strict"
        assert attributes["path"] == "Path=/"
        assert "secure" not in attributes  # plain HTTP on loopback; https base_url adds it
        value = cookie.split(";")[0].split("=", 1)[1]
        assert TOKEN not in value and TOKEN[:12] not in value
        assert re.fullmatch(r"v1\.\d+\.[A-Za-z0-9_-]+\.[0-9a-f]{64}", value)

        page = http.get("/")
        assert page.status_code == 200
        assert page.headers["content-type"] == "text/html; charset=utf-8"
        assert SEED_ACTOR in page.text and "2026-11-30" in page.text and "20 days" in page.text
        assert page.headers["cache-control"] == "no-store"
        for name, expected in HEADERS.items():
            assert page.headers[name] == expected
        csp = page.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert "<script>" not in page.text and "style=" not in page.text  # nothing inline

        # A forged or tampered cookie is no session.
        mac = value.rsplit(".", 1)[1]
        for forged in (value[:-1] + ("0" if value[-1] != "0" else "1"), f"v1.1.x.{mac}", TOKEN, ""):
            with client(server) as other:
                other.cookies.set(COOKIE, forged)
                assert other.get("/").status_code == 401, forged

        # Signing out ends the session in this browser.
        out = http.post("/logout", data={"csrf": csrf_of(page.text)})
        assert out.status_code == 303 and "Max-Age=0" in out.headers["set-cookie"]
        assert http.get("/").status_code == 401
    log = server.log()
    assert TOKEN not in log and value not in log
    assert "/login?[query]" in log


def test_forms_need_the_session_csrf_token(cli: CLI, seed: Path) -> None:
    ingest(cli, seed)
    oid = only_id(cli, SEED_ACTOR)
    with page_server(cli) as server, client(server) as http, client(server) as other:
        sign_in(http)
        sign_in(other)
        page = http.get(f"/o/{oid}")
        assert page.status_code == 200
        mine, theirs = csrf_of(page.text), csrf_of(other.get(f"/o/{oid}").text)
        assert mine != theirs  # per session

        for data in ({}, {"csrf": ""}, {"csrf": "0" * 64}, {"csrf": theirs}):
            refused = http.post(f"/o/{oid}/done", data=data)
            assert refused.status_code == 403, data
        assert (
            http.post(
                f"/o/{oid}/done", content=b"{}", headers={"Content-Type": "application/json"}
            ).status_code
            == 415
        )
        assert _show(cli, oid)["status"] == "open"
        with client(server) as anonymous:
            assert anonymous.post(f"/o/{oid}/done", data={"csrf": mine}).status_code == 401

        done = http.post(f"/o/{oid}/done", data={"csrf": mine, "on": "2026-11-09", "reason": "filed"})
        assert done.status_code == 303 and done.headers["location"] == f"/o/{oid}?changed=done"
        after = http.get(done.headers["location"])
        assert "Marked done." in after.text and 'id="status">done<' in after.text
    shown = _show(cli, oid)
    assert shown["status"] == "done" and shown["completed_on"] == "2026-11-09"
    [event] = [h for h in shown["history"] if h["action"] == "status"]
    assert (event["who"], event["old"], event["new"], event["reason"]) == ("web", "open", "done", "filed")


def test_bearer_clients_need_no_cookie_and_no_csrf(cli: CLI, seed: Path) -> None:
    ingest(cli, seed)
    oid = only_id(cli, SEED_ACTOR)
    bearer = {"Authorization": f"Bearer {TOKEN}"}
    with page_server(cli) as server, client(server) as http:
        assert http.get("/", headers={"Authorization": "Bearer nope"}).status_code == 401
        assert http.get("/", headers={"Authorization": f"Basic {TOKEN}"}).status_code == 401
        page = http.get("/", headers=bearer)
        assert page.status_code == 200 and SEED_ACTOR in page.text
        assert "set-cookie" not in page.headers and not http.cookies

        moved = http.post(
            f"/o/{oid}/due", data={"due": "2026-12-14", "reason": "agency extension"}, headers=bearer
        )
        assert moved.status_code == 303
        assert "Due date set." in http.get(moved.headers["location"], headers=bearer).text
        no_reason = http.post(f"/o/{oid}/due", data={"due": "2026-12-15"}, headers=bearer)
        assert no_reason.status_code == 400 and "Reason" in no_reason.text
        bad_date = http.post(f"/o/{oid}/due", data={"due": "14/12/2026", "reason": "x"}, headers=bearer)
        assert bad_date.status_code == 400 and "not a date" in bad_date.text
        assert _show(cli, oid)["due_date"] == "2026-12-14"

        back = http.post(
            f"/o/{oid}/due", data={"computed": "1", "reason": "extension withdrawn"}, headers=bearer
        )
        assert back.status_code == 303 and back.headers["location"].endswith("changed=computed")
        assert http.post("/o/nosuchid/done", data={}, headers=bearer).status_code == 404
        assert http.post(f"/o/{oid}/explode", data={}, headers=bearer).status_code == 404
    shown = _show(cli, oid)
    assert shown["due_date"] == "2026-11-30" and shown["override"] is None
    assert [h["who"] for h in shown["history"] if h["action"] == "override"] == ["web", "web"]


def test_document_text_is_escaped_everywhere(cli: CLI, seed: Path, tmp_path: Path) -> None:
    ingest(cli, seed, write_hostile(tmp_path / "docs"))
    oid = only_id(cli, "Secretary of Commerce")
    with page_server(cli) as server, client(server) as http:
        sign_in(http)
        pages = {
            "list": http.get("/"),
            "timeline": http.get("/", params={"view": "timeline", "status": "all"}),
            "search": http.get("/", params={"q": "pwned <script>"}),
            "detail": http.get(f"/o/{oid}"),
        }
        for name, page in pages.items():
            assert page.status_code == 200, name
            body = page.text
            assert "window.__pwned" in body, name  # the text is there ...
            assert "<script>window" not in body and "<img" not in body, name  # ... but never as markup
            assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in body, name
            assert 'href="javascript:' not in body.lower(), name
        detail = pages["detail"].text
        assert "&lt;script&gt;window.__pwned = 2&lt;/script&gt;" in detail  # the title
        assert "&lt;img src=x onerror=&#34;window.__pwned=3&#34;&gt;" in detail
        assert HOSTILE_SCRIPT not in detail and HOSTILE_TITLE_SCRIPT not in detail
        # Escaped in a query string reflected into the page too.
        reflected = http.get("/", params={"actor": '"><script>alert(1)</script>'}).text
        assert "<script>alert" not in reflected and "&#34;&gt;&lt;script&gt;" in reflected


def test_filters_search_and_timeline(cli: CLI, seed: Path, tmp_path: Path) -> None:
    ingest(cli, seed, write_hostile(tmp_path / "docs"))
    with page_server(cli) as server, client(server) as http:
        sign_in(http)

        def rows(**params: str) -> list[str]:
            page = http.get("/", params=params)
            assert page.status_code == 200, page.text
            return re.findall(r'<a href="/o/[a-z0-9]+"><span class="actor">([^<]+)</span>', page.text)

        assert rows() == ["Secretary of Commerce", SEED_ACTOR]  # soonest (overdue) first
        assert rows(actor="homeland") == [SEED_ACTOR]
        assert rows(instrument="eo 14411") == [SEED_ACTOR]
        assert rows(q="IMPORTER-of-record") == [SEED_ACTOR]
        assert rows(q="harbor quoted") == ["Secretary of Commerce"]  # words of the quote
        assert rows(q="importer harbor") == []
        assert rows(due_after="2026-08-01", due_before="2026-12-31") == [SEED_ACTOR]
        assert rows(status="done") == []
        assert rows(tag="none-such") == []
        overdue = http.get("/").text
        assert overdue.count('<tr class="overdue">') == 1 and "132 days overdue" in overdue

        timeline = http.get("/", params={"view": "timeline"}).text
        assert re.findall(r'<h2 id="month-[^"]+">([^<]+)<', timeline) == ["July 2026 ", "November 2026 "]

        bad = http.get("/", params={"due_after": "soon", "status": "later"})
        assert bad.status_code == 400
        assert "Due from: not a date" in bad.text and "Status: choose one of" in bad.text


def test_feeds_page_creates_shows_once_and_revokes(cli: CLI, seed: Path) -> None:
    ingest(cli, seed)
    oid = only_id(cli, SEED_ACTOR)
    with page_server(cli) as server, client(server) as http:
        sign_in(http)
        page = http.get("/feeds")
        assert page.status_code == 200 and "No feeds yet." in page.text
        csrf = csrf_of(page.text)
        assert http.post("/feeds", data={"name": "Open", "csrf": "bad"}).status_code == 403

        made = http.post("/feeds", data={"csrf": csrf, "name": "Open <b>duties</b>", "status": "open"})
        assert made.status_code == 200 and made.headers["cache-control"] == "no-store"
        url = re.search(r'id="feed-url" type="text" readonly value="([^"]+)"', made.text).group(1)
        token = url.rsplit("/", 1)[1].removesuffix(".ics")
        assert url == f"{server.base}/feeds/{token}.ics"
        assert f'href="webcal://{url.split("://", 1)[1]}"' in made.text
        google = "https://calendar.google.com/calendar/r?cid=webcal%3A%2F%2F127.0.0.1%3A"
        assert google in made.text and token in made.text.split(google, 1)[1].split('"', 1)[0]
        assert "Open &lt;b&gt;duties&lt;/b&gt;" in made.text

        assert token not in http.get("/feeds").text  # shown once
        feed = httpx.get(url, timeout=10, trust_env=False)
        assert feed.status_code == 200 and f"UID:{oid}@".encode() in feed.content

        taken = http.post("/feeds", data={"csrf": csrf, "name": "Open <b>duties</b>"})
        assert taken.status_code == 400 and "choose another" in taken.text
        assert http.post("/feeds", data={"csrf": csrf, "name": "x", "due_after": "no"}).status_code == 400

        revoked = http.post("/feeds/revoke", data={"csrf": csrf, "name": "Open <b>duties</b>"})
        assert revoked.status_code == 303 and revoked.headers["location"] == "/feeds?revoked=1"
        assert "Feed revoked" in http.get("/feeds?revoked=1").text
        assert httpx.get(url, timeout=10, trust_env=False).status_code == 404
        assert http.post("/feeds/revoke", data={"csrf": csrf, "name": "none"}).status_code == 404
    assert token not in server.log()


@pytest.mark.parametrize("path", ["/o/abc", "/o/abc/done", "/feeds/revoke", "/logout"])
def test_posts_without_a_session_are_refused(sqlite_cli: CLI, path: str) -> None:
    with page_server(sqlite_cli) as server, client(server) as http:
        r = http.post(path, data={"csrf": "x"})
        assert r.status_code in (401, 405)
        if path != "/o/abc":
            assert r.status_code == 401
