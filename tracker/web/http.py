"""What every route shares: plain error answers, security headers, and the redacting access log.

Layer 5 (part of tracker.web). A feed token is a password in a URL and the sign-in link carries the
access token: no log line carries either (paths are redacted, query strings dropped) and no error
page shows a traceback.
"""

from __future__ import annotations

import logging
import re
import time

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

ACCESS_LOG = logging.getLogger("tracker.web.access")
LOG = logging.getLogger("tracker.web")

#: Sent with every answer. No inline script or style is allowed anywhere: the pages load one
#: stylesheet and one script from /static, and document text never reaches a script context.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",  # feed tokens and the sign-in token travel in URLs
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def not_found() -> Response:
    return PlainTextResponse("Not Found\n", status_code=404, headers={"Cache-Control": "no-store"})


def not_found_handler(request: Request, exc: Exception) -> Response:
    return not_found()


def method_not_allowed_handler(request: Request, exc: Exception) -> Response:
    allow = getattr(exc, "headers", None) or {}
    return PlainTextResponse("Method Not Allowed\n", status_code=405, headers=dict(allow))


class SecurityHeaders:
    """Adds SECURITY_HEADERS to every response that does not set them itself."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, with_headers)


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
