"""The feeds page: the user's private feeds, creating one (its address shown once, with one-click
subscribe links and a copy button) and revoking one.

Layer 5 (part of tracker.web), mounted with the other pages. The store keeps only a hash of each
token, so a feed's address can be shown only in the answer to the form that created it; that
answer is never cached and never redirected to (a URL with the token would land in history).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from tracker.errors import TrackerError
from tracker.service import feeds as feed_service
from tracker.web import views

if TYPE_CHECKING:
    from tracker.web.auth import Session
    from tracker.web.pages import Site


class FeedPages:
    def __init__(self, site: Site) -> None:
        self.site = site

    def routes(self) -> list[Route]:
        return [
            Route("/feeds", self.index, methods=["GET"]),
            Route("/feeds", self.create, methods=["POST"]),
            Route("/feeds/revoke", self.revoke, methods=["POST"]),
        ]

    def _page(
        self,
        session: Session,
        status_code: int = 200,
        *,
        created: feed_service.CreatedFeed | None = None,
        error: str | None = None,
        notice: str | None = None,
    ) -> Response:
        feeds = feed_service.list_feeds(self.site.tracker)
        links = None
        if created is not None:
            links = {"webcal": views.webcal(created.url), "google": views.google(created.url)}
        return self.site.pages.render(
            "feeds.html",
            status_code,
            session=session,
            nav="feeds",
            feeds=feeds,
            created=created,
            links=links,
            error=error,
            notice=notice,
            statuses=views.STATUSES,
        )

    def index(self, request: Request) -> Response:
        session = self.site.guard.session(request)
        if session is None:
            return self.site.sign_in_page()
        notice = "Feed revoked: its address now answers 404." if "revoked" in request.query_params else None
        return self._page(session, notice=notice)

    async def create(self, request: Request) -> Response:
        session = await self.site.form_session(request)
        if isinstance(session, Response):
            return session
        form: dict[str, str] = request.state.form
        parsed = views.parse_query({**form, "status": form.get("status") or "all"})
        if parsed.errors:
            return await run_in_threadpool(self._page, session, 400, error=" ".join(parsed.errors))
        try:
            created = await run_in_threadpool(
                feed_service.create,
                self.site.tracker,
                form.get("name", ""),
                parsed.filters,
                todo=form.get("todo") == "on",
            )
        except TrackerError as exc:
            return await run_in_threadpool(self._page, session, 400, error=str(exc))
        return await run_in_threadpool(self._page, session, created=created)

    async def revoke(self, request: Request) -> Response:
        session = await self.site.form_session(request)
        if isinstance(session, Response):
            return session
        try:
            name = request.state.form.get("name", "")
            await run_in_threadpool(feed_service.revoke, self.site.tracker, name)
        except TrackerError as exc:
            return await run_in_threadpool(self._page, session, 404, error=str(exc))
        return RedirectResponse("/feeds?revoked=1", 303)
