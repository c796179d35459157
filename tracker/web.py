"""HTTP entry point (Starlette, run by uvicorn): subscription feeds at GET /feeds/{token}.ics.

Layer 5: calls the service layer; never imports tracker.cli or tracker.scheduler. A feed token is a
password in a URL: no log line carries it (the access log redacts paths) and no error page shows
a traceback. HTML pages are to be added in their own section below the feed routes.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
import re
import sys
import time
import warnings
from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tracker.service import feeds as feed_service

if TYPE_CHECKING:
    from tracker.service import Tracker

ACCESS_LOG = logging.getLogger("tracker.web.access")
LOG = logging.getLogger("tracker.web")


def create_app(tracker: Tracker) -> Starlette:
    """The ASGI application over one configured tracker."""
    routes = [Route("/healthz", _healthz, methods=["GET"]), *feed_routes(tracker)]
    return Starlette(
        routes=routes,
        middleware=[Middleware(AccessLog)],
        exception_handlers={404: _not_found_handler, 405: _method_not_allowed_handler},
    )


def from_environment() -> Starlette:
    """Factory for uvicorn (`tracker serve` uses it): settings from TRACKER_* and TRACKER_CONFIG."""
    from tracker import config
    from tracker.service import Tracker

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        settings = config.load()
    for w in caught:
        LOG.warning("config: %s", w.message)
    tracker = Tracker(settings)
    tracker.engine  # noqa: B018  (connect and migrate before the first request, not during it)
    if not ACCESS_LOG.handlers:
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
        ACCESS_LOG.addHandler(handler)
        ACCESS_LOG.setLevel(logging.INFO)
        ACCESS_LOG.propagate = False
    return create_app(tracker)


def _healthz(request: Request) -> Response:
    return PlainTextResponse("ok\n")


# Feeds ---------------------------------------------------------------------------------------------
FEED_CACHE_CONTROL = "private, no-cache"  # revalidate every time; a shared cache must not keep it


def feed_routes(tracker: Tracker) -> list[Route]:
    def feed(request: Request) -> Response:
        # A sync endpoint: Starlette runs it in its thread pool, as the database calls block.
        rendered = feed_service.for_token(tracker, request.path_params["token"])
        if rendered is None:
            return not_found()  # unknown and revoked tokens get the very same answer
        return _conditional(request, rendered)

    return [Route("/feeds/{token}.ics", feed, methods=["GET"])]  # HEAD comes with GET


def _conditional(request: Request, rendered: feed_service.Rendered) -> Response:
    headers = {
        "ETag": rendered.etag,
        "Last-Modified": email.utils.format_datetime(rendered.last_modified, usegmt=True),
        "Cache-Control": FEED_CACHE_CONTROL,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
    }
    if _not_modified(request, rendered):
        return Response(status_code=304, headers=headers)
    return Response(rendered.body, media_type="text/calendar; charset=utf-8", headers=headers)


def _not_modified(request: Request, rendered: feed_service.Rendered) -> bool:
    """RFC 9110 §13.2.2: If-None-Match (weak comparison) decides; If-Modified-Since only without it."""
    inm = request.headers.get("if-none-match")
    if inm is not None:
        if inm.strip() == "*":
            return True
        tags = {t.strip().removeprefix("W/") for t in inm.split(",")}
        return rendered.etag in tags
    ims = request.headers.get("if-modified-since")
    if ims is None:
        return False
    try:
        since = email.utils.parsedate_to_datetime(ims)
    except (TypeError, ValueError, IndexError):
        return False  # an unreadable date is ignored, as the RFC asks
    if since.tzinfo is None:
        since = since.replace(tzinfo=dt.UTC)
    return rendered.last_modified <= since


# Answers shared by every route ---------------------------------------------------------------------
def not_found() -> Response:
    return PlainTextResponse("Not Found\n", status_code=404, headers={"Cache-Control": "no-store"})


def _not_found_handler(request: Request, exc: Exception) -> Response:
    return not_found()


def _method_not_allowed_handler(request: Request, exc: Exception) -> Response:
    allow = getattr(exc, "headers", None) or {}
    return PlainTextResponse("Method Not Allowed\n", status_code=405, headers=dict(allow))


# Access log and errors -----------------------------------------------------------------------------
_FEED_PATH = re.compile(r"(?i)(/feeds?/)[^/]*?(\.ics)?(?=/|$)")
_TOKEN_LIKE = re.compile(r"[A-Za-z0-9_-]{16,}")


def redact(path: str) -> str:
    """A request path fit for a log: feed tokens (and anything shaped like one) replaced."""
    path = _FEED_PATH.sub(lambda m: f"{m.group(1)}[redacted]{m.group(2) or ''}", path)
    return _TOKEN_LIKE.sub("[redacted]", path)


class AccessLog:
    """One line per request with the path redacted and no query string; a failure becomes a plain 500.

    Replaces uvicorn's access log (disabled by `tracker serve`), which would print tokens.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status, size, sent = 0, 0, False

        async def recording_send(message: Message) -> None:
            nonlocal status, size, sent
            if message["type"] == "http.response.start":
                status, sent = message["status"], True
            elif message["type"] == "http.response.body":
                size += len(message.get("body", b""))
            await send(message)

        path = redact(scope.get("path", ""))
        if scope.get("query_string"):
            path += "?[query]"
        try:
            await self.app(scope, receive, recording_send)
        except Exception as exc:
            # The traceback stays in the server's log (without the request's secrets), never the client's.
            LOG.error("%s %s failed: %s", scope.get("method"), path, type(exc).__name__, exc_info=exc)
            if not sent:
                await PlainTextResponse("Internal Server Error\n", status_code=500)(scope, receive, send)
            status = 500
        finally:
            client = scope.get("client") or ("-", 0)
            ACCESS_LOG.info(
                '%s "%s %s HTTP/%s" %d %d %.1fms',
                client[0],
                scope.get("method"),
                path,
                scope.get("http_version", "1.1"),
                status,
                size,
                (time.perf_counter() - started) * 1000,
            )
