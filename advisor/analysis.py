"""``analyze``: logs → canonical trace → tasks → prices → current spend, as one plain function.

The CLI, the reports and the dashboard all render an ``Analysis``; none of them computes figures
of its own. Thresholds are evaluated here so every front end agrees on when a result is too
incomplete to trust (exit 3 in the CLI).
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from advisor.errors import InputError

if TYPE_CHECKING:  # the stages (pandas, genai-prices, DuckDB) load on first use: `--help` stays fast
    from advisor.current import CurrentSpend
    from advisor.ingest.options import ReadOptions
    from advisor.pricing import PriceBook, PricedTrace
    from advisor.trace import DataQuality, Trace

SAMPLE_NAME = "sample_trace.jsonl.gz"
DEFAULT_MAX_REJECT_RATE = 0.01
DEFAULT_MAX_UNPRICED = 0.05
LABEL_COLUMNS = ("provider", "model")
"""Labels more than one stage groups by: factorised once, then every stage reads codes."""


@dataclass
class Analysis:
    """Everything ``advisor analyze`` reports."""

    inputs: list[str]
    quality: DataQuality
    priced: PricedTrace
    current: CurrentSpend
    max_reject_rate: float
    max_unpriced: float
    breaches: list[str] = field(default_factory=list)
    """Human sentences for each threshold passed (empty when the result can be trusted)."""

    @property
    def reject_rate(self) -> float:
        records = self.quality.accepted + self.quality.rejected
        return self.quality.rejected / records if records else 0.0

    @property
    def unpriced_share(self) -> float:
        return self.priced.unpriced_share


def _load(paths: Sequence[Path], options: ReadOptions) -> Trace:
    from advisor.ingest.reader import load_trace  # the ingest stage; imported late for startup speed

    # The later stages' imports and the price data (~0.25 s, mostly genai-prices) load in the
    # background while the file is read: reading runs mostly outside the GIL (the compiled scanner,
    # file reads). Any failure there is left for the main thread to meet again and report.
    threading.Thread(target=_warm_stages, name="advisor-warm", daemon=True).start()
    return load_trace(list(paths), options)


def _warm_stages() -> None:
    try:
        for name in ("advisor.current", "advisor.labels", "advisor.tasks"):
            importlib.import_module(name)
        from advisor.pricing.book import price_data

        price_data()
    except Exception:  # noqa: S110 - the main thread imports these again and reports any error
        pass


def analyze_trace(
    trace: Trace,
    *,
    inputs: Sequence[str] = (),
    task_tag: str | None = None,
    max_reject_rate: float = DEFAULT_MAX_REJECT_RATE,
    max_unpriced: float = DEFAULT_MAX_UNPRICED,
    book: PriceBook | None = None,
) -> Analysis:
    """Segment, price and aggregate an already-read trace."""
    from advisor.current import current_spend
    from advisor.labels import categorize
    from advisor.pricing import PriceBook
    from advisor.tasks import segment

    if len(trace.df) == 0:
        raise InputError(inputs[0] if inputs else "<input>", "no records accepted; nothing to analyse")
    df = categorize(trace.df, LABEL_COLUMNS)
    priced = (book or PriceBook()).price(segment(df, task_tag))
    result = Analysis(
        inputs=list(inputs),
        quality=trace.quality,
        priced=priced,
        current=current_spend(priced),
        max_reject_rate=max_reject_rate,
        max_unpriced=max_unpriced,
    )
    if result.reject_rate > max_reject_rate:
        result.breaches.append(
            f"rejected {result.reject_rate:.2%} of records (limit {max_reject_rate:.2%}, --max-reject-rate)"
        )
    if result.unpriced_share > max_unpriced:
        result.breaches.append(
            f"{result.unpriced_share:.2%} of requests are unpriced (limit {max_unpriced:.2%}, --max-unpriced)"
        )
    elif priced.unpriced_token_share > max_unpriced:
        result.breaches.append(
            f"{priced.unpriced_token_share:.2%} of tokens are in unpriced requests "
            f"(limit {max_unpriced:.2%}, --max-unpriced)"
        )
    return result


def analyze(
    paths: Sequence[str | Path] = (),
    options: ReadOptions | None = None,
    *,
    max_reject_rate: float = DEFAULT_MAX_REJECT_RATE,
    max_unpriced: float = DEFAULT_MAX_UNPRICED,
) -> Analysis:
    """Read logs (the bundled sample when ``paths`` is empty) and report today's spend.

    Raises ``InputError`` for file-level problems; record-level problems are counted in
    ``Analysis.quality`` and judged against ``max_reject_rate``.
    """
    from advisor.ingest.options import ReadOptions

    options = options or ReadOptions()
    with ExitStack() as stack:
        if paths:
            files = [Path(p) for p in paths]
            names = [str(p) for p in paths]
        else:
            ref = resources.files("advisor") / "data" / SAMPLE_NAME
            if not ref.is_file():
                raise InputError(SAMPLE_NAME, "bundled sample trace is missing from this installation")
            files = [stack.enter_context(resources.as_file(ref))]
            names = [f"<bundled sample {SAMPLE_NAME}>"]
        trace = _load(files, options)
    return analyze_trace(
        trace,
        inputs=names,
        task_tag=options.task_tag,
        max_reject_rate=max_reject_rate,
        max_unpriced=max_unpriced,
    )
