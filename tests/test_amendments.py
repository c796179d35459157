"""Amendments and revocations found in texts and Federal Register notes (tracker/amendments.py).

A table of sentences with what each must yield, negative rows included, then the section rules.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import DATA
from tracker import amendments
from tracker.amendments import AMEND, REVOKE, SUPERSEDE, Change
from tracker.extract.readers import read
from tracker.model import Document

LIFE = DATA / "lifecycle"


def found(text: str, instrument: str | None = "EO 20000", **meta: object) -> list[tuple]:
    doc = Document(text, "x.txt", instrument=instrument, meta=meta)
    return [(c.kind, c.target, c.section, c.strike, c.insert, c.partial) for c in amendments.detect(doc)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Section 4(b) of Executive Order 14411 of June 3, 2026 (Customs), is amended by striking "
            '"180 days" and inserting "240 days".',
            [(AMEND, "EO 14411", "4(b)", "180 days", "240 days", False)],
        ),
        (
            "Subsection (c) of section 2 of Executive Order No. 14411 is hereby amended by striking "
            "“90 days” and inserting in lieu thereof “120 days”, and by striking “Secretary of State” and "
            "inserting “Secretary of Defense”.",
            [
                (AMEND, "EO 14411", "2(c)", "90 days", "120 days", False),
                (AMEND, "EO 14411", "2(c)", "Secretary of State", "Secretary of Defense", False),
            ],
        ),
        (
            "Section 3 of Executive Order 14411 is amended to read as follows: the plan is due in May.",
            [(AMEND, "EO 14411", "3", None, None, False)],
        ),
        (
            "Executive Order 14411 of June 3, 2026 (Customs), is hereby revoked.",
            [(REVOKE, "EO 14411", None, None, None, False)],
        ),
        ("Executive Order 14411 is revoked.", [(REVOKE, "EO 14411", None, None, None, False)]),
        ("Executive Order 14411 is rescinded.", [(REVOKE, "EO 14411", None, None, None, False)]),
        ("Executive Order 14411 is hereby superseded.", [(SUPERSEDE, "EO 14411", None, None, None, False)]),
        ("Proclamation 10522 is superseded.", [(SUPERSEDE, "Proc. 10522", None, None, None, False)]),
        (
            "Executive Orders 14001 and 14002 are hereby revoked.",
            [(REVOKE, "EO 14001", None, None, None, False), (REVOKE, "EO 14002", None, None, None, False)],
        ),
        (
            "Executive Order 13985 of January 20, 2021, is revoked to the extent it is inconsistent with "
            "this order.",
            [(REVOKE, "EO 13985", None, None, None, True)],
        ),
        (
            "Sec. 3. Revocation. Section 5 of Executive Order 14411 is hereby revoked. Sec. 4. General.",
            [(REVOKE, "EO 14411", "5", None, None, False)],
        ),
        (
            "Executive Order 14411 of June 3, 2026, as amended by Executive Order 14500, is hereby revoked.",
            [(REVOKE, "EO 14411", None, None, None, False), (REVOKE, "EO 14500", None, None, None, False)],
        ),
        # negative rows: nothing is changed elsewhere
        ('Section 3 of this order is amended by striking "30" and inserting "60".', []),
        ("Executive Order 13000, as amended by Executive Order 14000, remains in effect.", []),
        ("Executive Order 13000 is not revoked.", []),
        ("The Secretary shall report within 90 days of the date of this order.", []),
        ("Executive Order 20000 is hereby revoked.", []),  # a document does not revoke itself
    ],
)
def test_changes_found_in_text(text: str, expected: list[tuple]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    ("notes", "instrument", "expected"),
    [
        ("Revoked by: EO 14148, January 20, 2025", "EO 13985", [(REVOKE, "EO 13985", "EO 14148", False)]),
        ("Revokes: EO 13985, January 20, 2021; See: EO 13000", "EO 14148",
         [(REVOKE, "EO 13985", "EO 14148", False)]),
        ("Superseded by: EO 14200", "EO 14100", [(SUPERSEDE, "EO 14100", "EO 14200", False)]),
        ("Supersedes: EO 13000\nAmends: EO 12866", "EO 14100",
         [(SUPERSEDE, "EO 13000", "EO 14100", False), (AMEND, "EO 12866", "EO 14100", False)]),
        ("Amended by: EO 14050, March 1, 2022", "EO 14000", [(AMEND, "EO 14000", "EO 14050", False)]),
        ("Revoked in part by: EO 14148", "EO 13985", [(REVOKE, "EO 13985", "EO 14148", True)]),
        # negative rows
        ("See: EO 13000", "EO 14100", []),
        ("Revoked by: EO 14148", None, []),  # whose revocation? the document names no instrument
    ],
)  # fmt: skip
def test_changes_found_in_federal_register_notes(notes: str, instrument: str | None, expected: list) -> None:
    doc = Document("", "fr.json", instrument=instrument, meta={"executive_order_notes": notes})
    assert [(c.kind, c.target, c.by, c.partial) for c in amendments.detect(doc)] == expected


def test_the_same_change_read_from_text_and_notes_is_one_change() -> None:
    path = LIFE / "eo-99003-revocation.fr.json"
    doc = read(str(path), path.read_bytes())
    changes = amendments.detect(doc)
    assert [(c.kind, c.target, c.by) for c in changes] == [(REVOKE, "EO 99001", "EO 99003")]
    assert (
        changes[0].span is not None
        and doc.text[changes[0].span.start : changes[0].span.end] == changes[0].quote
    )


def test_the_sample_amendment() -> None:
    path = LIFE / "eo-99002-amendment.txt"
    doc = read(
        str(path), path.read_bytes(), sidecar=path.with_name("eo-99002-amendment.meta.json").read_bytes()
    )
    [change] = amendments.detect(doc)
    assert change == Change(AMEND, "EO 99001", "EO 99002", "4(b)", "180 days", "240 days",
                            quote=change.quote, span=change.span)  # fmt: skip
    assert (
        change.describe()
        == 'section 4(b) of EO 99001 amended by EO 99002: "180 days" struck, "240 days" inserted'
    )


def test_change_keys_ignore_where_a_change_was_read() -> None:
    a = Change(REVOKE, "EO 1", "EO 2", quote="one way")
    b = Change(REVOKE, "EO 1", "EO 2", quote="another")
    assert a.key() == b.key() != Change(SUPERSEDE, "EO 1", "EO 2").key()


# --- sections ----------------------------------------------------------------------------------


def _order() -> str:
    return (LIFE / "eo-99001-harbor-readiness.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("needle", "section"),
    [
        ("Our harbors move", "1"),
        ("The Secretary of Transportation shall", "2(a)"),
        ("Within 30 days of the submission", "2(b)"),
        ("The Administrator of General Services", "3"),
        ("consult importers", "4(a)"),
        ("revise the importer-of-record", "4(b)"),
        ("By the authority vested", None),  # before the first section
    ],
)
def test_section_at(needle: str, section: str | None) -> None:
    text = _order()
    assert amendments.section_at(text, text.index(needle)) == section


def test_a_roman_clause_is_not_a_subsection() -> None:
    text = "Sec. 2. Plans. (h) The Secretary shall: (i) publish a plan."
    assert amendments.section_at(text, text.index("publish")) == "2(i)"
    text = "Sec. 2. Plans. (a) The Secretary shall: (i) publish a plan."
    assert amendments.section_at(text, text.index("publish")) == "2(a)"


@pytest.mark.parametrize(
    ("target", "section", "reaches"),
    [("4", "4(b)", True), ("4(b)", "4(b)", True), ("4(b)", "4(b)(i)", True), (None, "2", True),
     ("4(b)", "4(c)", False), ("4", "40", False), ("4", None, False)],
)  # fmt: skip
def test_section_matches(target: str | None, section: str | None, reaches: bool) -> None:
    assert amendments.section_matches(target, section) is reaches


def test_substitute_is_case_insensitive_and_reports_absence() -> None:
    assert amendments.substitute("Within 180 Days of the order", "180 days", "240 days") == (
        "Within 240 days of the order"
    )
    assert amendments.substitute("within 90 days", "180 days", "240 days") is None


@pytest.mark.parametrize(
    ("anchor", "quote", "own", "expected"),
    [
        ("the submission of the plan described in subsection (a) of this section",
         "Within 30 days of the submission of the plan described in subsection (a) of this section, the "
         "Secretary shall act.", "2(b)", "2(a)"),
        ("the submission of the plan described in subsection",  # the anchor phrase cut short
         "Within 30 days of the submission of the plan described in subsection (a) of this section.",
         "2(b)", "2(a)"),
        ("receipt of the report required by section 3 of this order",
         "Within 60 days of receipt of the report required by section 3 of this order, the Director "
         "shall act.",
         "5", "3"),
        # negative rows: the reference describes the action, or there is none
        ("the date of this order",
         "Within 30 days of the date of this order, the Secretary shall consult on the rules described in "
         "subsection (b) of this section.", "4(a)", None),
        ("the appointment of its members",
         "Within 90 days of the appointment of its members, the Board shall meet.", "6", None),
    ],
)  # fmt: skip
def test_referenced_section(anchor: str, quote: str, own: str, expected: str | None) -> None:
    assert amendments.referenced_section(anchor, quote, own) == expected


def test_fixtures_say_they_are_samples() -> None:
    for path in Path(LIFE).iterdir():
        if path.name != "duties.expected":
            assert "sample" in path.read_text(encoding="utf-8").lower(), path.name
