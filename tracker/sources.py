"""Getting document bytes: files, folders and URLs given on the command line or polled.

Layer 3 (I/O). Returns raw bytes with provenance; parsing belongs to `extract.readers`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tracker.errors import BadInput, NetworkError

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


def is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


def sidecar_for(path: Path) -> Path:
    return path.with_name(path.name[: -len(path.suffix)] + SIDECAR_SUFFIX) if path.suffix else path


def expand(paths: list[str]) -> Iterator[str]:
    """Folders become the documents inside them (sorted, recursive); sidecars are not documents."""
    for given in paths:
        p = Path(given)
        if not is_url(given) and p.is_dir():
            for child in sorted(p.rglob("*")):
                name = child.name
                if child.is_file() and name.endswith(DOCUMENT_SUFFIXES) and not name.endswith(SIDECAR_SUFFIX):
                    yield str(child)
        else:
            yield given


def load(given: str, *, timeout: float = 30.0) -> Loaded:
    if is_url(given):
        return fetch(given, timeout=timeout)
    path = Path(given)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise BadInput(f"file is {size / 1e6:.0f} MB; the limit is {MAX_BYTES / 1e6:.0f} MB", where=given)
        data = path.read_bytes()
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
            sidecar = side.read_bytes()
        except OSError as exc:
            raise BadInput(f"cannot read sidecar: {exc.strerror or exc}", where=str(side)) from None
    return Loaded(source=given, data=data, sidecar=sidecar)


def fetch(url: str, *, timeout: float = 30.0, headers: dict[str, str] | None = None) -> Loaded:
    import httpx

    try:
        with (
            httpx.Client(timeout=timeout, follow_redirects=True) as client,
            client.stream("GET", url, headers=headers or {}) as resp,
        ):
            if resp.status_code >= 400:
                raise BadInput(f"HTTP {resp.status_code}", where=url)
            chunks, total = [], 0
            for chunk in resp.iter_bytes():
                total += len(chunk)
                if total > MAX_BYTES:
                    raise BadInput(f"response larger than {MAX_BYTES / 1e6:.0f} MB", where=url)
                chunks.append(chunk)
            ctype = resp.headers.get("content-type")
    except httpx.HTTPError as exc:
        raise NetworkError(f"cannot fetch: {exc}", where=url) from None
    return Loaded(source=url, data=b"".join(chunks), url=url, content_type=ctype)


def user_name() -> str:
    return os.environ.get("USER") or "tracker"
