"""Extraction of dated duties from government texts: `extract(doc)` and `parse_phrase(phrase)`.

Layer 2: pure logic. Standard library (and python-dateutil through `tracker.dates`) only; no files,
network, database or clock. Pipeline: patterns (time tokens) → segment (clauses, lead-ins) → actors
(cue, subject, verb) → obligations (inheritance, anchors, due dates, confidence).
"""

from __future__ import annotations

from tracker.extract.deadlines import parse_phrase
from tracker.extract.obligations import extract

__all__ = ["extract", "parse_phrase"]
