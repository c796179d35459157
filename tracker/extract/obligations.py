"""Stages 4 and 7 and the pipeline: time tokens + clauses + cues → `Obligation`s with quotes, anchors,
due dates (via `tracker.dates.resolve`) and graded confidence.

A row is one (duty, deadline) occurrence: two deadlines in one sentence give two rows; a deadline in a
lead-in ("Within 1 year ..., the heads of agencies shall submit the following reports:") gives one row
per duty item under it, quoting the item. Pure: no I/O, no clock.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from tracker.dates import resolve
from tracker.extract.actors import (
    Cue,
    action_after,
    is_hortatory,
    is_passive,
    modal_of,
    passive_action,
)
from tracker.extract.anchors import (
    classify,
    dated_event,
    dated_in_phrase,
    report_anchor,
    reported_instrument,
)
from tracker.extract.attribution import _actor, _item_actor, defined_name
from tracker.extract.clauses import _clause, _split_points, _trim
from tracker.extract.context import _Ctx, _cue_for, _lowered, _valid_cues
from tracker.extract.deadlines import expr_of
from tracker.extract.leadins import (
    _is_heading,
    _items_take_deadline,
    _leadin_cue,
    _leadin_mode,
    _leadin_tokens,
    item_verb_start,
)
from tracker.extract.numbers import ref_date
from tracker.extract.patterns import TimeToken
from tracker.extract.prefilter import may_hold
from tracker.extract.scan import tokenize
from tracker.extract.segment import Unit, segment
from tracker.extract.sentences import sentences
from tracker.model import Anchor, AnchorKind, DatePolicy, Document, DueDate, Obligation, Span, Step

_MAY_RELATIONS = {"on_or_before", "not_later_than", "no_later_than", "by", "within"}
_PAST_BEFORE = re.compile(
    r"\b(?:issued|signed|filed|adopted|published|declared|approved|dated|enacted|requested|commissioned|was|were"
    r"|had|took|received|announced|beginning\s+at)\b[^;:]{0,160}$",
    re.I,
)
_EFFECT_BEFORE = re.compile(
    r"\b(?:effective|take[s]?\s+effect|took\s+effect|expire[sd]?|expiring|remains?\s+available|in\s+effect"
    r"|continu\w+|terminat\w+|sunset)\b(?:\W+\w+){0,7}\W*$",
    re.I,
)
_EFFECT_WORDS = ("effect", "expir", "remain", "continu", "terminat", "sunset")  # one is in each match
_REQUIRE_OTHERS = re.compile(r"\b(?:require|requires|requiring)\s+(?:[^\s,;]+\s+){1,8}?to\b[^.;]*$", re.I)
_RELATIVE = re.compile(
    r"(?<=\w)(?:,|\s+(?:within|by|under|for|to))?\s+(?:which|who|whom|whose|that)(?:\s+[\w’'-]+){0,2}\s*$"
)
_LAST_UNTIL = re.compile(r"^\W*(?:with\s+)?the\s+(?:last|final)\s+\w+(?:\s+to\s+be\s+\w+)?\s*$", re.I)
_PAST_WORDS = (  # one is in each match of _PAST_BEFORE
    *("issued", "signed", "filed", "adopted", "published", "declared", "approved", "dated", "enacted"),
    *("requested", "commissioned", "was", "were", "had", "took", "received", "announced", "beginning"),
)
_GOAL_WORDS = ("goal", "target", "aim")
_BEGINNING_AT = re.compile(r"\bbeginning\s+at\b")
_GOAL = re.compile(r"\b(?:goal|target|aim)\b", re.I)


def _after_last_cut(before: str) -> str:
    """`re.split(r";|:(?!\\d)", before)[-1]`: the text after the last ";" or ":" not followed by a digit."""
    i = before.rfind(";")
    j = before.rfind(":")
    while j > i and j + 1 < len(before) and before[j + 1].isdecimal():  # "\d" is a decimal character
        j = before.rfind(":", 0, j)
    return before[max(i, j) + 1 :]


def _relative_before(text: str, lo: int, hi: int) -> bool:
    """Whether `text[lo:hi]` ends in a relative clause opener (`_RELATIVE`); each holds "wh" or "that"."""
    if text.find("wh", lo, hi) < 0 and text.find("that", lo, hi) < 0:
        return False
    return _RELATIVE.search(text, lo, hi) is not None


def _token_ok(ctx: _Ctx, tok: TimeToken, unit: Unit) -> bool:
    before = ctx.text[max(unit.start, tok.start - 200) : tok.start]
    clause_before = _after_last_cut(before)
    if may_hold(clause_before, _EFFECT_WORDS) and _EFFECT_BEFORE.search(clause_before):
        return False
    if (
        tok.kind == "date"
        and tok.relation in ("on", "before")
        and may_hold(clause_before, _PAST_WORDS)
        and _PAST_BEFORE.search(clause_before)
    ):
        return False
    return not (
        tok.kind == "date"
        and tok.relation == "on"
        and "beginning" in clause_before  # the pattern's literal: a search tries every position
        and _BEGINNING_AT.search(clause_before)
    )


def _anchor_for(ctx: _Ctx, tok: TimeToken) -> Anchor:
    if tok.kind == "date":
        when = ref_date(tok.date_ref) if tok.date_ref else None
        return Anchor(AnchorKind.ABSOLUTE, when, tok.text.strip(), "text")
    if tok.kind == "recur":
        return Anchor(AnchorKind.NONE, None, "", "")
    if not tok.anchor_text:
        if ctx.secondary and ctx.report is not None and tok.kind == "offset":
            r = ctx.report
            what = "the reported order" if r.kind == AnchorKind.ISSUED else "today's action in the article"
            return Anchor(r.kind, r.date, what, r.source)
        return Anchor(AnchorKind.EVENT, None, "", "")
    anchor = ctx.anchors.get(tok.anchor_text)
    if anchor is None:
        anchor = ctx.anchors[tok.anchor_text] = _classified(ctx, tok.anchor_text)
    return anchor


def _classified(ctx: _Ctx, anchor_text: str) -> Anchor:
    """The anchor an anchor phrase names in this document (the same phrase recurs: memoized in `ctx`)."""
    anchor = classify(anchor_text, ctx.doc, ctx.report if ctx.secondary else None)
    if anchor.kind == AnchorKind.EVENT:
        found = dated_in_phrase(anchor.text) or dated_event(
            anchor.text, ctx.text, ctx.sentences, lambda: _lowered(ctx)
        )
        if found:
            kind = AnchorKind.ABSOLUTE if found[1] == "as written" else AnchorKind.EVENT
            return Anchor(kind, found[0], anchor.text, found[1] if kind == AnchorKind.EVENT else "text")
    return anchor


_PENALTIES = {
    "inherited": 0.08,
    "inferred_actor": 0.1,
    "event_anchor": 0.12,
    "month_only": 0.05,
    "words_digits_mismatch": 0.2,
    "goal_wording": 0.3,
    "reported": 0.12,
    "unstated_anchor": 0.2,
    "weekday_mismatch": 0.15,
    "ambiguous_biannual": 0.15,
}


_DOCUMENT_DATES = (AnchorKind.ISSUED, AnchorKind.ENACTED, AnchorKind.PUBLISHED, AnchorKind.EFFECTIVE)


def _confidence(cue: Cue, anchor: Anchor, flags: list[str], ctx: _Ctx) -> float:
    c = 0.95
    if is_hortatory(cue):
        c -= 0.25
    elif cue.word in ("will", "may") or cue.kind in ("auth", "inf", "proviso", "copular", "requirement"):
        c -= 0.12
    c -= sum([_PENALTIES.get(f, 0.0) for f in flags])
    if anchor.date is None and (ctx.secondary or anchor.kind in _DOCUMENT_DATES):  # an undated "this order"
        c -= 0.2
    c = min(0.99, max(0.05, c))
    rounded = _ROUNDED.get(c)
    if rounded is None:  # `round` works through decimal digits; the penalty sums are few
        rounded = _ROUNDED[c] = round(c, 3)
    return rounded


_ROUNDED: dict[float, float] = {}


def extract(doc: Document, policy: DatePolicy = DatePolicy()) -> list[Obligation]:
    """Every (duty, deadline) occurrence in `doc`, ordered by span start; `quote == text[span]`."""
    text = doc.text
    if not text or text.isspace():  # `not text.strip()` without copying the text
        return []
    all_tokens = tokenize(text)
    units = segment(text, [t.start for t in all_tokens])
    # a report about an order, or a text of unknown kind with no date (an order read without its date is
    # no report: "the date of this order" stays undated rather than taking the date of an order it cites)
    secondary = doc.kind == "article" or (doc.issued is None and doc.kind == "unknown")
    report = report_anchor(doc) if secondary else None
    instrument = doc.instrument
    if instrument is None and secondary:
        instrument = (report.instrument if report else None) or reported_instrument(text)
    ctx = _Ctx(
        doc, text, policy, report, secondary, instrument, [(u.start, u.end) for u in units], {}, {}, units
    )
    # Each token goes to the unit it starts in (units are disjoint and in order), if it passes `_token_ok`.
    starts = [u.start for u in units]
    kept: dict[int, list[TimeToken]] = {}
    for tok in all_tokens:
        i = bisect_right(starts, tok.start) - 1
        if i >= 0 and tok.start < units[i].end and _token_ok(ctx, tok, units[i]):
            kept.setdefault(i, []).append(tok)
    for i, toks in kept.items():
        units[i].tokens = toks
    out: list[Obligation] = []
    seen: set[tuple[int, int, str | None]] = set()
    for i, u in enumerate(units):
        toks = u.tokens
        if not toks and (u.leadin is None or not u.first_in_item or not _leadin_tokens(ctx, u.leadin)):
            continue  # nothing timed here or above: no row can come from this unit
        ucues = _valid_cues(ctx, u)
        if u.leadin is not None and u.first_in_item and ucues:
            # "(ii) develop a plan ..., which shall incorporate ...": a cue inside a relative clause of
            # the item is not the item's own duty; the item takes the lead-in's cue.
            ucues = [
                c for c in ucues if not _relative_before(text, max(u.body_start + 1, c.start - 80), c.start)
            ]
        if u.leadin is not None and u.first_in_item and ucues and not toks:
            # An item paragraph without a time phrase stays one unit: under a lead-in with no verb of its
            # own ("The Secretary shall:"), a cue only in a later sentence ("... The process should ensure
            # ...") elaborates the item; the item's duty is its first sentence under the lead-in's modal.
            first_end = sentences(text, u.start, u.end)[0][1]
            if ucues[0].start >= first_end and _leadin_mode(ctx, u.leadin) == "bare":
                ucues = []
        ctx.unit_index = i
        deadlines = [t for t in toks if t.kind != "recur"]
        inherited_from: TimeToken | None = None
        inherit_cue: Cue | None = None
        if u.leadin is not None and u.first_in_item:
            lead_toks = _leadin_tokens(ctx, u.leadin)
            mode = _leadin_mode(ctx, u.leadin)
            duty = bool(ucues) or (mode == "bare" and not _is_heading(ctx, u))
            if duty and not ucues:
                inherit_cue = _leadin_cue(ctx, u.leadin)
            if duty and not deadlines and lead_toks and _items_take_deadline(ctx, u.leadin):
                inherited_from = lead_toks[-1]
        if u.is_leadin and (deadlines or inherited_from is not None) and _items_take_deadline(ctx, u):
            continue  # its items carry the deadline (its own, or one from a lead-in above: "Within 60
            # days of the date of this order:" over "(a) The Secretary shall:" over its items)
        rows: list[tuple[TimeToken, TimeToken | None, Cue | None, int, int, list[str]]] = []
        if inherited_from is not None:
            cue = ucues[0] if ucues else inherit_cue
            s, e = _trim(text, u.body_start, u.end)
            rows.append(
                (
                    inherited_from,
                    _recur_for(ctx, inherited_from, u.leadin.tokens, ucues),
                    cue,
                    s,
                    e,
                    ["inherited"],
                )
            )
        else:
            spans = _split_points(ctx, u.body_start, u.end, deadlines) if deadlines else []
            for tok, (s, e) in zip(deadlines, spans, strict=False):
                cue = _cue_for(ctx, tok, ucues)
                if cue is None and tok.relation in _MAY_RELATIONS:
                    cue = _cue_for(ctx, tok, [c for c in _valid_cues(ctx, u, True) if c.word == "may"])
                flags: list[str] = []
                if cue is None and tok.relation == "deadline":
                    cue = Cue("copular", "deadline", tok.start, tok.start)
                if cue is None and inherit_cue is not None:
                    cue, flags = inherit_cue, ["inherited"]
                if cue is None or (cue.word == "may" and tok.relation not in _MAY_RELATIONS):
                    continue
                s, e = _trim(text, s, e)
                rows.append((tok, _recur_for(ctx, tok, toks, ucues), cue, s, e, flags))
            rows.extend(_standalone_recurrences(ctx, u, toks, deadlines, ucues, inherit_cue))
        for tok, rec, cue, s, e, flags in rows:
            if cue is None or e <= s:
                continue
            ob = _build(ctx, u, tok, rec, cue, s, e, flags, toks)
            key = (ob.span.start, ob.span.end, ob.deadline.text)
            if key in seen:
                continue
            seen.add(key)
            out.append(ob)
    for u in units:  # a lead-in and its items refer to each other: free them now, not in a GC pass
        u.leadin = None
    out.sort(key=lambda o: (o.span.start, o.span.end))
    return out


def _recur_for(ctx: _Ctx, tok: TimeToken, toks: list[TimeToken], ucues: list[Cue]) -> TimeToken | None:
    """The recurrence that repeats `tok`'s duty: "and annually thereafter" right after it, or a
    recurrence word in the same clause with no second duty cue in between."""
    if all(r.kind != "recur" for r in toks):
        return None
    gov = _cue_for(ctx, tok, ucues)
    for r in toks:
        if r.kind != "recur":
            continue
        lo, hi = (tok.end, r.start) if r.start >= tok.end else (r.end, tok.start)
        if any(lo <= c.start < hi and c is not gov for c in ucues) and r.relation != "thereafter":
            continue
        if r.relation == "thereafter" and r.start >= tok.end and r.start - tok.end <= 80:
            return r
        if r.relation != "thereafter" and abs(r.start - tok.start) < 400:
            return r
    return None


def _standalone_recurrences(ctx: _Ctx, u: Unit, toks, deadlines, ucues, inherit_cue):  # type: ignore[no-untyped-def]
    rows = []
    for r in toks:
        if r.kind != "recur" or r.relation == "thereafter":
            continue
        if any(_recur_for(ctx, d, [r], ucues) is r for d in deadlines):
            continue
        if u.quoted and ctx.doc.kind != "statute":
            continue  # an amendment of another instrument restates its duties; no anchor here
        before = [c for c in ucues if c.end <= r.start]
        cue = before[-1] if before else inherit_cue
        if cue is None and ucues and ucues[0].start - r.end < 60:
            cue = ucues[0]
        if cue is None or (is_hortatory(cue) and _REQUIRE_OTHERS.search(ctx.text[cue.end : r.start])):
            continue
        if _REQUIRE_OTHERS.search(ctx.text[cue.end : r.start]):
            continue  # "shall require recipients to report annually": the recurring act is someone else's
        flags = ["inherited"] if cue is inherit_cue and cue not in ucues else []
        s, e = _trim(ctx.text, u.body_start, u.end)
        rows.append((r, None, cue, s, e, flags))
    return rows


def _build(
    ctx: _Ctx,
    u: Unit,
    tok: TimeToken,
    rec: TimeToken | None,
    cue: Cue,
    s: int,
    e: int,
    flags: list[str],
    toks: list[TimeToken],
) -> Obligation:
    text = ctx.text
    flags = [*flags, *tok.flags]
    until = None
    if rec is None and tok.kind == "recur":
        rec, tok = None, tok
    between = text[rec.end : tok.start].split(",")[-1] if rec is not None else ""
    if tok.kind != "recur" and rec is not None and rec.start < tok.start and _LAST_UNTIL.match(between):
        until = tok.date_ref
    expr = expr_of(tok, rec, until)
    anchor = _anchor_for(ctx, tok)
    if anchor.kind == AnchorKind.EVENT:
        flags.append("event_anchor")
        if not anchor.text and tok.kind == "offset":
            flags.append("unstated_anchor")
    if is_hortatory(cue):
        flags.append("hortatory")
    if ctx.secondary:
        flags.append("reported")
    if tok.kind == "date" and may_hold(text[s:e], _GOAL_WORDS) and _GOAL.search(text[s:e]):
        flags.append("goal_wording")
    spans = [(t.start, t.end) for t in toks]
    if cue.start < u.start or cue.start >= u.end:  # inherited from a lead-in
        verb = item_verb_start(text, u.body_start, u.end, spans)
        actor = _item_actor(ctx, u, verb)
        if not actor:
            flags.append("inferred_actor")
        stop = sentences(text, verb, u.end)[0][1] if ". " in text[verb : u.end] else u.end
        action = action_after(text, Cue("item", "", verb, verb), stop, spans)
    else:
        passive = is_passive(text, cue)
        clause_start = s if s <= cue.start else u.body_start
        if "inherited" in flags and ". " in text[clause_start : cue.start]:
            # an unsplit item paragraph: the subject is in the cue's own sentence
            clause_start = sentences(text, clause_start, cue.start)[-1][0]
        actor = defined_name(ctx, _actor(ctx, u, clause_start, cue, spans, flags, passive))
        action = action_after(text, cue, min(u.end, max(e, cue.end + 1)), spans)
        if passive:
            action = passive_action(text, s if s <= cue.start else u.body_start, cue) or action
    local = cue if u.start <= cue.start < u.end else Cue("item", "", s, s)
    s, e = _clause(ctx, s, e, tok, local, actor if local is cue else "")
    due = ctx.dues.get((expr, anchor))
    if due is None:
        try:
            due = ctx.dues[(expr, anchor)] = resolve(expr, anchor, ctx.policy)
        except (ValueError, OverflowError) as exc:  # a period that leaves the calendar: keep the row, no date
            due = DueDate(None, (Step("note", f"No due date: {exc}."),))
            flags.append("unresolvable")
    flags = list(dict.fromkeys(flags))
    return Obligation(
        actor=actor,
        action=action,
        quote=text[s:e],
        span=Span(s, e),
        deadline=expr,
        anchor=anchor,
        due=due,
        confidence=_confidence(cue, anchor, flags, ctx),
        instrument=ctx.instrument,
        modal=modal_of(cue),
        flags=tuple(flags),
    )
