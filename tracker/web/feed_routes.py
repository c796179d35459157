"""Subscription feeds over HTTP: GET /feeds/{token}.ics with ETag, Last-Modified and 304.

Layer 5 (part of tracker.web). Always served, whether or not the web page is on; a token is a
password in a URL, so unknown and revoked tokens get the very same answer as any unknown path.
"""

from __future__ import annotations

import datetime as dt
import email.utils
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tracker.service import feeds as feed_service
from tracker.web.http import not_found

if TYPE_CHECKING:
    from tracker.service import Tracker

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
