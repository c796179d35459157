"""HTTP entry point (Starlette, run by uvicorn): subscription feeds, and the web page when enabled.

Layer 5: calls the service layer; never imports tracker.cli or tracker.scheduler. Feeds
(`GET /feeds/{token}.ics`) are always served. The pages (`/`, `/o/{id}`, `/feeds`, `/login`) exist
only when TRACKER_WEB__ACCESS_TOKEN is set; without it they answer 404 like any unknown path.

Modules: `http` (headers, access log, plain errors), `feed_routes`, `auth` (token, session cookie,
CSRF), `pages` and `feed_pages` (the HTML routes), `views` (what the pages show), `forms`, `render`.
"""

from __future__ import annotations

import logging
import sys
import warnings
from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from tracker.web.feed_routes import feed_routes
from tracker.web.http import (
    ACCESS_LOG,
    LOG,
    AccessLog,
    SecurityHeaders,
    method_not_allowed_handler,
    not_found,
    not_found_handler,
    redact,
)

if TYPE_CHECKING:
    from tracker.service import Tracker

__all__ = ["AccessLog", "create_app", "from_environment", "not_found", "redact"]


def create_app(tracker: Tracker) -> Starlette:
    """The ASGI application over one configured tracker."""
    routes: list[BaseRoute] = [Route("/healthz", _healthz, methods=["GET"]), *feed_routes(tracker)]
    routes += page_routes(tracker)
    return Starlette(
        routes=routes,
        middleware=[Middleware(SecurityHeaders), Middleware(AccessLog)],
        exception_handlers={404: not_found_handler, 405: method_not_allowed_handler},
    )


def page_routes(tracker: Tracker) -> list[BaseRoute]:
    """The HTML pages, or none when no access token is configured (the page is never open)."""
    secret = tracker.settings.web.access_token
    token = secret.get_secret_value() if secret is not None else ""
    if not token.strip():
        return []
    from tracker.web.auth import Guard
    from tracker.web.feed_pages import FeedPages
    from tracker.web.pages import Site
    from tracker.web.render import Pages

    secure = tracker.settings.feeds.base_url.lower().startswith("https://")
    site = Site(tracker, Guard(token, tracker.clock, secure=secure), Pages())
    return [*site.routes(), *FeedPages(site).routes()]


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
