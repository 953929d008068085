"""Benchmark: what tagging (PDF/UA-1) costs on the 4-image handout of bench_handout.py.

Run: ``.venv/bin/python benchmarks/bench_tagging.py [--repeat N]``. Reports the time to write the
structure tree (pikepdf), the final file check on the untagged and the tagged file, and both sizes
(docs/accessibility.md).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_handout import handout_once, make_study

from takehome.handouts.deid import Identifiers
from takehome.handouts.deid.pdffile import check_pdf
from takehome.handouts.pdf import document, structure


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    calls: list[tuple[bytes, Any, dict[str, Any], float]] = []

    def recording(data: bytes, root: Any, **kwargs: Any) -> bytes:
        start = time.perf_counter()
        tagged = structure.tag_pdf(data, root, **kwargs)
        calls.append((data, root, kwargs, time.perf_counter() - start))
        return tagged

    document.tag_pdf = recording  # type: ignore[assignment]
    with tempfile.TemporaryDirectory() as folder:
        paths = make_study(Path(folder))
        tagged = b""
        for _ in range(args.repeat):
            tagged = handout_once(paths)
    untagged = calls[-1][0]
    identifiers = Identifiers(name_parts=frozenset({"Bench"}), ids=frozenset({"BENCH001"}))

    def check_ms(data: bytes) -> float:
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            check_pdf(data, identifiers)
            times.append(time.perf_counter() - start)
        return statistics.median(times) * 1000

    print(f"structure tree written (pikepdf): {statistics.median(c[3] for c in calls) * 1000:.0f} ms "
          f"(median of {len(calls)})")
    print(f"file check, untagged: {check_ms(untagged):.0f} ms; tagged: {check_ms(tagged):.0f} ms")
    print(f"size untagged {len(untagged) // 1024} KB, tagged {len(tagged) // 1024} KB")


if __name__ == "__main__":
    main()
