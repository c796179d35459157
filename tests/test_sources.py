"""Polling sources against a real HTTP server on loopback: an Atom feed, a Federal Register-shaped
documents search, conditional requests (ETag → 304), and broken sources that must not stop the rest.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlmodel import select

from tests.conftest import CLI, DATA
from tests.test_reminders_support import dispose_trackers, make_tracker, write_config
from tracker import sources
from tracker.errors import BadInput, UsageError
from tracker.service import sources as service
from tracker.store.tables import DocumentRow

FIXTURES = DATA / "sources"


@dataclass
class Route:
    body: bytes
    content_type: str = "text/plain; charset=utf-8"
    status: int = 200
    etag: str | None = None
    last_modified: str | None = None


@dataclass
class Site:
    """A small web server: routes by path (query ignored), counts requests, honours ETag and
    If-Modified-Since with 304."""

    base: str = ""
    routes: dict[str, Route] = field(default_factory=dict)
    hits: Counter[str] = field(default_factory=Counter)
    not_modified: Counter[str] = field(default_factory=Counter)

    def fixture(self, path: str, name: str, content_type: str, **kw: object) -> None:
        text = (FIXTURES / name).read_text(encoding="utf-8").replace("{base}", self.base)
        self.routes[path] = Route(text.encode("utf-8"), content_type, **kw)  # type: ignore[arg-type]


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            site.hits[path] += 1
            route = site.routes.get(path)
            if route is None:
                self.send_error(404)
                return
            fresh = (route.etag and self.headers.get("If-None-Match") == route.etag) or (
                route.last_modified and self.headers.get("If-Modified-Since") == route.last_modified
            )
            if fresh:
                site.not_modified[path] += 1
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(route.status)
            self.send_header("Content-Type", route.content_type)
            self.send_header("Content-Length", str(len(route.body)))
            if route.etag:
                self.send_header("ETag", route.etag)
            if route.last_modified:
                self.send_header("Last-Modified", route.last_modified)
            self.end_headers()
            self.wfile.write(route.body)

        def log_message(self, format: str, *args: object) -> None:  # silence the access log
            pass

    return Handler


@pytest.fixture
def site() -> Iterator[Site]:
    s = Site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(s))
    s.base = f"http://127.0.0.1:{server.server_address[1]}"
    s.fixture("/feeds/notices.atom", "notices.atom", "application/atom+xml", etag='"feed-v1"')
    s.fixture("/notices/berth-inspections.html", "berth-inspections.html", "text/html; charset=utf-8")
    s.fixture("/api/v1/documents.json", "fr-search.json", "application/json",
              last_modified="Sat, 05 Sep 2026 10:00:00 GMT")  # fmt: skip
    s.fixture("/fr/2026-90001.html", "fr-2026-90001.html", "text/html; charset=utf-8")
    s.fixture("/fr/2026-90002.txt", "fr-2026-90002.txt", "text/plain; charset=utf-8")
    s.routes["/garbage.json"] = Route(b"\x00\x01<<< this is not json", "application/json")
    s.routes["/broken"] = Route(b"oops", status=503)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield s
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture
def tracker(db_url: str, tmp_path: Path) -> Iterator[object]:
    t = make_tracker(db_url, write_config(tmp_path / "tracker.toml", 25))
    yield t
    dispose_trackers()


def _documents(tracker: object) -> list[DocumentRow]:
    with tracker.repo() as repo:  # type: ignore[attr-defined]
        return list(repo.session.exec(select(DocumentRow)).all())


def test_poll_ingests_feed_and_search_then_costs_one_304_each(site: Site, tracker: object) -> None:
    feed = site.base + "/feeds/notices.atom"
    search = site.base + "/api/v1/documents.json?conditions[type][]=PRESDOCU&order=newest"
    info1, created = service.add(tracker, feed)  # type: ignore[arg-type]
    assert created and info1.kind == "feed"
    info2, _ = service.add(tracker, search)  # type: ignore[arg-type]
    assert info2.kind == "federal_register"

    first = service.poll(tracker)  # type: ignore[arg-type]
    assert [(r.outcome, r.documents_new, r.error) for r in first.results] == [
        ("polled", 2, None),
        ("polled", 2, None),
    ]
    assert sum(r.obligations_new for r in first.results) >= 1
    docs = {d.source: d for d in _documents(tracker)}
    fr_doc = docs[site.base + "/documents/2026/09/04/2026-90001/strengthening-inland-waterway-resilience"]
    assert fr_doc.instrument == "EO 14999" and fr_doc.kind == "executive_order"
    assert site.base + "/notices/dredging-plan" in docs
    assert site.base + "/notices/berth-inspections.html" in docs
    # the body was preferred to the raw text
    assert site.hits["/fr/2026-90001.html"] == 1 and site.hits["/fr/2026-90001.txt"] == 0

    second = service.poll(tracker)  # type: ignore[arg-type]
    assert [r.outcome for r in second.results] == ["unchanged", "unchanged"]
    assert site.not_modified["/feeds/notices.atom"] == 1
    assert site.not_modified["/api/v1/documents.json"] == 1
    assert site.hits["/fr/2026-90002.txt"] == 1 and site.hits["/notices/berth-inspections.html"] == 1
    listed = {i.location: i for i in service.list_sources(tracker)}  # type: ignore[arg-type]
    assert listed[feed].etag == '"feed-v1"' and listed[feed].last_polled_at is not None
    assert listed[search].last_modified == "Sat, 05 Sep 2026 10:00:00 GMT"


def test_changed_search_fetches_only_new_documents(site: Site, tracker: object) -> None:
    search = site.base + "/api/v1/documents.json"
    service.add(tracker, search)  # type: ignore[arg-type]
    service.poll(tracker)  # type: ignore[arg-type]
    answer = json.loads(site.routes["/api/v1/documents.json"].body)
    new = {
        "document_number": "2026-90003",
        "html_url": site.base + "/documents/2026-90003",
        "title": "Another",
    }
    answer["results"].insert(0, {**answer["results"][1], **new})
    site.routes["/api/v1/documents.json"] = Route(
        json.dumps(answer).encode(), "application/json", etag='"v2"'
    )
    again = service.poll(tracker)  # type: ignore[arg-type]
    assert again.results[0].documents_new == 1
    assert site.hits["/fr/2026-90001.html"] == 1  # stored documents are not fetched again
    assert site.hits["/fr/2026-90002.txt"] == 2  # the new result shares that text URL


def test_broken_sources_are_reported_and_the_others_still_ingest(site: Site, tracker: object) -> None:
    service.add(tracker, site.base + "/garbage.json", kind="federal_register")  # type: ignore[arg-type]
    service.add(tracker, site.base + "/broken", kind="url")  # type: ignore[arg-type]
    service.add(tracker, site.base + "/feeds/notices.atom")  # type: ignore[arg-type]
    service.add(tracker, site.base + "/fr/2026-90002.txt", kind="feed")  # type: ignore[arg-type]
    report = service.poll(tracker)  # type: ignore[arg-type]
    by_location = {r.location.removeprefix(site.base): r for r in report.results}
    assert by_location["/feeds/notices.atom"].documents_new == 2
    assert (
        by_location["/garbage.json"].error == "not JSON; expected a Federal Register documents-search answer"
    )
    assert by_location["/broken"].error == "HTTP 503 from the server"
    assert by_location["/fr/2026-90002.txt"].error == "not an RSS or Atom feed"
    assert len(report.failed) == 3
    assert report.exit_code == 7  # a network failure outranks bad input
    errors = {i.location.removeprefix(site.base): i.last_error for i in service.list_sources(tracker)}  # type: ignore[arg-type]
    assert errors["/feeds/notices.atom"] is None
    assert errors["/garbage.json"] is not None and errors["/broken"] is not None


def test_a_failed_document_keeps_the_source_unvalidated(site: Site, tracker: object) -> None:
    site.routes["/api/v1/documents.json"].etag = '"search-v1"'
    del site.routes["/fr/2026-90002.txt"]  # one result's text is missing (404)
    search = site.base + "/api/v1/documents.json"
    service.add(tracker, search)  # type: ignore[arg-type]
    first = service.poll(tracker).results[0]  # type: ignore[arg-type]
    assert first.documents_new == 1 and first.error is not None and "HTTP 404" in first.error
    assert service.list_sources(tracker)[0].etag is None  # type: ignore[arg-type]
    site.fixture("/fr/2026-90002.txt", "fr-2026-90002.txt", "text/plain; charset=utf-8")
    second = service.poll(tracker).results[0]  # type: ignore[arg-type]
    assert (second.outcome, second.documents_new, second.error) == ("polled", 1, None)
    assert site.hits["/fr/2026-90001.html"] == 1
    assert service.list_sources(tracker)[0].etag == '"search-v1"'  # type: ignore[arg-type]


def test_folder_and_file_sources(tracker: object, tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "order.txt").write_text(
        "Within 30 days of the date of this order, the Secretary of Energy shall submit a report.\n",
        encoding="utf-8",
    )
    (folder / "order.meta.json").write_text(
        '{"issued": "2026-09-01", "kind": "executive_order"}', encoding="utf-8"
    )
    info, _ = service.add(tracker, str(folder))  # type: ignore[arg-type]
    assert info.kind == "folder" and Path(info.location).is_absolute()
    one = tmp_path / "single.txt"
    one.write_text("The Administrator shall issue guidance not later than March 1, 2027.\n", encoding="utf-8")
    assert service.add(tracker, str(one))[0].kind == "file"  # type: ignore[arg-type]
    first = service.poll(tracker)  # type: ignore[arg-type]
    assert [r.documents_new for r in first.results] == [1, 1]
    second = service.poll(tracker)  # type: ignore[arg-type]
    assert [(r.outcome, r.documents_new, r.error) for r in second.results] == [("polled", 0, None)] * 2


def test_add_is_idempotent_and_checks_its_input(tracker: object, tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text("text", encoding="utf-8")
    assert service.add(tracker, str(path))[1] is True  # type: ignore[arg-type]
    assert service.add(tracker, str(path))[1] is False  # type: ignore[arg-type]
    with pytest.raises(BadInput, match="no such file or folder"):
        service.add(tracker, str(tmp_path / "missing"))  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="unknown source kind"):
        service.add(tracker, str(path), kind="carrier-pigeon")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("location", "kind"),
    [
        (
            "https://www.federalregister.gov/api/v1/documents.json?conditions[agencies][]=x",
            "federal_register",
        ),
        ("https://example.org/api/v1/documents?per_page=20", "federal_register"),
        ("https://www.federalregister.gov/api/v1/documents/2026-12345.json", "url"),
        ("https://www.federalregister.gov/api/v1/documents/2026-12345,2026-12346.json", "federal_register"),
        ("https://example.org/news.rss", "feed"),
        ("https://example.org/notices.atom", "feed"),
        ("https://example.org/blog/feed/", "feed"),
    ],
)
def test_detect_kind_from_the_address(location: str, kind: str) -> None:
    assert sources.detect_kind(location) == kind  # no request is made for these


@pytest.mark.parametrize(
    ("body", "ctype", "kind"),
    [
        (b'<?xml version="1.0"?>\n<rss version="2.0"><channel/></rss>', "text/xml", "feed"),
        (b"<feed xmlns='http://www.w3.org/2005/Atom'/>", None, "feed"),
        (b"whatever", "application/atom+xml; charset=utf-8", "feed"),
        (b'{"count": 1, "results": [{"document_number": "2026-1"}]}', "application/json", "federal_register"),
        (b'{"document_number": "2026-1"}', "application/json", "url"),  # one document, not a search
        (b"<!DOCTYPE html><html><body>news</body></html>", "text/html", "url"),
    ],
)
def test_sniff_kind(body: bytes, ctype: str | None, kind: str) -> None:
    assert sources.sniff_kind(body, ctype) == kind


def test_add_probes_an_ambiguous_url(site: Site, tracker: object) -> None:
    site.routes["/latest"] = Route(site.routes["/feeds/notices.atom"].body, "application/atom+xml")
    assert service.add(tracker, site.base + "/latest")[0].kind == "feed"  # type: ignore[arg-type]
    assert service.add(tracker, site.base + "/notices/berth-inspections.html")[0].kind == "url"  # type: ignore[arg-type]


# --- the command line -------------------------------------------------------------------------


def test_cli_sources_and_poll(cli: CLI, site: Site, tmp_path: Path) -> None:
    r = cli("sources", "add", site.base + "/feeds/notices.atom")
    assert r.code == 0, r.err
    assert r.out.strip() == f"added: {site.base}/feeds/notices.atom (feed)"
    assert cli("sources", "add", site.base + "/feeds/notices.atom").out.startswith("already added")
    assert cli("sources", "add", site.base + "/garbage.json", "--kind", "federal_register").code == 0
    r = cli("poll")
    assert r.code == 4, r.err
    assert f"{site.base}/feeds/notices.atom: 2 new document(s)" in r.out
    assert r.err.splitlines() == [
        f"tracker: {site.base}/garbage.json: not JSON; expected a Federal Register documents-search answer"
    ]
    r = cli("sources", "list", "--json")
    assert r.code == 0
    rows = [json.loads(x) for x in r.out.splitlines()]
    assert [(x["kind"], x["last_error"] is None) for x in rows] == [
        ("feed", True),
        ("federal_register", False),
    ]
    assert all(x["last_polled"] for x in rows)
    r = cli("sources", "list")
    assert r.code == 0 and "federal_register" in r.out
    r = cli("poll", "--json")
    assert [json.loads(x)["outcome"] for x in r.out.splitlines()] == ["unchanged", "error"]
    r = cli("sources", "add", str(tmp_path / "nowhere"))
    assert r.code == 4 and r.err.strip().endswith("nowhere: no such file or folder")
