"""`tracker list` output, written as the rows arrive: JSON lines, CSV, or a table for people.

The table is laid out once from a summary of the listing (how many rows, the longest instrument,
the earliest and latest due dates), then each row is written as it comes, so 100,000 duties print
in a second and the first lines appear at once. Columns: ID, Due (`*` when set by hand), Left
(right-aligned; `Nd late` when overdue), Status, Instrument (at most 12 wide), then "Actor: duty"
taking the rest of the terminal (80 columns off a terminal, or `COLUMNS`). Long text wraps at
words, a word longer than its column is cut; document text has its control characters blanked
(`render.plain`). Overdue rows are bold red and the header bold on a colour terminal (not with
NO_COLOR or TERM=dumb, never into a pipe).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import shutil
import sys
from typing import Any, TextIO

from tracker.cli.render import LIST_FIELDS, days_left, plain
from tracker.service.listing import Listing
from tracker.store.listing import ROW_FIELDS

GAP = "  "
INSTRUMENT_MAX = 12
DUTY_MIN = 20
_I = {name: i for i, name in enumerate(ROW_FIELDS)}


def json_lines(listing: Listing, out: TextIO) -> None:
    for batch in listing.json_lines():
        out.write("\n".join(batch) + "\n")


def csv_rows(listing: Listing, out: TextIO) -> None:
    w = csv.writer(out, lineterminator="\n")
    w.writerow(LIST_FIELDS)
    for batch in listing.rows():
        w.writerows(_csv_row(r) for r in batch)


def _csv_row(r: tuple[Any, ...]) -> list[Any]:
    tags = json.loads(r[_I["tags"]] or "[]")
    anchor_date = r[_I["anchor_date"]]
    values = {name: r[_I[name]] for name in LIST_FIELDS if name in _I}
    values["anchor"] = f"{r[_I['anchor_kind']]}:{anchor_date.isoformat() if anchor_date else ''}"
    values["tags"] = ";".join(tags)
    return [_text(values[k]) for k in LIST_FIELDS]


def _text(value: Any) -> Any:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, dt.date) else value


def _colour(out: TextIO) -> bool:
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return hasattr(out, "isatty") and out.isatty()


def wrap(text: str, width: int) -> list[str]:
    """Greedy word wrap to `width`; a word longer than `width` is cut into pieces."""
    if len(text) <= width:
        return [text]
    lines: list[str] = []
    line = ""
    for word in text.split():
        while len(word) > width:
            if line:
                lines.append(line)
                line = ""
            lines.append(word[:width])
            word = word[width:]
        if not word:
            continue
        if not line:
            line = word
        elif len(line) + 1 + len(word) <= width:
            line += " " + word
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines or [""]


def table(listing: Listing, out: TextIO) -> None:
    """The people's view: see the module docstring."""
    summary = listing.summary()
    if not summary.count:
        out.write("No deadlines match.\n")
        return
    today = listing.today
    lefts = ["Left", "—"] + [days_left(d, today) for d in (summary.first_due, summary.last_due) if d]
    if summary.first_due and summary.last_due and summary.first_due <= today <= summary.last_due:
        lefts.append("today")
    widths = [
        10,
        10 + summary.any_override,
        max(map(len, lefts)),
        max(6, summary.status_width),
        min(INSTRUMENT_MAX, max(len("Instrument"), summary.instrument_width)),
    ]
    terminal = shutil.get_terminal_size((80, 24)).columns
    duty_width = max(DUTY_MIN, terminal - sum(widths) - len(GAP) * len(widths))
    colour = _colour(out)
    bold, red, dim, reset = ("\x1b[1m", "\x1b[1;31m", "\x1b[2m", "\x1b[0m") if colour else ("",) * 4
    header = ("ID", "Due", "Left", "Status", "Instrument")
    cells = [h.rjust(w) if h == "Left" else h.ljust(w) for h, w in zip(header, widths, strict=True)]
    out.write(bold + GAP.join([*cells, "Actor: duty"]) + reset + "\n")
    indent = " " * (sum(widths) + len(GAP) * len(widths))
    pad = " " * (sum(widths[:4]) + len(GAP) * 4)
    shown = late = 0
    for batch in listing.rows():
        lines: list[str] = []
        for r in batch:
            due, status = r[_I["due_date"]], r[_I["status"]]
            overdue = status == "open" and due is not None and due < today
            late += overdue
            instrument = wrap(plain(r[_I["instrument"]] or ""), widths[4])
            duty = wrap(plain(f"{r[_I['actor']]}: {r[_I['action']]}"), duty_width)
            first = (
                str(r[_I["id"]]).ljust(widths[0]),
                ((due.isoformat() if due else "awaiting") + ("*" if r[_I["override_due"]] else "")).ljust(
                    widths[1]
                ),
                (days_left(due, today) if status == "open" else "").rjust(widths[2]),
                status.ljust(widths[3]),
                instrument[0].ljust(widths[4]),
                duty[0],
            )
            start, end = (red, reset) if overdue else ("", "")
            lines.append(start + GAP.join(first).rstrip() + end)
            for k in range(1, max(len(instrument), len(duty))):
                inst = instrument[k] if k < len(instrument) else ""
                text = duty[k] if k < len(duty) else ""
                rest = (pad + inst.ljust(widths[4]) + GAP + text) if inst else indent + text
                lines.append(start + rest.rstrip() + end)
            shown += 1
        out.write("\n".join(lines) + "\n")
    note = f"{shown} deadline(s)" + (f", {late} overdue" if late else "")
    note += " · * date set by hand" if summary.any_override else ""
    out.write(dim + note + reset + "\n")


def write(listing: Listing, fmt: str, out: TextIO | None = None) -> None:
    """`fmt`: json, csv or table."""
    target = out or sys.stdout
    {"json": json_lines, "csv": csv_rows, "table": table}[fmt](listing, target)
