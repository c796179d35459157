"""Generalization rules found by reading real instruments outside the dev corpus (executive orders,
memoranda, proclamations, fact sheets, Federal Register notices, statutes). Every sentence here is
written for the test in the style of those instruments; each row pins one general rule of legal
language: where an anchor phrase ends, dated schedule lines, event-timed duties, recurrences, dated
anchors, articles that report a signing, actors (pronouns, headings, mandative "that" clauses,
relative clauses in list items) and short verb-phrase actions.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tracker.extract import extract
from tracker.model import AnchorKind, Document, Obligation

ISSUED = dt.date(2026, 6, 3)


def _run(text: str, **kw: Any) -> list[Obligation]:
    kw.setdefault("kind", "executive_order")
    if kw["kind"] != "article":
        kw.setdefault("issued", ISSUED)
    doc = Document(text=text, source="gen.txt", **kw)
    obs = extract(doc)
    for ob in obs:
        assert doc.text[ob.span.start : ob.span.end] == ob.quote
    return obs


def _one(text: str, **kw: Any) -> Obligation:
    obs = _run(text, **kw)
    assert len(obs) == 1, [o.quote for o in obs]
    return obs[0]


def _after(days: int, start: dt.date = ISSUED) -> dt.date:
    return start + dt.timedelta(days=days)


# --- where an anchor phrase ends ---------------------------------------------------------------------

ANCHOR_ENDS = [
    # the instrument's name ends the anchor; the verb after it is the duty's
    (
        "The Director shall review the program and within 120 days of the date of this order submit a "
        "summary to the Council.",
        _after(120),
        "the date of this order",
    ),
    # a duty modal after the anchor is the cue of the sentence, not part of the anchor
    (
        "Grantees that cannot certify compliance within 90 days of the date of this order shall, at the "
        "end of that period, file a corrective plan with the Secretary.",
        _after(90),
        "the date of this order",
    ),
    # "until" ends the anchor of a recurring report
    (
        "Each agency shall file such reports every 30 days after the date of this order until the "
        "migration is complete.",
        _after(30),
        "the date of this order",
    ),
]


@pytest.mark.parametrize(("text", "due", "anchor"), ANCHOR_ENDS)
def test_anchor_phrase_ends_at_the_instrument(text: str, due: dt.date, anchor: str) -> None:
    ob = _one(text)
    assert ob.due.date == due
    assert ob.anchor.kind == AnchorKind.ISSUED and ob.anchor.text == anchor
    assert not ob.deadline.text.rstrip().endswith(("submit", "shall", "until"))


def test_date_on_which_keeps_its_event() -> None:
    ob = _one(
        "Not later than 10 days after the date on which the Board receives a petition, the Board shall "
        "notify the petitioner of the filing fee."
    )
    assert ob.anchor.kind == AnchorKind.EVENT and "receives a petition" in ob.anchor.text
    assert ob.due.date is None
    assert ob.actor == "Board"


def test_subsection_citation_stays_in_the_anchor_and_out_of_the_actor() -> None:
    ob = _one(
        "Within 45 days of the publication of the guidance required by subsection (c) of this section, "
        "the Administrator shall issue a compliance checklist."
    )
    assert ob.deadline.text.endswith("subsection (c) of this section")
    assert ob.actor == "Administrator"
    assert ob.action == "issue a compliance checklist"


# --- dated anchors ----------------------------------------------------------------------------------


def test_anchor_naming_a_dated_instrument_is_dated() -> None:
    ob = _one(
        "The Secretary shall, not later than 60 days after the date of the Proclamation of March 2, "
        "2026, recommend whether the measures should continue."
    )
    assert ob.due.date == dt.date(2026, 5, 1)


def test_anchor_that_is_a_calendar_date_is_absolute() -> None:
    ob = _one(
        "Not later than 1 year after October 13, 2026, the Secretary shall report to Congress.",
        kind="statute",
    )
    assert ob.anchor.kind == AnchorKind.ABSOLUTE
    assert ob.due.date == dt.date(2027, 10, 13)


def test_no_more_than_after_is_a_deadline_but_a_penalty_is_not() -> None:
    ob = _one("The Board shall, no more than 30 days after the date of this proclamation, report on imports.")
    assert ob.due.date == _after(30) and ob.deadline.text.startswith("no more than")
    assert _run("Any person who violates this section shall be imprisoned for not more than 5 years.") == []


# --- recurrences ------------------------------------------------------------------------------------


def test_each_calendar_month_thereafter() -> None:
    ob = _one(
        "The Secretary shall, as circumstances warrant and not later than 15 days after the date of this "
        "proclamation and by the last day of each calendar month thereafter, report to the President on "
        "the measures."
    )
    assert ob.due.date == _after(15)
    assert ob.deadline.recurrence == "FREQ=MONTHLY;INTERVAL=1"
    assert ob.action.startswith("report")


# --- schedule lines in notices ------------------------------------------------------------------------

SCHEDULE = """DATES: Comments must be submitted according to the following schedule:

June 30, 2026: Due date for filing notices of intent to testify.

July 10, 2026: The Board will hold a public meeting in the main hearing room.

The Board last met on March 3, 2026.
"""


def test_dated_schedule_lines_are_deadlines() -> None:
    obs = _run(SCHEDULE, kind="notice")
    assert [o.due.date for o in obs] == [dt.date(2026, 6, 30), dt.date(2026, 7, 10)]
    assert obs[0].actor == "interested parties"
    assert obs[1].actor == "Board" and obs[1].action.startswith("hold a public meeting")


def test_a_date_line_without_a_schedule_is_no_deadline() -> None:
    assert _run("March 3, 2026: The Board met and adopted its bylaws.", kind="notice") == []


# --- event-timed duties -------------------------------------------------------------------------------

EVENTS = [
    "Upon receiving the final audit, the Inspector General shall publish a summary of its findings.",
    "After receiving the nominations described in subsection (a), the Chair shall appoint the members.",
    "Following the adoption of the revised standards, each agency shall update its procurement manual.",
    "Following any updates to the handbook made under subsection (b), agencies shall revise their forms.",
    "The Secretary shall, as soon as practicable, transmit the findings to the Congress.",
]


@pytest.mark.parametrize("text", EVENTS)
def test_event_timed_duties(text: str) -> None:
    ob = _one(text)
    assert ob.anchor.kind == AnchorKind.EVENT and ob.due.date is None


NOT_EVENTS = [
    "Upon request, the Secretary shall provide copies of the plan.",
    "After the war ended, the agency was reorganized.",
    "The Secretary may, as soon as practicable, publish the data.",
]


@pytest.mark.parametrize("text", NOT_EVENTS)
def test_not_event_timed(text: str) -> None:
    assert _run(text) == []


# --- articles that report a signing --------------------------------------------------------------------


@pytest.mark.parametrize(
    "opening",
    [
        "Today, President Smith will sign an Executive Order on workforce training.",
        "Today, President Smith took action to modernize training. The Executive Order on Workforce "
        "Training does three things.",
    ],
)
def test_article_signing_today_dates_the_order(opening: str) -> None:
    duty = "The Secretary of Labor will, within 60 days, submit a plan to expand apprenticeships."
    text = f"{opening}\n\n{duty}\n"
    ob = _one(text, kind="article", published=ISSUED)
    assert ob.anchor.kind == AnchorKind.ISSUED and ob.due.date == _after(60)
    assert ob.actor == "Secretary of Labor"
    assert ob.action == "submit a plan to expand apprenticeships"


# --- actors ---------------------------------------------------------------------------------------------


def test_pronoun_subject_takes_the_nearest_named_officer() -> None:
    text = (
        "The order encourages the Secretary of the Treasury, in her role as chair of the Council, to study "
        "climate risk. Additionally, she should issue a report within 180 days on actions the Council "
        "recommends.\n"
    )
    ob = _one(text, kind="article", published=ISSUED)
    assert ob.actor == "Secretary of the Treasury"


def test_pronoun_in_a_conditional_sentence() -> None:
    text = (
        "If the FEMA Administrator receives a new request from the State, she will immediately submit a "
        "recommendation to the President.\n"
    )
    ob = _one(text, kind="article", published=ISSUED)
    assert ob.actor == "FEMA Administrator"


def test_mandative_that_clause_names_the_actor() -> None:
    text = (
        "The Executive Order directs that the Department of Labor publish annually a report on wage trends.\n"
    )
    ob = _one(text, kind="article", published=ISSUED)
    assert ob.actor == "Department of Labor"
    assert ob.action.startswith("publish")


ACTORS = [
    (
        "“(2) SECRETARY OF LABOR.—Not later than 30 days after the date on which a complete application is "
        "received, the Secretary shall approve or deny the application.",
        "Secretary",
    ),
    (
        "The Secretary of Commerce, in consultation with the Secretary of State, shall submit a report on "
        "export controls within 90 days of the date of this order.",
        "Secretary of Commerce",
    ),
    (
        "Within 60 days of the date of this order, the heads of all agencies shall designate a lead "
        "official.",
        "heads of agencies",
    ),
    (
        "(b) Public hearing.—Persons wishing to testify must file a request to appear on or before "
        "June 30, 2026.",
        "Persons wishing to testify",
    ),
    # a serial list of officials is the subject; a consultee list after "in consultation with" is not
    (
        "Within 180 days of the date of this order, the Secretary of State, the Secretary of the Interior, "
        "and the Administrator of General Services shall deliver a joint report.",
        "Secretary of State, Secretary of the Interior, and Administrator of General Services",
    ),
    (
        "The Secretary of Energy, in consultation with the Secretary of State, the Secretary of Labor, and "
        "the Chair, shall publish a plan within 90 days of the date of this order.",
        "Secretary of Energy",
    ),
    (
        "Within 30 days of the date of this order, the Director, the Chair of the Council of Economic "
        "Advisers, and the heads of other relevant agencies, as appropriate, shall submit a list.",
        "Director, Chair of the Council of Economic Advisers, and heads of other relevant agencies",
    ),
    # a conjunction between two time phrases is no subject
    (
        "As soon as practicable, but not later than 180 days after the date of this order, the Director, in "
        "consultation with the Secretary, shall issue guidance.",
        "Director",
    ),
    (
        "Promptly, and in any event within 60 days of the date of this order, the Administrator shall "
        "publish a plan.",
        "Administrator",
    ),
]


@pytest.mark.parametrize(("text", "actor"), ACTORS)
def test_actors(text: str, actor: str) -> None:
    kind = "statute" if text.startswith("“") else "executive_order"
    assert _one(text, kind=kind).actor == actor


def test_passive_duty_action_is_active() -> None:
    ob = _one(
        "An environmental review for which a fee is paid shall be completed not later than 1 year after the "
        "date on which the fee is paid.",
        kind="statute",
    )
    assert ob.action == "complete An environmental review" or ob.action == "complete an environmental review"


# --- list items: relative clauses ------------------------------------------------------------------------


def test_relative_clause_cue_in_an_item_is_not_the_items_duty() -> None:
    text = (
        "(b) Within 30 days of the date of this order, the head of each agency shall:\n\n"
        "(i) prepare an inventory of its systems, which shall identify each legacy system; and\n\n"
        "(ii) submit the inventory to the Director.\n"
    )
    obs = _run(text)
    assert len(obs) == 2
    assert {o.actor for o in obs} == {"head of each agency"}
    assert obs[0].action.startswith("prepare an inventory")


def test_relative_clause_in_an_object_list_is_no_duty() -> None:
    text = (
        "(c) Within 30 days of the date of this order, the Secretary shall propose contract terms that "
        "address:\n\n"
        "(i) the period within which vendors must disclose a breach, not to exceed 5 days after "
        "discovery; and\n\n"
        "(ii) the form of such disclosures.\n"
    )
    obs = _run(text)
    assert len(obs) == 1 and obs[0].due.date == _after(30)


def test_main_clause_modal_after_a_relative_clause_is_kept() -> None:
    text = (
        "(d) To that end:\n\n"
        "(iii) Agencies that are unable to complete the migration within 180 days of the date of this order "
        "shall, at the end of that period, provide a written rationale to the Director.\n"
    )
    ob = _one(text)
    assert ob.due.date == _after(180)
    assert ob.action.startswith("provide a written rationale")


# --- actions --------------------------------------------------------------------------------------------

ACTIONS = [
    (
        "The head of each agency shall submit to the Director of the Office of Management and Budget (OMB), "
        "within 90 days of the date of this memorandum, a detailed plan of actions.",
        "submit a detailed plan of actions",
    ),
    (
        "The head of each agency shall conduct such review and within 200 days of the date of this order "
        "provide a report to the Assistant to the President.",
        "provide a report",
    ),
    (
        "The Secretary shall recommend to the FAR Council contract language for cloud services within "
        "60 days of the date of this order.",
        "recommend contract language for cloud services",
    ),
    (
        "The Secretary shall, as appropriate and consistent with applicable law, remove noncompliant "
        "products within 30 days of the date of this order.",
        "remove noncompliant products",
    ),
]


@pytest.mark.parametrize(("text", "action"), ACTIONS)
def test_actions_are_short_verb_phrases(text: str, action: str) -> None:
    kind = "memorandum" if "memorandum" in text else "executive_order"
    ob = _one(text, kind=kind)
    assert ob.action == action
    assert len(ob.action.split()) <= 10


@pytest.mark.parametrize(
    ("text", "action"),
    [
        (
            "Within 180 days of the date of this order, the Secretary shall evaluate and, if appropriate, "
            "propose regulations on drug importation.",
            "evaluate",
        ),
        (
            "Within 90 days of the date of this order, the Task Force shall identify existing Federal "
            "resources on which grantees may draw.",
            "identify existing Federal resources",
        ),
    ],
)
def test_action_cut_at_a_stop_never_ends_on_a_leading_word(text: str, action: str) -> None:
    assert _one(text).action == action


def test_passive_item_under_a_thing_takes_the_sections_actor() -> None:
    text = (
        "Sec. 5. Grid Reserve. (a) Within 30 days of the date of this order, the Secretary of Energy shall "
        "develop a reserve margin method.\n\n(b) The method shall:\n\n(i) cover each region; and\n\n"
        "(ii) be published on the Department of Energy website within 90 days of the date of this order."
    )
    obs = _run(text)
    assert [(o.actor, o.due.date) for o in obs] == [
        ("Secretary of Energy", _after(30)),
        ("Secretary of Energy", _after(90)),
    ]


def test_two_deadlines_joined_by_and_split_without_losing_a_character() -> None:
    text = "The Board shall act within 30 days of the date of this order and by May 1, 2027."
    first, second = _run(text)
    assert first.quote == "The Board shall act within 30 days of the date of this order and"
    assert second.quote == "by May 1, 2027."
    assert (first.action, second.action) == ("act", "act")
    assert second.due.date == dt.date(2027, 5, 1)


def test_an_amount_is_never_the_actor_of_an_appropriation() -> None:
    text = (
        "SEC. 50101. HARBOR FUND.\n\n(a) In general.—In addition to amounts otherwise available, there is "
        "appropriated to the Maritime Administration for fiscal year 2025, out of any money in the Treasury "
        "not otherwise appropriated, $40,000,000, to remain available until September 30, 2030, of which "
        "$12,500,000 shall be obligated not later than September 30, 2026."
    )
    ob = _one(text, kind="statute")
    assert ob.actor == "Maritime Administration"
    assert ob.action == "obligate $12,500,000"
    assert ob.due.date == dt.date(2026, 9, 30)


def test_a_defined_short_name_is_named_in_full() -> None:
    text = (
        "Sec. 2. Review. (a) Within 60 days of the date of this order, the Secretary of Health and Human "
        "Services (Secretary) shall propose guidance on drug pricing.\n\n(b) Within 90 days of the date of "
        "this order, the Secretary shall publish a plan.\n\n(c) Within 120 days of the date of this order, "
        "the Director of the Office of Management and Budget (the OMB Director) shall report on the plan; "
        "the Secretary of Labor shall assist. Within 150 days of the date of this order, the OMB Director "
        "shall issue guidance."
    )
    actors = [o.actor for o in _run(text)]
    assert actors[:2] == ["Secretary of Health and Human Services"] * 2
    assert actors[-1] == "Director of the Office of Management and Budget"
