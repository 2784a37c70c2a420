"""The price engine behind the simulator's ``ApiPricer`` seam (``advisor.pricing.PriceBook``).

A what-if API backend is priced per call at the call's own UTC date. A model the price data does
not know stays *unpriced* (``-1``, counted in the result), never $0. Synthetic inputs without
dates are priced at the price data's snapshot date, and the result says so.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from advisor.errors import PricingError


class PriceBookPricer:
    """Adapts ``PriceBook.price_tokens`` to ``advisor.sim.api.ApiPricer``."""

    def __init__(self, book: object | None = None) -> None:
        from advisor.pricing import PriceBook, price_data

        self.book = book if book is not None else PriceBook()
        self.snapshot = price_data()
        self.notes: list[str] = []

    def __call__(
        self,
        provider: str,
        model: str,
        ts: pd.DatetimeIndex | None,
        input_tokens: np.ndarray,
        output_tokens: np.ndarray,
        cache_read_tokens: np.ndarray,
        service_tier: str | None,
    ) -> np.ndarray:
        n = len(input_tokens)
        if ts is None:
            day = pd.Timestamp(self.snapshot.as_of, tz="UTC")
            ts = pd.DatetimeIndex([day] * n)
            self.notes.append(f"{provider}/{model}: undated requests priced as of {self.snapshot.as_of}")
        try:
            return self.book.price_tokens(  # type: ignore[attr-defined]
                provider,
                model,
                pd.Series(ts),
                input_tokens,
                output_tokens,
                cache_read_tokens=cache_read_tokens,
                service_tier=service_tier,
            )
        except PricingError as exc:
            self.notes.append(exc.one_line())
            return np.full(n, -1, dtype=np.int64)
