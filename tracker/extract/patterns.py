"""Stage 1, the time tokenizer's patterns: deadline phrases, dates, fiscal years and recurrences, and the
`TimeToken` they become (in `finders`); interpretation of anchors and due dates happens later
(`anchors`, `deadlines`). Pure: standard library only, no I/O, no clock.

Deliberate non-tokens: a bare year ("by 2030", "no later than 2035") is a policy target in these texts,
not a deadline, so only "by the end of (calendar) year N" makes a year a deadline; "periodically" and
"from time to time" carry no period; "on or after DATE", "until DATE", "as of DATE" are scope, not
deadlines, and no finder produces them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tracker.extract.numbers import DATE, MONTH, NUM, UNIT, WORDNUM
from tracker.model import DateRef, Period


@dataclass(frozen=True, slots=True)
class TimeToken:
    """One time phrase. `kind`: offset (period from an anchor), date (absolute), event (timed by an
    event, no period), recur (a recurrence with no start). `anchor_*` is the anchor phrase as written."""

    kind: str
    start: int
    end: int
    text: str
    relation: str
    period: Period | None = None
    date_ref: DateRef | None = None
    window: bool = False
    anchor_text: str = ""
    anchor_start: int = -1
    recurrence: str | None = None
    flags: tuple[str, ...] = ()


# The anchor phrase runs to the first clause boundary, at most ANCHOR_MAX steps; it is classified by its
# beginning only.
# A comma before a year belongs to a date ("after the date of the Proclamation of January 25, 2021").
ANCHOR_MAX = 160
_ANCHOR = (
    r"(?P<anchor>(?:[^,;:.()\n]|\.(?=\d)|,(?=\s\d{4}\b)|\([^()\n]{0,40}\)|(?<=\b[A-Z])\.|(?<=U\.S)\.)"
    rf"{{1,{ANCHOR_MAX}}}?)"
)
# The anchor ends at a clause boundary, a relative or purpose word ("the date on which ..." goes on), a
# duty modal ("of the date of this order shall"), or "until"/"unless"; an enumerator ("subsection (g)")
# does not end it.
# The leading `(?![^\s,;:)(.])` is implied by the lookahead after it (every branch starts with white space,
# one of ",;:)(." or the end); it lets the lazy anchor skip the lookahead inside words.
_ANCHOR_END = (
    r"(?![^\s,;:)(.])(?=\s*(?:,(?!\s\d{4}\b)|[;:)\n]|\((?!(?:[a-z]{1,4}|\d{1,3})\)))|\.(?:\s|$|”)"
    r"|(?<!\bon)\s+which\b|\s+(?:for|to|that|recommending|and(?!\s+(?:the\s+)?(?:date|signing))|"
    r"unless|until|if|in\s+order|shall|must|should|will|may)\b|$)"
)
_WS = re.compile(r"\s+")
# An instrument anchor ends after its name: "the date of this order provide a report" stops at "order".
_INSTRUMENT_ANCHOR = re.compile(
    r"^(?:the\s+)?(?:(?:date|day)\s+of\s+(?:the\s+)?(?:(?:enactment|signing|issuance)\s+of\s+)?)?"
    r"(?:this|the\s+present)\s+(?:executive\s+order|order|memorandum|proclamation|directive|determination"
    r"|notice|Act|section|title|subtitle|part|chapter|rule)\b(?!\s+(?:of|\())",
    re.I,
)
# "\b(?P<rel>[Ww]ithin|[Nn]ot\s+later\s+than|[Nn]o\s+later\s+than|[Ii]n\s+the\s+first)", written so that
# the regex engine can look for the first letter: that letter, the word boundary before it (`(?<!\w.)`),
# then the same alternatives in the same order, each checking the letter it starts with.
_REL_OFFSET = (
    r"(?P<rel>[WwNnIi](?<!\w.)(?:(?<=[Ww])ithin|(?<=[Nn])ot\s+later\s+than|(?<=[Nn])o\s+later\s+than"
    r"|(?<=[Ii])n\s+the\s+first))"
)
_PREP = r"(?P<prep>after|of|from|following|prior\s+to|before)"
_TIME_OF_DAY = r"\d{1,2}(?::\d{2})?\s*[ap]\.\s?m\.(?:\s+[A-Za-z]+){0,3}?"

OFFSET = re.compile(
    rf"{_REL_OFFSET}\s+(?:the\s+date\s+that\s+is\s+)?(?P<num>{NUM})\s+(?P<unit>{UNIT})\b"
    rf"(?:,?\s+{_PREP}\s+{_ANCHOR}{_ANCHOR_END})?"
)
# "60 days after the date of this order" with no "within"; "expire 1 year after" is filtered later.
BARE_OFFSET = re.compile(
    rf"(?<![\w-])(?:(?P<rel>[Nn]o\s+more\s+than|[Nn]ot\s+more\s+than)\s+)?(?P<num>\d{{1,4}}(?:\s*\(\d{{1,4}}\))?|{WORDNUM}(?:\s*\(\d{{1,4}}\))?)\s+(?P<unit>{UNIT})\s+"
    rf"(?P<prep>after|following|prior\s+to|before)\s+"
    rf"{_ANCHOR}{_ANCHOR_END}"
)
# The same anchor, cheaper to match: a run of characters that cannot end it is one step of the loop (not
# one step each), and the white space before a closing mark is taken once. It ends where _ANCHOR does
# whenever it is at most ANCHOR_MAX characters long (the loop then takes at most as many steps); a longer
# one has to be matched again with the exact pattern.
_ANCHOR_RUNS = _ANCHOR.replace(r"(?:[^,;:.()\n]|", r"(?:[^\s,;:.()\n]++|[^\S\n]|")
_ANCHOR_END_RUNS = _ANCHOR_END.replace(r"(?=\s*(?:,", r"(?=[^\S\n]*+(?:,")
OFFSET_RUNS, BARE_OFFSET_RUNS = (
    re.compile(rx.pattern.replace(_ANCHOR, _ANCHOR_RUNS).replace(_ANCHOR_END, _ANCHOR_END_RUNS))
    for rx in (OFFSET, BARE_OFFSET)
)
ORDINAL_DAY = re.compile(
    rf"\b(?P<rel>[Oo]n\s+or\s+before|[Nn]ot\s+later\s+than|[Nn]o\s+later\s+than|[Bb]y)\s+the\s+(?P<ord>\d{{1,3}})"
    rf"(?:st|nd|rd|th)\s+(?:calendar\s+)?day\s+(?P<prep>after|following|from|of)\s+{_ANCHOR}{_ANCHOR_END}"
)
WINDOW = re.compile(
    rf"\b(?P<rel>[Dd]uring|[Ww]ithin)\s+the\s+(?P<num>{NUM})[-\s](?P<unit>day|week|month|year)\s+period\s+"
    rf"(?:beginning|starting|commencing)\s+(?:on|with)\s+{_ANCHOR}{_ANCHOR_END}"
)
ABS_DATE = re.compile(
    rf"\b(?P<rel>[Bb]y|[Nn]ot\s+later\s+than|[Nn]o\s+later\s+than|[Oo]n\s+or\s+before|[Bb]efore|[Oo]n"
    rf"|(?:are|is)\s+due(?:\s+(?:on|by))?)(?::)?\s+(?:{_TIME_OF_DAY}\s+(?:on\s+)?)?(?P<date>{DATE})"
)
COPULAR = re.compile(rf"\b(?P<rel>[Dd]eadline)\s+for\s+(?:[\w-]+\s+){{0,4}}?is\s+(?P<date>{DATE})")
MONTH_YEAR = re.compile(
    rf"\b(?P<rel>[Bb]y|[Nn]ot\s+later\s+than|[Nn]o\s+later\s+than|[Ss]tarting\s+in|[Bb]eginning\s+in"
    rf"|[Bb]efore|[Bb]y\s+the\s+end\s+of)\s+(?P<month>{MONTH})\s+(?P<year>\d{{4}})\b(?!,?\s*\d)"
)
YEAR_END = re.compile(
    r"\b(?P<rel>[Bb]y|[Nn]o[t]?\s+later\s+than|[Bb]efore)\s+the\s+end\s+of\s+"
    r"(?:(?P<cy>calendar\s+year|CY)\s*(?P<year>\d{4})|(?P<fyw>fiscal\s+year|FY)\s*(?P<fy>\d{4})"
    r"|(?P<plain>\d{4})\b)"
)
FISCAL = re.compile(
    r"\b(?P<rel>[Nn]o[t]?\s+later\s+than|[Bb]y|[Bb]eginning\s+(?:in|with)|[Ss]tarting\s+(?:in|with))\s+"
    r"(?:the\s+)?(?:fiscal\s+year|FY)\s*(?P<fy>\d{4})\b"
)
FOR_EACH_FY = re.compile(
    r"\b(?P<rel>for\s+each\s+of)\s+fiscal\s+years\s+(?P<list>\d{4}(?:(?:,\s*|\s+)(?:and\s+|through\s+)?\d{4})+)"
)
# "Upon completion of ...", "Following the issuance of ...", "After receiving the recommendations ...":
# a duty timed by an event. "After" counts only at the head of a clause ("After receiving ..., the
# Council shall"), where it times the main verb.
_EVENT_NOUN = (
    r"(?:completion|conclusion|receipt|submission|issuance|publication|release|adoption|approval"
    r"|transmittal|updates?\s+to|completing|concluding|receiving|submitting|issuing|publishing|adopting)"
)
EVENT = re.compile(
    rf"(?:\b(?P<rel>[Uu]pon|[Ff]ollowing|[Aa]s\s+soon\s+as\s+(?:practicable|possible)\s+(?:following|after))"
    rf"|(?:^|(?<=[.;:—]\s)|(?<=\)\s))(?P<rel2>After))\s+"
    rf"(?P<anchor>(?:the\s+|their\s+|its\s+|any\s+|each\s+)?{_EVENT_NOUN}\b"
    rf"(?:[^,;:.()\n]|\([^()\n]{{0,40}}\)){{0,140}}?){_ANCHOR_END}",
    re.M,
)
BEFORE_EVENT = re.compile(
    rf"\b(?P<rel>before)\s+(?P<anchor>the\s+(?:expiration|commencement|termination|expiry)\s+of\b"
    rf"(?:[^,;:.\n]|\.(?=\d)|\([^()\n]{{0,40}}\)){{0,160}}?){_ANCHOR_END}"
)
IMMEDIATELY = re.compile(
    r"\b(?:shall|will|must|should),?\s+(?P<rel>immediately|as\s+soon\s+as\s+(?:practicable|possible))\b"
    r"(?!\s+(?:following|after|upon)\b)"
)
# A dated schedule line of a notice: "June 29, 2018: Due date for filing requests to appear ..." or
# "July 24, 2018: The Committee will convene a public hearing ...".
SCHEDULE = re.compile(
    rf"^(?P<date>{DATE}):\s+(?:(?P<due>(?:[Tt]he\s+)?(?:[Dd]ue\s+date|[Dd]eadline)\s+(?:for|to)\b)|(?=[A-Z]))",
    re.M,
)
THEREAFTER = re.compile(
    # What a match can start with, checked first: the optional parts below make each try costly.
    r"(?=,|\s+and|and|as\s|no\s|at\s|annually|every|on\s|by\s|each)"
    rf"(?P<rel>(?:,?\s*and\s*)?(?:,\s*)?(?:as\s+appropriate\s+but\s+)?(?:no\s+less\s+than\s+|at\s+least\s+)?"
    rf"(?:(?P<ann>annually)|every\s+(?P<num>{NUM})\s+(?P<unit>{UNIT})"
    rf"|on\s+an?\s+(?P<basis>[\w-]+)\s+basis"
    rf"|(?:by\s+the\s+(?:final|last)\s+day\s+of\s+)?each\s+(?:calendar\s+)?(?P<each>month|quarter|year|week))"
    rf"\s+thereafter(?:\s+for\s+(?P<count>{NUM})\s+years?)?)"
)
RECUR = re.compile(
    rf"\b(?P<rel>(?:at\s+least\s+)?once\s+every\s+(?P<onum>{NUM})\s+(?P<ounit>{UNIT})"
    rf"|every\s+(?P<num>{NUM})\s+(?P<unit>{UNIT})(?:\s+until\b)?"
    r"|on\s+an?\s+(?P<basis>[\w-]+)\s+basis"
    r"|(?P<adv>annually|biennially|semi-?annually|bi-?annually|quarterly|monthly)"
    r"|(?P<adj>annual|biennial|semi-?annual|bi-?annual|quarterly|monthly)\s+(?:[a-z][\w-]*\s+){0,3}?"
    r"(?:reports?|updates?|scorecards?|reviews?|assessments?|summar(?:y|ies)|meetings?)\b"
    r"|each\s+fiscal\s+year)"
)
