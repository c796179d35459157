"""The extractor against the dev corpus, judged by the shared scorer (../shared/tools/score_extract.py).

The corpus is prepared like `score_extract.py --prepare` does (articles lose their `issued` date, which
the extractor must find in the text), every document is read with the readers and extracted, and the
predictions are written in the `tracker extract --json` line shape and scored by the shared tool.
Floors: P >= 0.95, R >= 0.95, due-date exactness >= 0.97 of matched rows, no bad span.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

from tracker.extract import extract
from tracker.extract.readers import read
from tracker.serialize import extract_line

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus"
SCORER = SHARED / "tools" / "score_extract.py"


def _scorer() -> ModuleType:
    if not SCORER.exists() or not (CORPUS / "gold.jsonl").exists():
        pytest.skip(f"shared corpus or scorer not found under {SHARED}")
    spec = importlib.util.spec_from_file_location("score_extract", SCORER)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _predict(docs: Path, out: Path) -> int:
    n = 0
    with out.open("w", encoding="utf-8") as f:
        for txt in sorted(docs.glob("*.txt")):
            side = txt.with_suffix(".meta.json")
            doc = read(str(txt), txt.read_bytes(), sidecar=side.read_bytes() if side.exists() else None)
            for ob in extract(doc):
                assert doc.text[ob.span.start : ob.span.end] == ob.quote
                f.write(json.dumps(extract_line(str(txt), ob)) + "\n")
                n += 1
    return n


def test_corpus_score(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scorer = _scorer()
    docs = tmp_path / "docs"
    scorer.prepare(CORPUS / "docs", docs)
    pred = tmp_path / "pred.jsonl"
    _predict(docs, pred)
    status = scorer.main([str(CORPUS), str(pred), "--details"])
    report = capsys.readouterr().out
    with capsys.disabled():
        print("\n" + report)
    last = report.strip().splitlines()[-1]
    figures = dict(part.split("=") for part in last.split() if "=" in part and part[0].isalpha())
    p, r, due = float(figures["P"]), float(figures["R"]), float(figures["due"])
    assert status == 0, f"bad spans: {last}"
    assert int(figures["bad_spans"]) == 0, last
    assert p >= 0.95 and r >= 0.95 and due >= 0.97, last


def test_articles_lose_issued_in_preparation(tmp_path: Path) -> None:
    scorer = _scorer()
    scorer.prepare(CORPUS / "docs", tmp_path)
    for meta in tmp_path.glob("*.meta.json"):
        data = json.loads(meta.read_text(encoding="utf-8"))
        if data.get("kind") == "article":
            assert "issued" not in data
