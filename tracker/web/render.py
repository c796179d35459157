"""Templates and static files of the pages: Jinja2 with autoescape on, assets served by name.

Layer 5 (part of tracker.web). Every string from a document reaches the page through autoescaped
`{{ }}`; no template marks document text safe. Assets get a content hash in their URL, so they can
be cached for good and still change with a new version.
"""

from __future__ import annotations

import hashlib
import importlib.resources
from dataclasses import dataclass
from typing import Any

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from tracker.web.http import not_found

PAGE_CACHE_CONTROL = "no-store"  # pages show private data and CSRF tokens
_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}


@dataclass(frozen=True, slots=True)
class Asset:
    body: bytes
    media_type: str
    version: str


def _assets() -> dict[str, Asset]:
    out = {}
    for entry in importlib.resources.files("tracker").joinpath("web_static").iterdir():
        suffix = "." + entry.name.rpartition(".")[2]
        if entry.is_file() and suffix in _TYPES:
            body = entry.read_bytes()
            out[entry.name] = Asset(body, _TYPES[suffix], hashlib.sha256(body).hexdigest()[:12])
    return out


class Pages:
    """The template environment and the static assets, loaded once per application."""

    def __init__(self) -> None:
        self.assets = _assets()
        self.env = jinja2.Environment(
            loader=jinja2.PackageLoader("tracker", "web_templates"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.globals["static"] = self.static_url

    def static_url(self, name: str) -> str:
        return f"/static/{name}?v={self.assets[name].version}"

    def render(self, name: str, status_code: int = 200, **context: Any) -> Response:
        context.setdefault("session", None)
        context.setdefault("nav", "")
        body = self.env.get_template(name).render(**context)
        return HTMLResponse(body, status_code, headers={"Cache-Control": PAGE_CACHE_CONTROL})

    def message(self, status_code: int, title: str, text: str, **context: Any) -> Response:
        """A short page that says what went wrong and what to do."""
        return self.render("message.html", status_code, title=title, text=text, **context)

    def asset(self, request: Request) -> Response:
        found = self.assets.get(request.path_params["name"])
        if found is None:
            return not_found()
        versioned = request.query_params.get("v") == found.version
        cache = "public, max-age=31536000, immutable" if versioned else "no-cache"
        return Response(found.body, media_type=found.media_type, headers={"Cache-Control": cache})
