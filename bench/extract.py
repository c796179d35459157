"""Throughput of `tracker.extract.extract` against `dateparser.search.search_dates` on the same text.

    python bench/extract.py [--mb 4] [--dateparser-kb 40] [--repeat 5] [--memory-mb 1 4]
                            [--corpus ../shared/corpus/docs]

The corpus texts are repeated until about --mb megabytes have gone through extract(), one document at
a time; the run is repeated --repeat times and the best is reported (the machine is shared and noisy).
dateparser is far slower, so it is timed on a subset of the same paragraphs (--dateparser-kb), also
best of --repeat, and reported per MB. Both are warmed up first (lazy imports, language data). Peak
traced memory (tracemalloc) is measured in separate runs streaming each of --memory-mb megabytes: it
stays flat in the number of documents. Needs the `bench` extra.
"""

from __future__ import annotations

import argparse
import itertools
import resource
import shlex
import sys
import time
import tracemalloc
import warnings
from pathlib import Path

from tracker.extract import extract
from tracker.extract.readers import read
from tracker.model import Document

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "docs"


def _docs(corpus: Path) -> list[tuple[Path, bytes, bytes | None]]:
    out = []
    for txt in sorted(corpus.glob("*.txt")):
        side = txt.with_suffix(".meta.json")
        out.append((txt, txt.read_bytes(), side.read_bytes() if side.exists() else None))
    return out


def _read(docs: list[tuple[Path, bytes, bytes | None]]) -> list[tuple[Document, int]]:
    """Each distinct document read once, with its size in UTF-8 bytes."""
    out = []
    for path, data, side in docs:
        doc = read(str(path), data, sidecar=side)
        out.append((doc, len(doc.text.encode("utf-8"))))
    return out


def _stream(read_docs: list[tuple[Document, int]], target_bytes: int) -> tuple[int, int]:
    """extract() over the documents in a cycle until `target_bytes`; results are counted and dropped."""
    done = rows = 0
    for doc, size in itertools.cycle(read_docs):
        rows += len(extract(doc))
        done += size
        if done >= target_bytes:
            break
    return done, rows


def bench_extract(
    docs: list[tuple[Path, bytes, bytes | None]], target_bytes: int, repeat: int = 1
) -> tuple[float, int, int]:
    """Best time of `repeat` runs of extract() alone (reading is done once, outside the timing)."""
    read_docs = _read(docs)
    _stream(read_docs, 1)  # warm-up: lazy imports and first-use caches inside the date library
    best = float("inf")
    size = rows = 0
    for _ in range(max(1, repeat)):
        t0 = time.perf_counter()
        size, rows = _stream(read_docs, target_bytes)
        best = min(best, time.perf_counter() - t0)
    return best, size, rows


def peak_memory(docs: list[tuple[Path, bytes, bytes | None]], target_bytes: int) -> tuple[int, int]:
    """Peak traced allocation while streaming `target_bytes` through extract() (tracing is slow)."""
    read_docs = _read(docs)
    _stream(read_docs, 1)
    tracemalloc.start()
    size, _ = _stream(read_docs, target_bytes)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak, size


def bench_dateparser(
    docs: list[tuple[Path, bytes, bytes | None]], budget_bytes: int, repeat: int = 1
) -> tuple[float, int, int]:
    warnings.simplefilter("ignore")
    from dateparser.search import search_dates

    paragraphs = [p for _, data, _ in docs for p in data.decode("utf-8").split("\n") if p.strip()]
    search_dates(paragraphs[0], languages=["en"])  # warm-up: loads the language data
    best = float("inf")
    done = found = 0
    for _ in range(max(1, repeat)):
        done = found = 0
        t0 = time.perf_counter()
        for para in itertools.cycle(paragraphs):
            found += len(search_dates(para, languages=["en"]) or [])
            done += len(para.encode("utf-8"))
            if done >= budget_bytes:
                break
        best = min(best, time.perf_counter() - t0)
    return best, done, found


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=4.0)
    ap.add_argument("--dateparser-kb", type=float, default=40.0)
    ap.add_argument("--repeat", type=int, default=5, help="runs per measurement; the best is reported")
    ap.add_argument("--memory-mb", type=float, nargs="*", default=[1.0, 4.0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = ap.parse_args(argv)
    print("$ " + shlex.join([sys.executable, "bench/extract.py", *argv]))
    docs = _docs(args.corpus)
    if not docs:
        print(f"no .txt documents under {args.corpus}", file=sys.stderr)
        return 2
    secs, size, rows = bench_extract(docs, int(args.mb * 1_000_000), args.repeat)
    ours = size / 1_000_000 / secs
    print(
        f"extract():       {size / 1e6:7.2f} MB in {secs:7.3f} s = {ours:8.3f} MB/s  "
        f"(best of {args.repeat}; {rows} rows per run)"
    )
    dsecs, dsize, found = bench_dateparser(docs, int(args.dateparser_kb * 1000), args.repeat)
    theirs = dsize / 1_000_000 / dsecs
    print(
        f"search_dates():  {dsize / 1e6:7.3f} MB in {dsecs:7.3f} s = {theirs:8.3f} MB/s  "
        f"(best of {args.repeat}; {found} dates found; {1 / theirs:.0f} s per MB)"
    )
    print(f"ratio: extract() is {ours / theirs:.0f}x dateparser's throughput (goal >= 50x)")
    for mb in args.memory_mb:
        peak, streamed = peak_memory(docs, int(mb * 1_000_000))
        print(f"peak traced memory: {peak / 1e6:6.2f} MB while streaming {streamed / 1e6:5.2f} MB")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"max RSS of this process: {rss:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
