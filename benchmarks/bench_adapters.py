"""Throughput of the provider adapters, against parsing the same lines with ``json.loads``.

Run from the repository root: ``python benchmarks/bench_adapters.py [lines_per_format]``.
Prints, per format, records/s for parse + detect + to_canonical and the ratio of that time to the
bare ``json.loads`` baseline measured in the same process (the figure to watch: projection should
cost about as much as parsing, not many times more). Non-gating.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from advisor.ingest.formats import anthropic, litellm, openai, otel
from tests.formats import fixtures as fx

FORMATS = {
    "openai chat.completion": (openai, lambda i: fx.openai_chat_completion(fx.FILLER, i, tool=i % 5 == 0)),
    "openai envelope": (openai, lambda i: fx.openai_envelope(fx.FILLER, i)),
    "anthropic envelope": (anthropic, lambda i: fx.anthropic_envelope(fx.FILLER, i)),
    "litellm payload": (litellm, lambda i: fx.litellm_payload(fx.FILLER, i)),
    "litellm spend-logs": (litellm, lambda i: fx.litellm_spend_log(fx.FILLER, i)),
    "otel otlp-json": (otel, lambda i: fx.otel_export(fx.FILLER, i)),
}


def _best(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main(n: int) -> None:
    print(f"{'format':<24} {'lines':>7} {'records':>8} {'records/s':>11} {'parse-only s':>13} {'ratio':>6}")
    for label, (module, build) in FORMATS.items():
        lines = [json.dumps(build(i)) for i in range(n)]

        def parse_only(lines=lines) -> None:
            for line in lines:
                json.loads(line)

        def full(lines=lines, module=module) -> int:
            count = 0
            for line in lines:
                obj = json.loads(line)
                count += len(module.to_canonical(obj, module.detect(obj)))
            return count

        records = full()
        base, total = _best(parse_only), _best(full)
        rate = records / total
        print(f"{label:<24} {n:>7} {records:>8} {rate:>11,.0f} {base:>13.3f} {total / base:>6.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
