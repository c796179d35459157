"""Lifecycle of stored duties on both backends: merging sources, amendments, revocations, chains.

The sample documents in tests/data/lifecycle/ (an order, its amendment, its revocation and two
articles reporting it; all fictional) are stored through a stub extractor that returns the duties
listed in tests/data/lifecycle/duties.expected, so these tests do not move with the extractor.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import DATA
from tracker import config, dates
from tracker.model import (
    Anchor,
    AnchorKind,
    DatePolicy,
    DeadlineExpr,
    Document,
    Obligation,
    Period,
    RollPolicy,
    Span,
    Unit,
)
from tracker.service import Tracker
from tracker.store.repository import Filters

LIFE = DATA / "lifecycle"
SPEC = json.loads((LIFE / "duties.expected").read_text(encoding="utf-8"))
ORDER, AMEND = "eo-99001-harbor-readiness.txt", "eo-99002-amendment.txt"
REVOKE = "eo-99003-revocation.fr.json"
ARTICLE, EXTENSION = "article-harbor-order.json", "article-harbor-extension.json"
NOW = dt.datetime(2026, 6, 15, 9, 0, tzinfo=dt.UTC)


def stub_extractor(doc: Document, policy: DatePolicy) -> list[Obligation]:
    """The duties duties.expected lists for this document, resolved like the extractor would."""
    out = []
    for d in SPEC.get(Path(doc.source).name, []):
        start = doc.text.index(d["quote"])
        kind = AnchorKind(d["anchor"])
        date = dt.date.fromisoformat(d["anchor_date"]) if "anchor_date" in d else None
        if kind == AnchorKind.ISSUED and date is None:
            date = doc.issued
        anchor = Anchor(kind, date, d["anchor_text"], "duties.expected")
        expr = DeadlineExpr(d["deadline"], Period(d["days"], Unit.DAYS))
        span = Span(start, start + len(d["quote"]))
        due = dates.resolve(expr, anchor, policy)
        instrument = d.get("instrument", doc.instrument)
        out.append(Obligation(d["actor"], d["action"], d["quote"], span, expr, anchor, due, 0.9, instrument))
    return out


@dataclasses.dataclass
class Clock:
    now: dt.datetime = NOW

    def __call__(self) -> dt.datetime:
        return self.now


def make_tracker(db_url: str, clock: Clock | None = None, **dates_settings: object) -> Tracker:
    """A tracker on `db_url` with the stub extractor (the caller closes it)."""
    settings = config.load(None, database_url=db_url).model_copy(update={"user": "tester"})
    if dates_settings:
        settings.dates = settings.dates.model_copy(update=dates_settings)
    return Tracker(settings, clock=clock or Clock(), extractor=stub_extractor)


Factory = Callable[..., Tracker]


@pytest.fixture
def factory(db_url: str) -> Iterator[Factory]:
    """Makes trackers on this test's database; closes them before the database goes."""
    made: list[Tracker] = []

    def make(**dates_settings: object) -> Tracker:
        made.append(make_tracker(db_url, **dates_settings))
        return made[-1]

    yield make
    for tracker in made:
        tracker.close()


def ingest(tracker: Tracker, *names: str) -> None:
    report = tracker.ingest([str(LIFE / n) for n in names])
    assert not report.errors, report.errors


def by_actor(tracker: Tracker, status: tuple[str, ...] | None = None) -> dict[str, object]:
    return {t.actor: t for t in tracker.list(Filters(status=status))}


@pytest.fixture
def tracker(factory: Factory) -> Tracker:
    return factory()


# --- one duty, several sources ------------------------------------------------------------------


def test_an_article_wording_a_duty_differently_attaches_to_the_order(tracker: Tracker) -> None:
    ingest(tracker, ORDER, ARTICLE)
    items = by_actor(tracker)
    assert len(items) == 4  # the article's two duties are the order's, not new ones
    dhs = items["Secretary of Homeland Security"]
    assert dhs.due_date == dt.date(2026, 8, 29)  # the order's date, not the article's 2026-08-30
    claims = {(m.role, m.due_date) for m in dhs.mentions}
    assert claims == {("primary", dt.date(2026, 8, 29)), ("secondary", dt.date(2026, 8, 30))}
    dot = items["Secretary of Transportation"]
    assert [m.role for m in dot.mentions] == ["primary", "secondary"]
    detail = tracker.show(dhs.id)
    assert [h.action for h in detail.history] == ["ingest", "mention"]


def test_an_order_arriving_after_a_report_wins_and_keeps_the_reports_id(tracker: Tracker) -> None:
    ingest(tracker, ARTICLE)
    first = by_actor(tracker)["Homeland Security Secretary"]
    assert first.due_date == dt.date(2026, 8, 30)
    ingest(tracker, ORDER)
    items = by_actor(tracker)
    assert len(items) == 4
    dhs = items["Secretary of Homeland Security"]
    assert dhs.id == first.id  # ids never change once given out
    assert dhs.due_date == dt.date(2026, 8, 29) and dhs.sequence == 1
    history = tracker.show(dhs.id).history
    merged = [h for h in history if h.action == "merge" and h.field_name == "due_date"]
    assert merged and merged[0].old == "2026-08-30" and merged[0].new == "2026-08-29"


def test_reingest_keeps_ids_and_adds_nothing(tracker: Tracker, tmp_path: Path) -> None:
    ingest(tracker, ORDER, ARTICLE, EXTENSION)
    before = {t.id: t.due_date for t in tracker.list(Filters())}
    ingest(tracker, ORDER, ARTICLE, EXTENSION)
    # A new version of the article (other bytes) states the same duties: same ids, one more mention.
    copy = tmp_path / ARTICLE
    data = json.loads((LIFE / ARTICLE).read_text(encoding="utf-8"))
    copy.write_text(json.dumps({**data, "title": data["title"] + " (updated)"}), encoding="utf-8")
    report = tracker.ingest([str(copy)])
    assert report.obligations_new == 0 and report.mentions_new == 2
    assert {t.id: t.due_date for t in tracker.list(Filters())} == before


# --- amendments and revocations -----------------------------------------------------------------


def _amended(tracker: Tracker) -> None:
    dhs = by_actor(tracker)["Secretary of Homeland Security"]
    assert dhs.due_date == dt.date(2026, 10, 28)  # 2026-03-02 + 240 days
    assert dhs.period == "P240D" and dhs.deadline_text == "within 240 days of the date of this order"
    assert any("amended" in s.text and "EO 99002" in s.text for s in dhs.explanation)
    others = {a: t.due_date for a, t in by_actor(tracker).items() if a != dhs.actor}
    assert others["Secretary of Transportation"] == dt.date(2026, 5, 31)  # section 2 is not amended
    events = [h for h in tracker.show(dhs.id).history if h.action == "amend"]
    assert {h.field_name for h in events} == {"deadline_text", "due_date"}
    assert all(h.document_id is not None and "EO 99002" in (h.reason or "") for h in events)


def test_an_amendment_recomputes_the_due_date_and_bumps_the_sequence(tracker: Tracker) -> None:
    ingest(tracker, ORDER)
    seq = by_actor(tracker)["Secretary of Homeland Security"].sequence
    ingest(tracker, AMEND)
    _amended(tracker)
    assert by_actor(tracker)["Secretary of Homeland Security"].sequence == seq + 1
    detail = tracker.show(by_actor(tracker)["Secretary of Homeland Security"].id)
    assert any(src.endswith(AMEND) for src in detail.documents.values())


def test_an_amendment_read_before_its_order_still_applies(tracker: Tracker) -> None:
    ingest(tracker, AMEND, ORDER)
    _amended(tracker)


def test_reports_of_the_old_and_the_new_period_both_find_the_amended_duty(tracker: Tracker) -> None:
    ingest(tracker, ORDER, AMEND, EXTENSION, ARTICLE)
    items = by_actor(tracker)
    assert len(items) == 4
    dhs = items["Secretary of Homeland Security"]
    assert dhs.due_date == dt.date(2026, 10, 28)
    assert sorted(m.role for m in dhs.mentions) == ["primary", "secondary", "secondary"]


def test_a_report_read_before_the_amendment_is_folded_in_when_it_arrives(tracker: Tracker) -> None:
    ingest(tracker, ORDER, EXTENSION)  # the report's 240 days match nothing yet: a duty of its own
    assert len(tracker.list(Filters())) == 5
    [twin] = [t for t in tracker.list(Filters()) if t.period == "P240D"]
    ingest(tracker, AMEND)
    items = tracker.list(Filters())
    assert len(items) == 4
    [dhs] = [t for t in items if t.actor == "Secretary of Homeland Security"]
    assert sorted(m.role for m in dhs.mentions) == ["primary", "secondary"]
    assert any(h.action == "merge" for h in tracker.show(dhs.id).history)
    assert tracker.show(twin.id).obligation.id == dhs.id  # the folded id still answers


@pytest.mark.parametrize("seed", range(6))
def test_the_result_does_not_depend_on_the_order_of_ingest(tmp_path: Path, seed: int) -> None:
    import random

    names = [ORDER, ARTICLE, AMEND, EXTENSION, REVOKE]
    baseline = _outcome(tmp_path / "base.db", names)
    random.Random(seed).shuffle(names)
    assert _outcome(tmp_path / "shuffled.db", names) == baseline, names


def _outcome(path: Path, names: list[str]) -> list[tuple[object, ...]]:
    tracker = make_tracker(f"sqlite:///{path}")
    try:
        for name in names:
            ingest(tracker, name)
        items = tracker.list(Filters())
    finally:
        tracker.close()
    return sorted(
        (
            t.actor,
            t.action,
            t.period,
            t.due_date,
            t.status.value,
            sorted((m.document, m.start) for m in t.mentions),
        )
        for t in items
    )


def test_amendments_apply_in_the_order_of_their_instruments(tracker: Tracker, tmp_path: Path) -> None:
    later = tmp_path / "eo-99004-second-amendment.txt"
    later.write_text(
        "A sample written for tests; Executive Order 99004 is fictional.\n\nSection 1. Section 4(b) of "
        'Executive Order 99001 is amended by striking "240 days" and inserting "300 days".\n',
        encoding="utf-8",
    )
    later.with_name("eo-99004-second-amendment.meta.json").write_text(
        json.dumps({"title": "Executive Order 99004", "kind": "executive_order", "issued": "2026-05-01"}),
        encoding="utf-8",
    )
    ingest(tracker, ORDER)
    assert not tracker.ingest([str(later)]).errors  # 240 → 300 arrives first: nothing to strike yet
    ingest(tracker, AMEND)  # 180 → 240, then the later one again: 240 → 300
    dhs = by_actor(tracker)["Secretary of Homeland Security"]
    assert dhs.period == "P300D" and dhs.due_date == dt.date(2026, 12, 27)


def test_a_revocation_closes_open_duties_once(tracker: Tracker) -> None:
    ingest(tracker, ORDER, ARTICLE)
    gsa = by_actor(tracker)["Administrator of General Services"]
    tracker.done(gsa.id, on=dt.date(2026, 4, 20))
    ingest(tracker, REVOKE)
    statuses = {a: t.status.value for a, t in by_actor(tracker, None).items()}
    assert statuses == {
        "Secretary of Transportation": "revoked",
        "Secretary of Commerce": "revoked",
        "Administrator of General Services": "done",  # finished before the revocation: history
        "Secretary of Homeland Security": "revoked",
    }
    dot = by_actor(tracker, None)["Secretary of Transportation"]
    event = next(h for h in tracker.show(dot.id).history if h.action == "status")
    assert event.reason == "EO 99001 revoked by EO 99003" and event.document_id is not None
    # Reopened by hand, it stays open when the same revocation is read again from another copy.
    tracker.reopen(dot.id, reason="the new order restates this duty")
    other = DATA / "lifecycle" / REVOKE
    copy = json.loads(other.read_text(encoding="utf-8"))
    copy["html_url"] += "?copy"
    path = Path(str(other).replace(".fr.json", ".copy.fr.json"))
    try:
        path.write_text(json.dumps(copy), encoding="utf-8")
        report = tracker.ingest([str(path)])
    finally:
        path.unlink()
    assert report.changes_new == 0
    assert by_actor(tracker, None)["Secretary of Transportation"].status.value == "open"


def test_reports_of_a_revocation_change_nothing(tracker: Tracker, tmp_path: Path) -> None:
    ingest(tracker, ORDER)
    news = tmp_path / "news.json"
    news.write_text(
        json.dumps({"title": "Sample", "body": "Executive Order 99001 is hereby revoked, a sample says."}),
        encoding="utf-8",
    )
    assert tracker.ingest([str(news)]).changes_new == 0
    assert {t.status.value for t in tracker.list(Filters())} == {"open"}


# --- status, corrections, chains -------------------------------------------------------------


def test_status_changes_are_audited_and_bump_the_sequence(tracker: Tracker) -> None:
    ingest(tracker, ORDER)
    dot = by_actor(tracker)["Secretary of Transportation"]
    tracker.clock.now = NOW + dt.timedelta(hours=1)  # type: ignore[attr-defined]
    out = tracker.done(dot.id, on=dt.date(2026, 5, 20), by="alice")
    assert (out.edits[0].field, out.edits[0].old, out.edits[0].new) == ("status", "open", "done")
    assert tracker.done(dot.id).edits == []  # done twice: nothing to do
    tracker.waive(dot.id, reason="moot")
    tracker.reopen(dot.id)
    t = tracker.show(dot.id)
    events = [(h.who, h.action, h.old, h.new, h.reason) for h in t.history if h.action == "status"]
    assert events == [
        ("alice", "status", "open", "done", "done on 2026-05-20"),
        ("tester", "status", "done", "waived", "moot"),
        ("tester", "status", "waived", "open", None),
    ]
    assert t.obligation.sequence == dot.sequence + 3
    assert t.obligation.updated_at == NOW + dt.timedelta(hours=1)
    with tracker.repo() as repo:
        assert repo.get_state("feeds_changed_at") == (NOW + dt.timedelta(hours=1)).isoformat()


def test_a_manual_date_survives_reingest_and_recompute(factory: Factory) -> None:
    tracker = factory()
    ingest(tracker, ORDER)
    gsa = by_actor(tracker)["Administrator of General Services"]
    tracker.set_due(gsa.id, dt.date(2026, 7, 1), "GSA asked for more time")
    ingest(tracker, ORDER, ARTICLE)
    rolled = factory(roll={"executive_order": RollPolicy.FOLLOWING})
    rolled.recompute()
    t = rolled.show(gsa.id).obligation
    assert t.due_date == dt.date(2026, 7, 1) and t.override_reason == "GSA asked for more time"
    assert t.explanation[-1].kind == "override"
    rolled.set_due(gsa.id, None, "back to the order's date")
    assert rolled.show(gsa.id).obligation.due_date == dt.date(2026, 5, 1)


def test_recompute_applies_a_new_roll_policy_and_records_each_change(factory: Factory) -> None:
    ingest(factory(), ORDER)
    rolled = factory(roll={"executive_order": RollPolicy.FOLLOWING})
    changes = {(e.id, e.old, e.new) for e in rolled.recompute()}
    items = by_actor(rolled)
    dot, dhs = items["Secretary of Transportation"], items["Secretary of Homeland Security"]
    assert changes == {(dot.id, "2026-05-31", "2026-06-01"), (dhs.id, "2026-08-29", "2026-08-31")}
    assert items["Administrator of General Services"].due_date == dt.date(2026, 5, 1)  # a Friday
    event = next(h for h in rolled.show(dot.id).history if h.action == "recompute")
    assert "roll following" in (event.reason or "")
    assert rolled.recompute() == []  # nothing left to change


def test_anchor_dates_an_event_and_the_due_date_follows(tracker: Tracker) -> None:
    ingest(tracker, ORDER)
    doc = by_actor(tracker)["Secretary of Commerce"]
    assert doc.due_date is None
    tracker.anchor(doc.id, date=dt.date(2026, 5, 25), reason="plan posted")
    t = tracker.show(doc.id).obligation
    assert t.due_date == dt.date(2026, 6, 24)
    assert t.anchor.date == dt.date(2026, 5, 25) and "plan posted" in t.anchor.source


def test_a_chained_deadline_counts_from_the_completion_of_the_duty_it_names(tracker: Tracker) -> None:
    ingest(tracker, ORDER)
    items = by_actor(tracker)
    plan, guidance = items["Secretary of Transportation"], items["Secretary of Commerce"]
    assert tracker.show(guidance.id).anchor_ref == plan.id  # "the plan described in subsection (a)"
    tracker.done(plan.id, on=dt.date(2026, 5, 20))
    assert tracker.show(guidance.id).obligation.due_date == dt.date(2026, 6, 19)
    tracker.reopen(plan.id)
    assert tracker.show(guidance.id).obligation.due_date is None  # never the plan's due date
    tracker.anchor(guidance.id, date=dt.date(2026, 6, 1), reason="posted early")
    tracker.done(plan.id, on=dt.date(2026, 6, 2))
    assert tracker.show(guidance.id).obligation.due_date == dt.date(2026, 7, 1)  # the hand-given date wins


def test_a_chain_cannot_loop(tracker: Tracker) -> None:
    from tracker.errors import UsageError

    ingest(tracker, ORDER)
    items = by_actor(tracker)
    plan, guidance = items["Secretary of Transportation"], items["Secretary of Commerce"]
    with pytest.raises(UsageError, match="cannot loop"):
        tracker.anchor(plan.id, after=guidance.id, reason="loop")


def test_tags_and_notes(tracker: Tracker) -> None:
    ingest(tracker, ORDER)
    dhs = by_actor(tracker)["Secretary of Homeland Security"]
    tracker.tag(dhs.id, ["customs", "priority"])
    tracker.tag(dhs.id, ["customs"])  # already there: no event
    tracker.tag(dhs.id, ["priority"], remove=True)
    tracker.note(dhs.id, "call the importers' council")
    t = tracker.show(dhs.id)
    assert t.obligation.tags == ("customs",)
    assert t.obligation.sequence == dhs.sequence  # tags and notes are not calendar changes
    assert [(h.action, h.new) for h in t.history[1:]] == [
        ("tag", '["customs","priority"]'),  # the stored form: filters.tags_text
        ("tag", '["customs"]'),
        ("note", None),
    ]
    assert t.history[-1].reason == "call the importers' council"
    assert [x.id for x in tracker.list(Filters(tag="customs"))] == [dhs.id]


def test_list_filters_combine(tracker: Tracker) -> None:
    ingest(tracker, ORDER)
    overdue = tracker.list(Filters(status=("open",)), overdue=True)  # today is 2026-06-15
    assert [t.due_date for t in overdue] == [dt.date(2026, 5, 1), dt.date(2026, 5, 31)]
    soon = tracker.list(Filters(status=("open",)), within_days=90)
    assert [t.due_date for t in soon] == [dt.date(2026, 8, 29)]
    assert tracker.list(Filters(actor="homeland", status=("open",)), overdue=True) == []
    stats = tracker.stats()
    assert stats.total == 4 and stats.overdue == 2 and stats.awaiting == 1
    assert stats.by_month == {"2026-05": 2, "2026-08": 1, "undated": 1}


def test_the_clock_can_be_fixed_from_the_environment() -> None:
    from tracker.errors import ConfigError
    from tracker.service.clock import clock_from_env, system_clock

    assert clock_from_env({}) is system_clock
    assert clock_from_env({"TRACKER_NOW": "2026-06-15T09:30:00+02:00"})() == dt.datetime(
        2026, 6, 15, 7, 30, tzinfo=dt.UTC
    )
    assert clock_from_env({"TRACKER_TODAY": "2026-06-15"})().date() == dt.date(2026, 6, 15)
    with pytest.raises(ConfigError, match="TRACKER_NOW"):
        clock_from_env({"TRACKER_NOW": "soon"})
