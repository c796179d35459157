"""Reading a posted HTML form: urlencoded only, bounded in size and fields, one value per name.

Layer 5 (part of tracker.web). Starlette's own form parser needs python-multipart; the pages post
nothing but `application/x-www-form-urlencoded`, which the standard library reads.
"""

from __future__ import annotations

import datetime as dt
import urllib.parse

from starlette.requests import Request

MAX_BODY = 16 * 1024
MAX_FIELDS = 32


class FormError(Exception):
    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message


async def read_form(request: Request) -> dict[str, str]:
    """The posted fields (the first value of each name), or FormError (413, 415 or 400).

    An empty body is an empty form, whatever its type."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise FormError(413, "The form is too large.")
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if body and kind != "application/x-www-form-urlencoded":
        raise FormError(415, "Send the form as application/x-www-form-urlencoded.")
    try:
        parsed = urllib.parse.parse_qs(
            body.decode("utf-8"), keep_blank_values=True, max_num_fields=MAX_FIELDS, strict_parsing=False
        )
    except (UnicodeDecodeError, ValueError):
        raise FormError(400, "The form could not be read.") from None
    return {name: values[0] for name, values in parsed.items()}


def date_field(form: dict[str, str], name: str, label: str) -> dt.date | None:
    value = form.get(name, "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise FormError(400, f"{label}: not a date (YYYY-MM-DD).") from None
