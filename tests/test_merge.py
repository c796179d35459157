"""Identity of a duty (tracker/merge.py): stable ids, and the same duty in other words.

One named test per rule of the module docstring, and tables of cases with negative rows.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from tracker import merge
from tracker.model import (
    Anchor,
    AnchorKind,
    DateRef,
    DateRefKind,
    DeadlineExpr,
    DueDate,
    Obligation,
    Period,
    Span,
    Unit,
)

SIGNED = dt.date(2026, 6, 3)


def ob(
    actor: str = "Secretary of Homeland Security",
    action: str = "revise importer-of-record rules",
    days: int | None = 180,
    *,
    kind: str = "issued",
    date: dt.date | None = SIGNED,
    instrument: str | None = "EO 14411",
    anchor_text: str = "the date of this order",
    text: str = "within 180 days",
    quote: str = "q",
    start: int = 0,
    confidence: float = 0.9,
) -> Obligation:
    expr = DeadlineExpr(text, Period(days, Unit.DAYS) if days is not None else None)
    anchor = Anchor(AnchorKind(kind), date, anchor_text)
    span = Span(start, start + len(quote))
    return Obligation(actor, action, quote, span, expr, anchor, DueDate(None), confidence, instrument)


def duty(oid: str, o: Obligation) -> merge.Duty:
    return merge.duty_of(oid, o)


# --- exact identity ----------------------------------------------------------------------------


def test_ids_are_unchanged_by_the_loose_matching_rules() -> None:
    """Regression: ids given out before loose matching existed stay the same."""
    assert merge.obligation_id(ob()) == "sxw632bwyc"
    event = ob("Secretary of Commerce", "issue guidance", 30, kind="event", date=None,
               anchor_text="the submission of the plan")  # fmt: skip
    assert merge.obligation_id(event) == "4xsfsqdchc"


def test_within_and_not_later_than_are_one_duty() -> None:
    assert merge.obligation_id(ob(text="within 180 days")) == merge.obligation_id(
        ob(text="not later than 180 days after")
    )


def test_the_loose_key_leaves_out_an_event_anchors_wording() -> None:
    a = ob(days=30, kind="event", date=None, anchor_text="the submission of the plan")
    b = ob(days=30, kind="event", date=None, anchor_text="the plan is submitted")
    assert merge.deadline_key(a) != merge.deadline_key(b)
    assert merge.loose_deadline_key(a) == merge.loose_deadline_key(b) == "P30D@event"


def test_an_absolute_deadline_is_keyed_by_its_date() -> None:
    expr = DeadlineExpr("by March 31, 2027", date_ref=DateRef(DateRefKind.DATE, 2027, 3, 31))
    o = Obligation(
        "A", "b", "q", Span(0, 1), expr, Anchor(AnchorKind.ABSOLUTE), DueDate(dt.date(2027, 3, 31)), 0.9
    )
    assert merge.loose_deadline_key(o) == "2027-03-31"


# --- actors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Secretary of Homeland Security", "the Secretary of Homeland Security", True),
        ("Homeland Security Secretary", "Secretary of Homeland Security", True),
        ("Harbor Readiness. The Secretary of Transportation", "Secretary of Transportation", True),
        ("Secretary of Homeland Security now", "Secretary of Homeland Security", True),
        ("Administrator of General Services", "the Administrator of General Services", True),
        # negative rows
        ("Secretary", "Secretary of State", False),  # a bare title names nobody
        ("Secretary of State", "Secretary of Homeland Security", False),
        ("Secretary of Commerce", "Attorney General", False),
        ("", "Secretary of State", False),
    ],
)
def test_actors_compatible(a: str, b: str, same: bool) -> None:
    assert merge.actors_compatible(a, b) is same
    assert merge.actors_compatible(b, a) is same


# --- actions -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("revise the importer-of-record rules", "update the importer-of-record regulations", True),
        ("publish a harbor readiness plan", "issue a readiness plan for the harbors", True),
        (
            "submit a report on harbor data systems to the President",
            "submit a report on harbor data systems",
            True,
        ),
        ("now revise the importer-of-record rules", "revise the importer-of-record rules", True),
        ("prepare a plan for harbor readiness", "develop a harbor readiness plan", True),
        # different head verbs, but most words shared
        ("deliver the harbor readiness plan", "complete the harbor readiness plan", True),
        # negative rows
        ("submit a report on port security", "submit a report on cargo screening", False),
        ("publish a harbor readiness plan", "consult importers on the rules", False),
        ("review the plan", "fund the plan", False),  # one shared word is not enough without the verb
        ("consult importers on the rules", "revise the importer-of-record rules", False),
        ("", "publish a plan", False),
    ],
)
def test_actions_compatible(a: str, b: str, same: bool) -> None:
    assert (merge.action_score(a, b) > 0) is same
    assert (merge.action_score(b, a) > 0) is same


def test_content_words_drop_stop_words_and_fold_synonyms() -> None:
    assert merge.content_words("update the importer-of-record regulations") == (
        "revis", "importer", "record", "rul",
    )  # fmt: skip


# --- find_match --------------------------------------------------------------------------------


def test_a_differently_worded_report_finds_the_stored_duty() -> None:
    stored = [duty("order1", ob()), duty("other", ob("Secretary of State", "publish a plan"))]
    report = ob(
        "Homeland Security Secretary", "update the importer-of-record regulations", date=dt.date(2026, 6, 4)
    )
    assert merge.find_match(report, stored) == "order1"


@pytest.mark.parametrize(
    "report",
    [
        ob(instrument="EO 14412"),  # another instrument
        ob(instrument=None),  # no instrument: never matched loosely
        ob(days=120),  # another period
        ob(kind="published"),  # another anchor kind
        ob(actor="Secretary of State"),  # another actor
        ob(action="consult importers on the rules"),  # another action
    ],
)
def test_a_report_that_differs_in_one_rule_finds_nothing(report: Obligation) -> None:
    assert merge.find_match(report, [duty("order1", ob())]) is None


def test_a_tie_between_two_stored_duties_attaches_to_neither() -> None:
    a = duty("a", ob(action="submit a report on ports"))
    b = duty("b", ob(action="submit a report on harbors"))
    assert merge.find_match(ob(action="submit a report"), [a, b]) is None


def test_the_best_scoring_duty_wins() -> None:
    a = duty("a", ob(action="submit a report on port security"))
    b = duty("b", ob(action="submit a report on cargo screening"))
    assert merge.find_match(ob(action="submit the report on port security"), [a, b]) == "a"


def test_a_stored_duty_keeps_the_deadline_it_was_created_with() -> None:
    keys = frozenset({"P240D@issued", "P180D@issued"})
    amended = merge.Duty("order1", "EO 14411", "Secretary of Homeland Security", "revise rules", keys)
    assert merge.find_match(ob(days=180, action="revise rules"), [amended]) == "order1"
    assert merge.find_match(ob(days=240, action="revise rules"), [amended]) == "order1"


# --- grouping ----------------------------------------------------------------------------------


def test_group_folds_a_reports_summary_and_body() -> None:
    summary = ob("Secretary of Homeland Security", "revise importer-of-record rules", quote="s", start=0)
    body = ob("Homeland Security Secretary", "update importer-of-record regulations", quote="b", start=50)
    groups = merge.group([summary, body], loose=True)
    assert len(groups) == 1 and len(groups[0].mentions) == 2
    assert groups[0].id == merge.obligation_id(summary)


def test_group_never_folds_two_sentences_of_a_primary_text_by_wording() -> None:
    a = ob(action="publish a harbor readiness plan", start=0)
    b = ob(action="issue a readiness plan for the harbors", start=50)
    assert len(merge.group([a, b])) == 2


def test_group_folds_identical_mentions_and_keeps_the_most_confident() -> None:
    a = ob(quote="aa", start=0, confidence=0.7)
    b = ob(quote="bb", start=10, confidence=0.9)
    [g] = merge.group([a, b])
    assert g.obligation is b and g.mentions == (a, b)


def test_same_duty_compares_two_stored_duties() -> None:
    keys = frozenset({"P240D@issued", "P180D@issued"})
    order = merge.Duty(
        "o", "EO 14411", "Secretary of Homeland Security", "revise importer-of-record rules", keys
    )
    report = merge.Duty(
        "r", "EO 14411", "Homeland Security Secretary", "update the rules", frozenset({"P240D@issued"})
    )
    assert merge.same_duty(order, report) and merge.same_duty(report, order)
    assert not merge.same_duty(order, dataclasses.replace(report, deadlines=frozenset({"P90D@issued"})))
    assert not merge.same_duty(order, dataclasses.replace(report, instrument=None))
