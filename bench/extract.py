"""Throughput of `tracker.extract.extract` against `dateparser.search.search_dates` on the same text.

    python bench/extract.py [--mb 4] [--dateparser-kb 40] [--corpus ../shared/corpus/docs]

The corpus texts are repeated until about --mb megabytes have gone through extract(), one document at
a time (memory stays flat; peak traced memory is reported). dateparser is far slower, so it is timed on
a subset of the same paragraphs (--dateparser-kb) and reported per MB. Needs the `bench` extra.
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

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "docs"


def _docs(corpus: Path) -> list[tuple[Path, bytes, bytes | None]]:
    out = []
    for txt in sorted(corpus.glob("*.txt")):
        side = txt.with_suffix(".meta.json")
        out.append((txt, txt.read_bytes(), side.read_bytes() if side.exists() else None))
    return out


def bench_extract(docs: list[tuple[Path, bytes, bytes | None]], target_bytes: int) -> tuple[float, int, int]:
    """Time extract() alone: each distinct document is read once, then extracted in a stream."""
    read_docs = [read(str(path), data, sidecar=side) for path, data, side in docs]
    done = rows = 0
    t0 = time.perf_counter()
    for doc in itertools.cycle(read_docs):
        rows += len(extract(doc))  # results are counted and dropped: memory stays flat
        done += len(doc.text.encode("utf-8"))
        if done >= target_bytes:
            break
    return time.perf_counter() - t0, done, rows


def peak_memory(docs: list[tuple[Path, bytes, bytes | None]], passes: int = 3) -> int:
    """Peak traced allocation while streaming the corpus a few times (separate run: tracing is slow)."""
    read_docs = [read(str(path), data, sidecar=side) for path, data, side in docs]
    tracemalloc.start()
    for doc in itertools.islice(itertools.cycle(read_docs), passes * len(read_docs)):
        extract(doc)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def bench_dateparser(
    docs: list[tuple[Path, bytes, bytes | None]], budget_bytes: int
) -> tuple[float, int, int]:
    warnings.simplefilter("ignore")
    from dateparser.search import search_dates

    paragraphs = [p for _, data, _ in docs for p in data.decode("utf-8").split("\n") if p.strip()]
    done = found = 0
    t0 = time.perf_counter()
    for para in itertools.cycle(paragraphs):
        found += len(search_dates(para, languages=["en"]) or [])
        done += len(para.encode("utf-8"))
        if done >= budget_bytes:
            break
    return time.perf_counter() - t0, done, found


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=4.0)
    ap.add_argument("--dateparser-kb", type=float, default=40.0)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = ap.parse_args(argv)
    print("$ " + shlex.join([sys.executable, "bench/extract.py", *argv]))
    docs = _docs(args.corpus)
    if not docs:
        print(f"no .txt documents under {args.corpus}", file=sys.stderr)
        return 2
    secs, size, rows = bench_extract(docs, int(args.mb * 1_000_000))
    ours = size / 1_000_000 / secs
    peak = peak_memory(docs)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"extract():      {size / 1e6:7.2f} MB in {secs:7.2f} s = {ours:8.3f} MB/s  ({rows} rows; "
        f"peak traced "
        f"memory {peak / 1e6:.1f} MB over 3 passes, max RSS {rss:.0f} MB)"
    )
    dsecs, dsize, found = bench_dateparser(docs, int(args.dateparser_kb * 1000))
    theirs = dsize / 1_000_000 / dsecs
    print(
        f"search_dates(): {dsize / 1e6:7.3f} MB in {dsecs:7.2f} s = {theirs:8.3f} MB/s  ({found} "
        f"dates found; "
        f"{1 / theirs:.0f} s per MB)"
    )
    print(f"ratio: extract() is {ours / theirs:.0f}x dateparser's throughput (goal >= 50x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
