"""Table tests of `extract` on short texts written in the style of orders, statutes, notices and
articles: duty cues, actors, lead-ins, deadlines, anchors, recurrences, secondary sources, and the
look-alikes that must yield nothing. Every row checks `text[start:end] == quote`.

Decision recorded here (and in `tracker.extract.patterns`): a policy goal year ("with the goal of
... by 2030", "no later than 2035") is not a deadline; only a full date, a month, "the end of
(calendar/fiscal) year N" or a fiscal year is.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tracker.extract import extract
from tracker.model import AnchorKind, Document, Obligation

ISSUED = dt.date(2026, 6, 3)


def _doc(text: str, **kw: Any) -> Document:
    kw.setdefault("kind", "executive_order")
    if kw["kind"] != "article":
        kw.setdefault("issued", ISSUED)
    return Document(text=text, source="test.txt", **kw)


def _run(text: str, **kw: Any) -> list[Obligation]:
    doc = _doc(text, **kw)
    obs = extract(doc)
    for ob in obs:
        assert doc.text[ob.span.start : ob.span.end] == ob.quote
        assert 0.0 <= ob.confidence <= 1.0
    assert [o.span.start for o in obs] == sorted(o.span.start for o in obs)
    return obs


def _one(text: str, **kw: Any) -> Obligation:
    obs = _run(text, **kw)
    assert len(obs) == 1, [o.quote for o in obs]
    return obs[0]


# --- duty cues and actors --------------------------------------------------------------------------

CUES = [
    (
        "Within 90 days of the date of this order, the Secretary of Energy shall publish a grid plan.",
        "Secretary of Energy",
        "publish a grid plan",
        "shall",
        (),
    ),
    (
        "The Administrator must issue interim guidance within 30 days of the date of this order.",
        "Administrator",
        "issue interim guidance",
        "must",
        (),
    ),
    (
        "The Secretary of Labor is directed to convene a task force within 60 days of the date of "
        "this order.",
        "Secretary of Labor",
        "convene a task force",
        "is directed to",
        (),
    ),
    (
        "I hereby direct the Secretary of State to deliver a strategy within 45 days of the date of "
        "this memorandum.",
        "Secretary of State",
        "deliver a strategy",
        "requires",
        (),
    ),
    (
        "The Attorney General should update the charging manual within 120 days of the date of this order.",
        "Attorney General",
        "update the charging manual",
        "should",
        ("hortatory",),
    ),
    (
        "The Chair of the Board is encouraged to adopt a merger policy not later than 180 days after "
        "the date of "
        "this order.",
        "Chair of the Board",
        "adopt a merger policy",
        "is encouraged to",
        ("hortatory",),
    ),
    (
        "The Secretary of Commerce, in consultation with the Secretary of State, shall submit a "
        "report on export "
        "controls within 90 days of the date of this order.",
        "Secretary of Commerce",
        "submit a report on export controls",
        "shall",
        (),
    ),
    (
        "To strengthen the grid, the Secretary of Energy, through the Director of the Grid Office, "
        "shall, within 30 "
        "days of the date of this order, designate a lead official.",
        "Secretary of Energy",
        "designate a lead official",
        "shall",
        (),
    ),
]


@pytest.mark.parametrize(("text", "actor", "action", "modal", "flags"), CUES)
def test_duty_cues(text: str, actor: str, action: str, modal: str, flags: tuple[str, ...]) -> None:
    ob = _one(text)
    assert ob.actor == actor
    assert ob.action == action
    assert ob.modal == modal
    for f in flags:
        assert f in ob.flags


def test_hortatory_duties_score_below_mandatory_ones() -> None:
    must = _one("The Secretary shall report within 30 days of the date of this order.")
    should = _one("The Secretary should report within 30 days of the date of this order.")
    assert should.confidence < must.confidence


def test_passive_takes_actor_from_the_section() -> None:
    text = (
        "Sec. 2. Plans. (a) The Director of the Office shall prepare a relocation plan.\n\n"
        "(b) The plan shall be submitted to the Council within 90 days of the date of this order."
    )
    ob = _one(text)
    assert ob.actor == "Director of the Office"
    assert "inferred_actor" in ob.flags
    assert ob.quote.startswith("The plan shall be submitted")


def test_by_agent_in_passive() -> None:
    ob = _one("The new forms should be used by all agencies by May 1, 2024.")
    assert ob.actor == "all agencies"
    assert ob.due.date == dt.date(2024, 5, 1)


def test_will_is_no_duty_in_an_order_but_is_in_an_article() -> None:
    text = "The Department will issue a report within 30 days of the date of this order."
    assert _run(text) == []
    ob = _one(
        "Today the President signed an Executive Order. Within 30 days, the Department will issue a report.",
        kind="article",
        published=dt.date(2026, 6, 3),
    )
    assert ob.modal == "will" and "reported" in ob.flags


# --- deadlines -------------------------------------------------------------------------------------

DEADLINES = [
    # (text, kind, issued, expected due, period iso)
    (
        "Within 100 days of the date of this order, the Secretary shall submit a report.",
        "executive_order",
        dt.date(2021, 2, 24),
        dt.date(2021, 6, 4),
        "P100D",
    ),
    (
        "The Secretary shall, not later than 180 days after the date of this order, publish guidance.",
        "executive_order",
        dt.date(2021, 7, 9),
        dt.date(2022, 1, 5),
        "P180D",
    ),
    (
        "The Board shall adopt rules within 1 month of the date of this order.",
        "executive_order",
        dt.date(2021, 1, 31),
        dt.date(2021, 2, 28),
        "P1M",
    ),
    (
        "The Board shall adopt rules within 1 year of the date of this order.",
        "executive_order",
        dt.date(2024, 2, 29),
        dt.date(2025, 2, 28),
        "P1Y",
    ),
    (
        "The Board shall adopt rules within sixty days of this order.",
        "executive_order",
        dt.date(2026, 6, 3),
        dt.date(2026, 8, 2),
        "P60D",
    ),
    (
        "The heads of agencies shall review their programs within two weeks of the date of this memorandum.",
        "memorandum",
        dt.date(2024, 7, 31),
        dt.date(2024, 8, 14),
        "P14D",
    ),
    (
        "Not later than 9 months after the date of enactment of this Act, the Administrator shall issue "
        "regulations.",
        "statute",
        dt.date(2010, 10, 13),
        dt.date(2011, 7, 13),
        "P9M",
    ),
    (
        "The Administrator shall transfer the vessel not later than the date that is 18 months after "
        "the date of "
        "the enactment of this section.",
        "statute",
        dt.date(2025, 7, 4),
        dt.date(2027, 1, 4),
        "P18M",
    ),
    (
        "The Board shall, in the first 60 days from the date of this order, hold listening sessions.",
        "executive_order",
        dt.date(2021, 1, 27),
        dt.date(2021, 3, 28),
        "P60D",
    ),
    (
        "The Secretary shall publish the data by the end of calendar year 2025.",
        "executive_order",
        dt.date(2023, 7, 28),
        dt.date(2025, 12, 31),
        None,
    ),
    (
        "Of the amount made available, $5,000,000 shall be obligated not later than fiscal year 2026.",
        "statute",
        dt.date(2025, 7, 4),
        dt.date(2026, 9, 30),
        None,
    ),
    (
        "Comments must be received on or before: 5/15/2016.",
        "rule",
        dt.date(2016, 4, 11),
        dt.date(2016, 5, 15),
        None,
    ),
    (
        "Applications must be filed by 5 p.m. on Friday, May 6, 2016.",
        "rule",
        dt.date(2016, 4, 11),
        dt.date(2016, 5, 6),
        None,
    ),
    (
        "Within 1 year of the date of publication of this notice in the Federal Register, the agency "
        "shall report.",
        "rule",
        dt.date(2016, 4, 11),
        dt.date(2017, 4, 15),
        "P1Y",
    ),
]


@pytest.mark.parametrize(("text", "kind", "issued", "due", "period"), DEADLINES)
def test_deadlines(text: str, kind: str, issued: dt.date, due: dt.date, period: str | None) -> None:
    extra = {"enacted": issued} if kind == "statute" else {}
    ob = _one(text, kind=kind, issued=issued, published=dt.date(2016, 4, 15), **extra)
    assert ob.due.date == due
    assert (ob.deadline.period.iso() if ob.deadline.period else None) == period


def test_month_only_date_is_the_first_and_flagged() -> None:
    ob = _one("By February 2022, the Director shall publish a scorecard.")
    assert ob.due.date == dt.date(2022, 2, 1)
    assert "month_only" in ob.flags


def test_weekday_that_does_not_match_is_flagged() -> None:
    ob = _one("Briefs must be filed on or before Thursday, May 6, 2016.", kind="rule")
    assert ob.due.date == dt.date(2016, 5, 6)
    assert "weekday_mismatch" in ob.flags


def test_words_and_digits_that_disagree_are_flagged() -> None:
    text = (
        "The Secretary shall report not later than ninety (60) days after the date of enactment of this Act."
    )
    ob = _one(text, kind="statute", enacted=ISSUED)
    assert ob.anchor.kind == AnchorKind.ENACTED
    assert "words_digits_mismatch" in ob.flags
    same = _one(text.replace("ninety (60)", "one hundred eighty (180)"), kind="statute", enacted=ISSUED)
    assert same.deadline.period and same.deadline.period.amount == 180
    assert "words_digits_mismatch" not in same.flags


def test_two_deadlines_in_one_sentence_give_two_rows() -> None:
    text = (
        "Review and update within 60 days of the date of this memorandum any guidance documents, and within "
        "300 days of the date of this memorandum any archived reports."
    )
    obs = _run("(c) Heads of agencies shall:\n\n(i) " + text, kind="memorandum", issued=dt.date(2021, 1, 27))
    assert [o.due.date for o in obs] == [dt.date(2021, 3, 28), dt.date(2021, 11, 23)]
    assert not obs[0].span.overlaps(obs[1].span)


def test_lead_in_deadline_shared_by_items() -> None:
    items = "\n\n".join(
        f"({r}) The Secretary of {n} shall submit a report on {n.lower()} supply chains."
        for r, n in zip(
            ["i", "ii", "iii", "iv", "v", "vi"],
            ["Energy", "Defense", "Commerce", "Labor", "Agriculture", "Transportation"],
            strict=True,
        )
    )
    text = (
        "(a) Within 1 year of the date of this order, the specified heads of agencies shall submit the "
        "following reports to the President:\n\n" + items
    )
    obs = _run(text, issued=dt.date(2021, 2, 24))
    assert len(obs) == 6
    assert {o.due.date for o in obs} == {dt.date(2022, 2, 24)}
    assert all("inherited" in o.flags for o in obs)
    assert obs[0].actor == "Secretary of Energy"
    assert obs[0].quote.startswith("The Secretary of Energy shall submit")


def test_lead_in_actor_and_modal_reach_verb_items() -> None:
    text = (
        "(m) The Secretary of Transportation shall:\n\n"
        "(i) not later than 30 days after the date of this order, appoint members of the advisory board;\n\n"
        "(ii) improve consumer notices; and\n\n"
        "(iii) not later than 90 days after the date of this order, publish a proposed rule."
    )
    obs = _run(text, issued=dt.date(2021, 7, 9))
    assert [o.due.date for o in obs] == [dt.date(2021, 8, 8), dt.date(2021, 10, 7)]
    assert {o.actor for o in obs} == {"Secretary of Transportation"}
    assert obs[0].action.startswith("appoint members")


def test_deadline_lead_in_over_actor_lead_ins_gives_rows_for_items_only() -> None:
    # "Within N days ...:" over "(a) The X shall:" over verb items: each item is a duty with the outer
    # deadline; the inner lead-ins are not rows of their own.
    text = (
        "Sec. 2. Port Resilience. Within 45 days of the date of this order:\n\n"
        "(a) The Secretary of Transportation shall:\n\n"
        "(i) assess the capacity of inland ports; and\n\n"
        "(ii) publish a list of priority corridors;\n\n"
        "(b) The Secretary of Labor and the Secretary of Energy shall:\n\n"
        "(i) identify workforce shortages in freight logistics.\n\n"
        "Sec. 3. Definitions. As used in this order, the term port means a harbor."
    )
    obs = _run(text, issued=dt.date(2025, 5, 1))
    assert [o.action for o in obs] == [
        "assess the capacity of inland ports",
        "publish a list of priority corridors",
        "identify workforce shortages in freight logistics",
    ]
    assert {o.due.date for o in obs} == {dt.date(2025, 6, 15)}
    assert [o.actor for o in obs][:2] == ["Secretary of Transportation"] * 2
    assert all(not o.quote.endswith("shall:") for o in obs)


@pytest.mark.parametrize(
    "citation",
    [
        "42 U.S.C. 1395w-3a(b)",
        "40 C.F.R. 60.5 and 60.7",
        "(50 U.S.C. 4501 et seq.)",
        "Pub. L. 117-58, 135 Stat. 429",
    ],
)
def test_abbreviation_in_a_citation_does_not_end_the_quote(citation: str) -> None:
    text = (
        "Within 90 days of the date of this order, the Administrator shall revise the guidance issued under "
        f"{citation} to cover rural grantees."
    )
    ob = _one(text, issued=dt.date(2025, 4, 15))
    assert ob.quote.endswith("to cover rural grantees.")
    assert ob.due.date == dt.date(2025, 7, 14)


def test_item_verb_follows_its_qualifiers_and_a_later_sentence_only_elaborates() -> None:
    text = (
        "Sec. 4. Harbor Dredging. Within 30 days of the date of this order:\n\n"
        "(a) The Secretary of the Army shall:\n\n"
        "(i) acting through the Chief of Engineers, and in consultation with the Secretary of Commerce, the "
        "Secretary of Transportation, and the heads of other relevant agencies, publish a dredging schedule;"
        "\n\n"
        "(ii) establish a permit review process for disposal sites. The process should ensure timely "
        "decisions for small ports; and\n\n"
        "(iii) within 10 days of publishing the schedule, and in cooperation with port authorities, notify "
        "affected shippers."
    )
    obs = _run(text, issued=dt.date(2025, 6, 2))
    assert [o.action for o in obs] == [
        "publish a dredging schedule",
        "establish a permit review process for disposal sites",
        "notify affected shippers",
    ]
    assert {o.actor for o in obs} == {"Secretary of the Army"}
    assert [o.due.date for o in obs] == [dt.date(2025, 7, 2), dt.date(2025, 7, 2), None]
    assert all(o.modal == "shall" for o in obs)


def test_verb_lead_in_with_object_items_is_one_row() -> None:
    text = (
        "(k) The Secretary of the Treasury shall, not later than 240 days after the date of this order, "
        "consider:\n\n(i) initiating a rulemaking on labels;\n\n(ii) rescinding outdated regulations."
    )
    ob = _one(text, issued=dt.date(2021, 7, 9))
    assert ob.quote.endswith("consider:")
    assert ob.due.date == dt.date(2022, 3, 6)


def test_membership_lead_in_is_not_a_duty() -> None:
    text = (
        "(a) Membership. The Council shall consist of the following members:\n\n(i) the Secretary of State;"
        "\n\n(ii) the Secretary of the Treasury."
    )
    assert _run(text) == []


# --- anchors ---------------------------------------------------------------------------------------


def test_undated_event_gives_no_due_date() -> None:
    ob = _one("The Secretary shall answer within 72 hours of receipt of the notice.")
    assert ob.anchor.kind == AnchorKind.EVENT and ob.anchor.date is None
    assert ob.deadline.period and ob.deadline.period.iso() == "PT72H"
    assert ob.due.date is None and "event_anchor" in ob.flags


def test_business_days_have_no_iso_period() -> None:
    ob = _one("Agencies should acknowledge receipt of applications within 10 business days.")
    assert ob.deadline.period and ob.deadline.period.iso() is None
    assert ob.due.date is None


def test_chained_anchor_is_an_event() -> None:
    text = (
        "Within 60 days of the recommendations described in subsection (a) of this section, "
        "agency heads shall act."
    )
    ob = _one(text)
    assert ob.anchor.kind == AnchorKind.EVENT and ob.due.date is None


def test_effective_date_of_other_rules_is_an_event() -> None:
    ob = _one(
        "Within 1 year of the effective date of the regulations issued under section 1 of this order, the "
        "Secretary shall assess the regulations."
    )
    assert ob.anchor.kind == AnchorKind.EVENT and ob.due.date is None


def test_event_dated_elsewhere_in_the_text() -> None:
    text = (
        "On December 18, 2015, the President signed the Widget Safety Act of 2015 (WSA) into law. Section 4 "
        "of WSA requires the Secretary, within 120 days of the enactment of WSA, to prescribe regulations."
    )
    ob = _one(text, kind="rule", issued=dt.date(2016, 4, 11))
    assert ob.anchor.kind == AnchorKind.EVENT
    assert ob.anchor.date == dt.date(2015, 12, 18)
    assert ob.due.date == dt.date(2016, 4, 16)


def test_backward_deadlines_from_a_dated_hearing() -> None:
    text = (
        "The Commission will hold a hearing beginning at 9:30 a.m. on Thursday, August 4, 2016.\n\n"
        "Parties must file notices no later than 21 days prior to the hearing date specified in this "
        "notice.\n\n"
        "Parties must submit requests no later than 7 business days prior to the date of the hearing."
    )
    obs = _run(text, kind="rule", issued=dt.date(2016, 4, 11))
    assert [o.due.date for o in obs] == [dt.date(2016, 7, 14), dt.date(2016, 7, 26)]
    assert obs[0].deadline.period and obs[0].deadline.period.iso() == "-P21D"


def test_window_beginning_on_the_effective_date() -> None:
    text = (
        "During the 10-day period beginning on the effective date, "
        "institutions are authorized to close accounts."
    )
    ob = _one(text, kind="rule", effective=dt.date(2016, 5, 2))
    assert ob.deadline.window
    assert ob.due.date == dt.date(2016, 5, 11)


def test_undated_commencement_counts_back_without_a_date() -> None:
    ob = _one(
        "The President shall withdraw the frequency not later than 60 days before the commencement of a "
        "system of competitive bidding.",
        kind="statute",
        enacted=ISSUED,
    )
    assert ob.deadline.period and ob.deadline.period.iso() == "-P60D"
    assert ob.due.date is None


def test_upon_completion_is_an_event_with_no_period() -> None:
    ob = _one("Upon completion of their 90-day review, heads of agencies shall provide a summary report.")
    assert ob.deadline.period is None and ob.due.date is None
    assert ob.actor == "heads of agencies"


# --- recurrences -----------------------------------------------------------------------------------

RECURRENCES = [
    (
        "Within 2 years after the date of this order and annually thereafter, the heads of agencies "
        "shall submit "
        "reports.",
        dt.date(2025, 7, 28),
        "FREQ=YEARLY;INTERVAL=1",
    ),
    (
        "Within 2 years of the date of this order and annually thereafter for 5 years, the heads of "
        "agencies shall "
        "submit a report.",
        dt.date(2025, 7, 28),
        "FREQ=YEARLY;INTERVAL=1;COUNT=6",
    ),
    (
        "The Secretary and the Director shall submit reports within 180 days of the date of this "
        "order and every "
        "90 days thereafter.",
        dt.date(2024, 1, 24),
        "FREQ=DAILY;INTERVAL=90",
    ),
    ("The Council shall meet on a semi-annual basis.", None, "FREQ=MONTHLY;INTERVAL=6"),
    ("The Administrator shall submit quarterly reports to the Congress.", None, "FREQ=MONTHLY;INTERVAL=3"),
    ("The Director shall publish a biennial report on the program.", None, "FREQ=YEARLY;INTERVAL=2"),
    (
        "Beginning in fiscal year 2024 and on an annual basis thereafter, the heads of agencies "
        "shall provide a "
        "summary.",
        dt.date(2024, 9, 30),
        "FREQ=YEARLY;INTERVAL=1",
    ),
    (
        "The Secretary shall renegotiate the payments at least once every 10 years.",
        None,
        "FREQ=YEARLY;INTERVAL=10",
    ),
]


@pytest.mark.parametrize(("text", "due", "rrule"), RECURRENCES)
def test_recurrences(text: str, due: dt.date | None, rrule: str) -> None:
    ob = _one(text, issued=dt.date(2023, 7, 28))
    assert ob.deadline.recurrence == rrule
    assert ob.due.date == due


def test_for_each_of_fiscal_years() -> None:
    ob = _one(
        "Of such amount, not less than $9,000,000 shall be obligated for each of fiscal years 2026, 2027, "
        "and 2028.",
        kind="statute",
        enacted=dt.date(2025, 7, 4),
    )
    assert ob.due.date == dt.date(2026, 9, 30)
    assert ob.deadline.recurrence == "FREQ=YEARLY;INTERVAL=1;COUNT=3"


def test_biannual_is_flagged_as_ambiguous() -> None:
    ob = _one("The Board shall hold biannual meetings with stakeholders.")
    assert "ambiguous_biannual" in ob.flags


def test_recurrence_required_of_others_is_not_the_actors_duty() -> None:
    assert (
        _run("The heads of agencies should require grant recipients to report annually to the agency.") == []
    )


# --- secondary sources -----------------------------------------------------------------------------

ARTICLES = [
    (
        "The White House issued Executive Order 14999 on March 2, 2026, including a requirement for "
        "the Secretary "
        "of Energy to publish grid rules within 90 days.",
        dt.date(2026, 3, 20),
        AnchorKind.ISSUED,
        dt.date(2026, 5, 31),
        "EO 14999",
    ),
    (
        "President Smith is today issuing an Executive Order on rail safety. Within five days of the "
        "Executive "
        "Order, the Agency will designate a coordinator.",
        dt.date(2023, 9, 20),
        AnchorKind.ISSUED,
        dt.date(2023, 9, 25),
        None,
    ),
    (
        "Today, as called for in the President's recent Executive Order, the Director issued "
        "guidance to agencies. "
        "Within 60 days, agencies are required to report back publicly.",
        dt.date(2025, 6, 23),
        AnchorKind.PUBLISHED,
        dt.date(2025, 8, 22),
        None,
    ),
    (
        "Last Thursday, the President signed Executive Order 14100 on ports. Within 30 days, the "
        "Secretary will "
        "deliver a plan.",
        dt.date(2023, 8, 15),
        AnchorKind.ISSUED,
        dt.date(2023, 9, 9),
        "EO 14100",
    ),
    (
        "Executive Order 14222, signed June 3, 2026, directs the Secretary of Homeland Security to "
        "revise rules "
        "within 180 days.",
        dt.date(2026, 6, 29),
        AnchorKind.ISSUED,
        dt.date(2026, 11, 30),
        "EO 14222",
    ),
]


@pytest.mark.parametrize(("text", "published", "kind", "due", "instrument"), ARTICLES)
def test_articles_find_the_reported_order_date(
    text: str, published: dt.date, kind: AnchorKind, due: dt.date, instrument: str | None
) -> None:
    ob = _one(text, kind="article", published=published)
    assert ob.anchor.kind == kind
    assert ob.due.date == due
    assert ob.due.date != published
    if instrument:
        assert ob.instrument == instrument


def test_article_with_only_its_own_date_keeps_a_null_due_date() -> None:
    ob = _one(
        "Within 30 days, the Secretary will deliver a plan.", kind="article", published=dt.date(2026, 1, 5)
    )
    assert ob.due.date is None
    assert ob.confidence < 0.6


def test_order_signed_last_week_is_not_the_article_date() -> None:
    ob = _one(
        "The President signed an executive order last week. Within 30 days, the Secretary will deliver a "
        "plan.",
        kind="article",
        published=dt.date(2026, 1, 5),
    )
    assert ob.anchor.kind == AnchorKind.ISSUED
    assert ob.due.date != dt.date(2026, 2, 4)


def test_summary_and_body_mentions_agree() -> None:
    summary = (
        "The White House issued Executive Order 14999 on March 2, 2026, including a requirement for the "
        "Secretary of Energy to publish grid rules within 90 days."
    )
    body = (
        "Reported events: The White House issued Executive Order 14999 on March 2, 2026, including a "
        "requirement that the Secretary of Energy publish grid rules within 90 days (Agency)."
    )
    obs = _run(f"Grid rules\n\n{summary}\n\n{body}", kind="article", published=dt.date(2026, 3, 20))
    assert len(obs) == 2
    a, b = obs
    assert (a.actor, a.action, a.deadline.text, a.due.date) == (
        b.actor,
        b.action,
        b.deadline.text,
        b.due.date,
    )
    assert a.actor == "Secretary of Energy" and a.action == "publish grid rules"


# --- look-alikes that are not deadlines ------------------------------------------------------------

NEGATIVES = [
    "The Secretary shall act pursuant to Executive Order 13953 of September 30, 2020 (Addressing Threats).",
    "This order shall remain in effect for 1 year.",
    "I am continuing for 1 year the national emergency declared in Executive Order 13873.",
    "The Secretary shall prepare a plan, with the goal of doubling offshore wind by 2030.",
    "This order is effective at 12:01 a.m. eastern daylight time on April 2, 2025.",
    "(a) On or after April 2, 2025, a tariff of 25 percent may be imposed on goods from such country.",
    "THE WHITE HOUSE,\n\nFebruary 24, 2021.",
    "[FR Doc. 2016-08650 Filed 4-14-16; 8:45 am]",
    "The Secretary shall periodically review the effectiveness of the regulations thereafter.",
    "The Board may from time to time revise its procedures.",
    "DATES: Effective: April 15, 2016.",
    "The emergency terminates unless, within 90 days prior to the anniversary date of its declaration, the "
    "President publishes a notice.",
    "The tariff shall expire 1 year after the last date on which the country imported such goods.",
    "On December 15, 2021, I issued Executive Order 14059 on drug trafficking.",
    "Whoever violates this section shall be imprisoned for not more than 20 years.",
    "This notice shall be published in the Federal Register and transmitted to the Congress.",
    "The failure to submit a response within 30 days shall be deemed to be a waiver of the right to respond.",
    "Nothing in this order shall be construed to impair the authority of any agency.",
    "The amounts shall remain available until September 30, 2029.",
    "The Administrator shall take such steps as of the date of enactment of this Act.",
    "Funds were obligated in fiscal year 2024 for design studies.",
    "The President signed the Act on June 26, 2024.",
    "The Secretary shall not, within 30 days of the date of this order, approve new leases.",
]


@pytest.mark.parametrize("text", NEGATIVES)
def test_negatives_yield_nothing(text: str) -> None:
    assert _run(text) == []


def test_notice_of_continuation_yields_nothing() -> None:
    text = (
        "On May 15, 2019, by Executive Order 13873, the President declared a national emergency. The "
        "emergency must continue in effect beyond May 15, 2023. Therefore, I am continuing for 1 year the "
        "national emergency. This notice shall be published in the Federal Register.\n\nMay 10, 2023."
    )
    assert _run(text, kind="notice") == []


def test_amendment_of_another_order_yields_no_undated_recurrence() -> None:
    text = (
        "Section 1 of Executive Order 12898 is amended to read:\n\n"
        "“(d) The Council shall publish an annual report.”"
    )
    assert _run(text) == []


def test_empty_and_blank_documents() -> None:
    assert _run("") == []
    assert _run("   \n\n  ") == []


def test_defining_case_customs_article() -> None:
    """The seed example: a JSON article reporting EO 14411 (signed June 3, 2026) in summary and body."""
    from pathlib import Path

    from tracker.extract.readers import read

    path = Path(__file__).resolve().parents[1].parent / "shared" / "examples" / "customs-ai-eo-14411.json"
    if not path.exists():
        pytest.skip(f"example not found: {path}")
    doc = read(str(path), path.read_bytes())
    obs = extract(doc)
    assert len(obs) == 2
    for ob in obs:
        assert doc.text[ob.span.start : ob.span.end] == ob.quote
        assert ob.actor == "Secretary of Homeland Security"
        assert ob.action == "revise importer-of-record rules"
        assert ob.deadline.text == "within 180 days"
        assert ob.anchor.kind == AnchorKind.ISSUED and ob.anchor.date == dt.date(2026, 6, 3)
        assert ob.deadline.period and ob.deadline.period.iso() == "P180D"
        assert ob.due.date == dt.date(2026, 11, 30)
        assert ob.instrument == "EO 14411"
    summary, body = doc.fields["summary"], doc.fields["body"]
    assert summary.start <= obs[0].span.start < summary.end
    assert body.start <= obs[1].span.start < body.end


@pytest.mark.parametrize(
    ("text", "action"),
    [
        (
            "Within 60 days of the date of this order, the Secretary of Energy shall publish a schedule "
            "for retiring the remaining coal units at federal facilities with the agencies concerned.",
            "publish a schedule for retiring the remaining coal units",  # 10th word "at" dropped
        ),
        (
            "Within 90 days of the date of this order, the Secretary of Labor shall submit a report on "
            "the effect of the new rules on apprentices in small firms.",
            "submit a report on the effect of the new rules",
        ),
        (
            "Within 30 days of the date of this order, the Secretary of State shall issue guidance to posts.",
            "issue guidance to posts",
        ),
    ],
)
def test_an_action_cut_short_does_not_end_on_a_word_that_leads_on(text: str, action: str) -> None:
    """Actions keep 10 words; a cut one drops trailing prepositions, articles and conjunctions."""
    assert _one(text, kind="executive_order", issued=dt.date(2026, 3, 2)).action == action
