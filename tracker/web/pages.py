"""The web page: the deadline list (table and month timeline), one obligation, its lifecycle forms,
and signing in and out.

Layer 5 (part of tracker.web). Mounted only when TRACKER_WEB__ACCESS_TOKEN is set. Changes go
through the service's lifecycle use cases with who = "web", so they land in the audit trail and
the feeds like any `tracker done`. Every form carries the session's CSRF token.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from tracker.errors import NotFound, TrackerError
from tracker.web import views
from tracker.web.auth import Guard, Session
from tracker.web.forms import FormError, date_field, read_form
from tracker.web.render import Pages

if TYPE_CHECKING:
    from tracker.service import Detail, Tracker

WHO = "web"
#: What a redirect after a change may announce; anything else in `changed=` is ignored.
NOTICES = {
    "done": "Marked done.",
    "reopened": "Reopened.",
    "due": "Due date set.",
    "computed": "Back to the computed due date.",
    "unchanged": "Nothing to change.",
}


class Site:
    """The page routes over one tracker; `Guard` decides who is signed in."""

    def __init__(self, tracker: Tracker, guard: Guard, pages: Pages) -> None:
        self.tracker, self.guard, self.pages = tracker, guard, pages

    def routes(self) -> list[Route]:
        return [
            Route("/", self.home, methods=["GET"]),
            Route("/o/{oid}", self.detail, methods=["GET"]),
            Route("/o/{oid}/{action:str}", self.change, methods=["POST"]),
            Route("/login", self.login, methods=["GET"]),
            Route("/logout", self.logout, methods=["POST"]),
            Route("/static/{name}", self.pages.asset, methods=["GET"]),
        ]

    # signing in ----------------------------------------------------------------------------------
    def sign_in_page(self, status_code: int = 401, failed: bool = False) -> Response:
        response = self.pages.render("signin.html", status_code, failed=failed)
        if status_code == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="tracker"'
        return response

    def login(self, request: Request) -> Response:
        """`/login?token=...` sets the session cookie and goes to `/`; the token is not kept."""
        given = request.query_params.get("token")
        if given is None:
            if self.guard.session(request) is not None:
                return RedirectResponse("/", 303)
            return self.sign_in_page(200)
        if not self.guard.token_ok(given):
            return self.sign_in_page(401, failed=True)
        response = RedirectResponse("/", 303, headers={"Cache-Control": "no-store"})
        self.guard.set_cookie(response, request)
        return response

    async def logout(self, request: Request) -> Response:
        session = await self.form_session(request)
        if isinstance(session, Response):
            return session
        response = RedirectResponse("/login", 303)
        self.guard.clear_cookie(response, request)
        return response

    async def form_session(self, request: Request) -> Session | Response:
        """The signed-in session a posted form may act for, or the answer instead: the sign-in page,
        or a refusal of a form that cannot be taken (unreadable, or without the CSRF token). The
        form is left in `request.state.form`."""
        session = self.guard.session(request)
        if session is None:
            return self.sign_in_page()
        try:
            request.state.form = await read_form(request)
        except FormError as exc:
            return self.pages.message(exc.status_code, "Form not accepted", exc.message, session=session)
        if not self.guard.csrf_ok(session, request.state.form.get("csrf")):
            text = "The form had no valid security token. Reload the page and try again."
            return self.pages.message(403, "Form expired", text, session=session)
        return session

    # the list ------------------------------------------------------------------------------------
    def home(self, request: Request) -> Response:
        session = self.guard.session(request)
        if session is None:
            return self.sign_in_page()
        parsed = views.parse_query(request.query_params)
        today = self.tracker.today()
        items = [] if parsed.errors else self.tracker.list(parsed.filters)
        rows = [views.row(i, today) for i in items if views.matches(i, parsed.query.q)]
        page = views.paginate(rows, parsed.query.page)
        return self.pages.render(
            "list.html",
            400 if parsed.errors else 200,
            session=session,
            nav="list",
            query=parsed.query,
            errors=parsed.errors,
            statuses=views.STATUSES,
            page=page,
            months=views.months(page.rows) if parsed.query.view == "timeline" else [],
            overdue=sum(r.overdue for r in rows),
            today=today,
        )

    # one obligation ------------------------------------------------------------------------------
    def detail(self, request: Request) -> Response:
        session = self.guard.session(request)
        if session is None:
            return self.sign_in_page()
        oid = request.path_params["oid"]
        try:
            found = self.tracker.show(oid)
        except NotFound:
            return self.pages.message(404, "Not found", "No obligation has this id.", session=session)
        except TrackerError as exc:
            return self.pages.message(400, "Cannot show this", exc.message, session=session)
        if found.obligation.id != oid:  # a prefix, or the id of a duty merged into this one
            return RedirectResponse(f"/o/{found.obligation.id}", 303)
        notice = NOTICES.get(request.query_params.get("changed", ""))
        return self._detail_page(session, found, notice=notice)

    def _detail_page(
        self, session: Session, found: Detail, *, notice: str | None = None, error: str | None = None
    ) -> Response:
        today = self.tracker.today()
        item = found.obligation
        sources = [(m, views.web_link(m.url)) for m in item.mentions]
        return self.pages.render(
            "detail.html",
            400 if error else 200,
            session=session,
            nav="",
            found=found,
            item=item,
            row=views.row(item, today),
            sources=sources,
            notice=notice,
            error=error,
            today=today,
        )

    async def change(self, request: Request) -> Response:
        session = await self.form_session(request)
        if isinstance(session, Response):
            return session
        oid, action = request.path_params["oid"], request.path_params["action"]
        form: dict[str, str] = request.state.form
        try:
            notice = await run_in_threadpool(self._apply, oid, action, form)
        except NotFound:
            return self.pages.message(404, "Not found", "No obligation has this id.", session=session)
        except (FormError, TrackerError) as exc:
            try:
                found = await run_in_threadpool(self.tracker.show, oid)
            except TrackerError:
                return self.pages.message(400, "Not changed", exc.message, session=session)
            return self._detail_page(session, found, error=exc.message)
        if notice is None:
            return self.pages.message(404, "Not found", "No such change.", session=session)
        oid, changed = notice
        return RedirectResponse(f"/o/{oid}?changed={changed}", 303)

    def _apply(self, oid: str, action: str, form: dict[str, str]) -> tuple[str, str] | None:
        """Run one lifecycle use case; (the obligation's id, the NOTICES key), or None for no such action."""
        reason = " ".join(form.get("reason", "").split()) or None
        t = self.tracker
        if action == "done":
            out = t.done(oid, on=date_field(form, "on", "Completed on"), by=WHO, reason=reason)
        elif action == "reopen":
            out = t.reopen(oid, by=WHO, reason=reason)
        elif action == "due":
            due = None if "computed" in form else date_field(form, "due", "Due date")
            if due is None and "computed" not in form:
                raise FormError(400, "Due date: give a date (YYYY-MM-DD).")
            if not reason:
                raise FormError(400, "Reason: say why the date changes; the history keeps it.")
            out = t.set_due(oid, due, reason or "", by=WHO)
        else:
            return None
        names = {"done": "done", "reopen": "reopened", "due": "computed" if "computed" in form else "due"}
        return out.id, names[action] if out.edits else "unchanged"
