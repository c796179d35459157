"""Getting document bytes: files, folders and URLs given on the command line or polled.

Layer 3 (I/O). Returns raw bytes with provenance; parsing documents belongs to `extract.readers`.
Polled sources (RSS/Atom feeds, Federal Register documents-search answers) are unpacked here into
one `Loaded` per document; conditional requests (ETag, If-Modified-Since) make an unchanged
source cost one 304. Imports nothing from service or cli.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from tracker import __version__
from tracker.errors import BadInput, NetworkError, TrackerError

#: Files larger than this are refused before they are read (a 200 MB upload is a mistake).
MAX_BYTES = 50 * 1024 * 1024
DOCUMENT_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".json", ".pdf", ".xml")
SIDECAR_SUFFIX = ".meta.json"


@dataclass(frozen=True, slots=True)
class Loaded:
    source: str  # as given by the user (path or URL)
    data: bytes
    sidecar: bytes | None = None
    url: str | None = None
    content_type: str | None = None
    fmt: str | None = None  # reader format when the bytes are not what the source's name suggests


def is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


def sidecar_for(path: Path) -> Path:
    return path.with_name(path.name[: -len(path.suffix)] + SIDECAR_SUFFIX) if path.suffix else path


def expand(paths: list[str]) -> Iterator[str]:
    """Folders become the documents inside them (sorted, recursive); sidecars are not documents."""
    for given in paths:
        p = Path(given)
        if not is_url(given) and p.is_dir():
            found = False
            for child in sorted(p.rglob("*")):
                name = child.name
                if child.is_file() and name.endswith(DOCUMENT_SUFFIXES) and not name.endswith(SIDECAR_SUFFIX):
                    found = True
                    yield str(child)
            if not found:
                yield given  # `load` reports it: a folder with no documents is a mistake, not success
        else:
            yield given


def load(given: str, *, timeout: float = 30.0) -> Loaded:
    if is_url(given):
        return fetch(given, timeout=timeout)
    path = Path(given)
    try:
        data = read_limited(path, given)
    except FileNotFoundError:
        raise BadInput("no such file", where=given) from None
    except IsADirectoryError:
        raise BadInput("is a folder with no documents", where=given) from None
    except PermissionError:
        raise BadInput("permission denied", where=given) from None
    except OSError as exc:
        raise BadInput(f"cannot read: {exc.strerror or exc}", where=given) from None
    sidecar = None
    side = sidecar_for(path)
    if side != path and side.is_file():
        try:
            sidecar = read_limited(side, str(side))
        except OSError as exc:
            raise BadInput(f"cannot read sidecar: {exc.strerror or exc}", where=str(side)) from None
    return Loaded(source=given, data=data, sidecar=sidecar)


def read_limited(path: Path, where: str) -> bytes:
    """A file's bytes; over `MAX_BYTES` it is refused by its size, before a byte is read. A file that
    states no size (a pipe, /dev/zero, /proc) or grows while read is read up to the limit, no further."""
    with path.open("rb") as f:
        size = os.fstat(f.fileno()).st_size
        if size > MAX_BYTES:
            raise BadInput(f"file is {size / 1e6:.0f} MB; the limit is {MAX_BYTES / 1e6:.0f} MB", where=where)
        data = f.read(size + 1) if size else b""
        if not size or len(data) > size:
            data += f.read(MAX_BYTES + 1 - len(data))
    if len(data) > MAX_BYTES:
        raise BadInput(f"is larger than the limit of {MAX_BYTES / 1e6:.0f} MB", where=where)
    return data


def fetch(url: str, *, timeout: float = 30.0, headers: dict[str, str] | None = None) -> Loaded:
    with Fetcher(timeout=timeout) as fetcher:
        got = fetcher.get(url, headers=headers)
    return Loaded(source=url, data=got.data, url=url, content_type=got.content_type)


# --- polling ----------------------------------------------------------------------------------

SOURCE_KINDS = ("folder", "file", "url", "feed", "federal_register")
USER_AGENT = f"regulatory-deadline-tracker/{__version__}"
_FEED_ROOT = re.compile(rb"<(?:rss|feed|rdf:RDF)\b", re.IGNORECASE)
#: A documents search (…/api/v1/documents.json?conditions…) or several documents by number (a,b.json).
_FR_SEARCH = re.compile(r"/api/v1/documents(?:\.json)?/?$|/api/v1/documents/[^/]*,[^/]*$")
_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")
#: Where a Federal Register search result keeps its text, in order of preference: the reader's key.
FR_TEXT_URLS = (
    ("body_html_url", "body_html"),
    ("raw_text_url", "raw_text"),
    ("full_text_xml_url", "full_text"),
)
FR_KEEP = (
    "document_number", "title", "type", "subtype", "abstract", "dates", "publication_date", "signing_date",
    "effective_on", "executive_order_number", "proclamation_number", "html_url", "pdf_url", "agencies",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Fetched:
    status: int  # 200 or 304
    data: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None


class Fetcher:
    """One HTTP client for a run of requests (connection reuse), with size and time limits.

    HTTP 4xx is the source's fault (`BadInput`, exit 4); 5xx, timeouts and refused connections
    are the network's (`NetworkError`, exit 7).
    """

    def __init__(self, *, timeout: float = 30.0) -> None:
        import httpx

        self._client = httpx.Client(
            timeout=timeout, follow_redirects=True, headers={"User-Agent": USER_AGENT}
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._client.close()

    def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Fetched:
        import httpx

        send = dict(headers or {})
        if etag:
            send["If-None-Match"] = etag
        if last_modified:
            send["If-Modified-Since"] = last_modified
        try:
            with self._client.stream("GET", url, headers=send) as resp:
                if resp.status_code == 304:
                    return Fetched(304, etag=resp.headers.get("etag") or etag, last_modified=last_modified)
                if resp.status_code >= 500:
                    raise NetworkError(f"HTTP {resp.status_code} from the server", where=url)
                if resp.status_code >= 400:
                    raise BadInput(f"HTTP {resp.status_code}", where=url)
                chunks, total = [], 0
                for chunk in resp.iter_bytes():
                    total += len(chunk)
                    if total > MAX_BYTES:
                        raise BadInput(f"response larger than {MAX_BYTES / 1e6:.0f} MB", where=url)
                    chunks.append(chunk)
                return Fetched(
                    resp.status_code,
                    b"".join(chunks),
                    etag=resp.headers.get("etag"),
                    last_modified=resp.headers.get("last-modified"),
                    content_type=resp.headers.get("content-type"),
                )
        except httpx.HTTPError as exc:
            reason = " ".join(str(exc).split()) or type(exc).__name__
            raise NetworkError(f"cannot fetch: {reason}", where=url) from None


def sniff_kind(data: bytes, content_type: str | None = None) -> str:
    """feed, federal_register or url, from a fetched answer."""
    ctype = (content_type or "").split(";")[0].strip().lower()
    if ctype in _FEED_TYPES or _FEED_ROOT.search(data[:4096]):
        return "feed"
    head = data[:4096].lstrip()
    if head.startswith(b"{") and b'"results"' in data[:65536] and b'"document_number"' in data[:65536]:
        return "federal_register"
    return "url"


def detect_kind(location: str, fetcher: Fetcher | None = None) -> str:
    """folder or file for a path; for a URL: federal_register for a documents search (path ending in
    /api/v1/documents or /api/v1/documents.json), url for one document of that API, feed for a
    .rss/.atom/…/feed address, else whatever the answer to one GET looks like."""
    if not is_url(location):
        path = Path(location)
        if path.is_dir():
            return "folder"
        if path.is_file():
            return "file"
        raise BadInput("no such file or folder", where=location)
    path_part = urlsplit(location).path.lower()
    if _FR_SEARCH.search(path_part):
        return "federal_register"
    if "/api/v1/documents/" in path_part:
        return "url"  # one document by number: the reader knows the API's document JSON
    if path_part.endswith((".rss", ".atom")) or path_part.rstrip("/").endswith(("/feed", "/rss", "/atom")):
        return "feed"
    if fetcher is None:
        with Fetcher() as own:
            got = own.get(location)
    else:
        got = fetcher.get(location)
    return sniff_kind(got.data, got.content_type)


@dataclass
class Polled:
    """What one poll of an HTTP source brought: new documents, per-document problems, validators."""

    not_modified: bool = False
    etag: str | None = None
    last_modified: str | None = None
    documents: list[Loaded] = field(default_factory=list)
    errors: list[TrackerError] = field(default_factory=list)


Known = Callable[[str], bool]


def poll(
    fetcher: Fetcher,
    kind: str,
    location: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    known: Known = lambda _source: False,
) -> Polled:
    """Fetch an HTTP source (url, feed, federal_register) conditionally and unpack its documents.

    `known(source)` says a document is already stored; feeds and searches skip fetching its text
    again. Raises for the source itself (unreachable, garbage); a document that fails inside a good
    source is reported in `errors` and the rest still arrive.
    """
    got = fetcher.get(location, etag=etag, last_modified=last_modified)
    out = Polled(not_modified=got.status == 304, etag=got.etag, last_modified=got.last_modified)
    if out.not_modified:
        return out
    if kind == "url":
        out.documents.append(Loaded(location, got.data, url=location, content_type=got.content_type))
    elif kind == "feed":
        _unpack_feed(fetcher, location, got.data, known, out)
    elif kind == "federal_register":
        _unpack_federal_register(fetcher, location, got.data, known, out)
    else:
        raise BadInput(f"cannot poll a source of kind {kind!r} over HTTP", where=location)
    return out


def _entry_date(entry: Any) -> str | None:
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    return dt.date(stamp.tm_year, stamp.tm_mon, stamp.tm_mday).isoformat() if stamp else None


def _unpack_feed(fetcher: Fetcher, where: str, data: bytes, known: Known, out: Polled) -> None:
    """Each entry with content becomes an article; an entry with only a link is fetched."""
    import feedparser

    parsed = feedparser.parse(data)  # bytes, never a string: a string would be taken for a URL
    if not parsed.get("version") and not parsed.entries:
        raise BadInput("not an RSS or Atom feed", where=where)
    for entry in parsed.entries:
        link = entry.get("link")
        content = "".join(c.get("value", "") for c in entry.get("content") or [])
        if content or (entry.get("summary") and not link):
            article = {
                "title": entry.get("title"),
                "summary": None if content else entry.get("summary"),
                "body_html": content or None,
                "url": link,
                "published_at": _entry_date(entry),
            }
            article = {k: v for k, v in article.items() if v}
            source = link or f"{where}#{entry.get('id') or entry.get('title') or len(out.documents)}"
            data = json.dumps(article, ensure_ascii=False).encode("utf-8")
            out.documents.append(Loaded(source, data, url=link, fmt="json"))
        elif link and not is_url(link):
            out.errors.append(BadInput(f"entry link is not an http(s) address: {link[:80]}", where=where))
        elif link and not known(link):
            try:
                got = fetcher.get(link)
                out.documents.append(Loaded(link, got.data, url=link, content_type=got.content_type))
            except TrackerError as exc:
                out.errors.append(exc)


def _unpack_federal_register(fetcher: Fetcher, where: str, data: bytes, known: Known, out: Polled) -> None:
    """A documents-search answer: each result not yet stored, with its full text fetched."""
    try:
        answer = json.loads(data)
    except (UnicodeDecodeError, ValueError):
        raise BadInput("not JSON; expected a Federal Register documents-search answer", where=where) from None
    results = answer.get("results") if isinstance(answer, dict) else None
    if results is None and isinstance(answer, dict) and "document_number" in answer:
        results = [answer]  # a single document where a search was expected
    if not isinstance(results, list):
        raise BadInput("no results list; expected a Federal Register documents-search answer", where=where)
    for i, result in enumerate(results):
        number = result.get("document_number") if isinstance(result, dict) else None
        if not isinstance(number, str) or not number.strip():
            out.errors.append(BadInput(f"result {i} has no document_number", where=where))
            continue
        html_url = result.get("html_url") if isinstance(result.get("html_url"), str) else None
        source = html_url or f"{where}#{number}"
        if known(source):
            continue
        doc = {k: result[k] for k in FR_KEEP if result.get(k) is not None}
        try:
            key, text = _fr_text(fetcher, result)
        except TrackerError as exc:
            out.errors.append(exc)
            continue
        if key:
            doc[key] = text
        payload = json.dumps(doc, ensure_ascii=False).encode("utf-8")
        out.documents.append(Loaded(source, payload, url=html_url, fmt="fr_json"))


def _fr_text(fetcher: Fetcher, result: dict[str, Any]) -> tuple[str | None, str]:
    for url_key, text_key in FR_TEXT_URLS:
        url = result.get(url_key)
        if isinstance(url, str) and is_url(url):
            got = fetcher.get(url)
            text = got.data.decode("utf-8", errors="replace")
            return text_key, _xml_text(text, url) if text_key == "full_text" else text
    return None, ""  # title and abstract alone still make a (short) document


def _xml_text(text: str, where: str) -> str:
    import xml.etree.ElementTree as ET

    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise BadInput(f"full text XML does not parse: {exc}", where=where) from None
    return "\n".join(t.strip() for t in root.itertext() if t.strip())


def user_name() -> str:
    return os.environ.get("USER") or "tracker"
