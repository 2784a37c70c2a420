"""Price a canonical trace at each request's own instant, exactly, in bulk.

``PriceBook.price(df)`` groups rows by (provider, model, service tier), resolves each group once
through genai-prices, and prices the group with integer numpy arithmetic (see ``rates``). Rows that
cannot be priced (unknown provider or model, usage genai-prices would refuse) are never $0: their
``cost_pusd`` is NA and they are counted in ``unpriced`` with their token volume and, where a name
is close, "did you mean" suggestions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache

import genai_prices
import numpy as np
import pandas as pd
from genai_prices import types as gp
from genai_prices.data_snapshot import get_snapshot

from advisor.errors import PricingError
from advisor.labels import combine, factorize, group_order
from advisor.pricing import rates as R
from advisor.pricing.money import sum_pico
from advisor.units import usd_from_pico


@dataclass(frozen=True)
class PriceData:
    """Which price data priced the figures; stated in every output."""

    package: str
    version: str
    as_of: date
    """Latest price change the snapshot knows (its newest ``start_date``): prices after it are
    those in force on that date."""

    def label(self) -> str:
        return f"{self.package} {self.version} (dated prices through {self.as_of.isoformat()})"


@cache
def price_data() -> PriceData:
    """Version and as-of date of the bundled genai-prices snapshot (never updated at run time)."""
    latest = date(1970, 1, 1)
    for provider in get_snapshot().providers:
        for model in provider.models:
            conds = [cp.constraint for cp in model.prices] if isinstance(model.prices, list) else []
            conds += [v.constraint for v in model.price_variants or ()]
            for c in conds:
                if isinstance(c, gp.StartDateConstraint) and c.start_date > latest:
                    latest = c.start_date
    return PriceData("genai-prices", genai_prices.__version__, latest)


@dataclass(frozen=True)
class PriceSource:
    """One (provider, model, tier, price period) that priced some rows."""

    provider: str
    model: str
    service_tier: str | None
    provider_id: str
    model_id: str
    price_from: date | None
    """Start date of the dated price in force (None when the model has one undated price)."""
    requests: int
    rounded_rows: int
    pricing_url: str | None
    tier_at_standard_price: bool = False
    """A non-default service tier (batch, flex, priority, ...) that genai-prices prices like the
    standard tier for this model and period — disclosed, since a discount may exist unrecorded."""


@dataclass(frozen=True)
class UnpricedBucket:
    """Requests we could not price, by (provider, model, tier) and reason — never counted as $0."""

    provider: str
    model: str
    service_tier: str | None
    reason: str
    requests: int
    input_tokens: int
    output_tokens: int
    suggestions: tuple[str, ...] = ()


@dataclass
class PricedTrace:
    """The trace with ``cost_pusd`` (nullable Int64 pico-USD) plus where each price came from."""

    df: pd.DataFrame
    sources: list[PriceSource] = field(default_factory=list)
    unpriced: list[UnpricedBucket] = field(default_factory=list)
    price_data: PriceData = field(default_factory=price_data)

    @property
    def total_cost_pusd(self) -> int:
        return sum_pico(self.df["cost_pusd"])

    @property
    def total_cost_usd(self) -> Decimal:
        return usd_from_pico(self.total_cost_pusd)

    @property
    def unpriced_requests(self) -> int:
        return sum(b.requests for b in self.unpriced)

    @property
    def unpriced_share(self) -> float:
        """Share of requests without a price (a ratio, not money)."""
        n = len(self.df)
        return self.unpriced_requests / n if n else 0.0

    @property
    def unpriced_token_share(self) -> float:
        """Share of all (input + output) tokens that sit in unpriced requests."""
        total = (
            int(self.df["input_tokens"].sum()) + int(self.df["output_tokens"].sum()) if len(self.df) else 0
        )
        unpriced = sum(b.input_tokens + b.output_tokens for b in self.unpriced)
        return unpriced / total if total else 0.0


def _int_col(df: pd.DataFrame, name: str) -> np.ndarray:
    if name not in df.columns:
        return np.zeros(len(df), dtype=np.int64)
    return df[name].fillna(0).to_numpy(dtype=np.int64)


def _utc_ns(ts: pd.Series) -> np.ndarray:
    """UTC instants as int64 nanoseconds: constraints become integer comparisons."""
    if not isinstance(ts.dtype, pd.DatetimeTZDtype):
        raise PricingError("ts_start must be a time-zone-aware datetime column (canonical trace)")
    try:
        values = ts.dt.as_unit("ns").array.asi8
    except (OverflowError, pd.errors.OutOfBoundsDatetime):
        raise PricingError("ts_start is outside the datetime range genai-prices can date") from None
    if ts.hasnans:
        raise PricingError("ts_start has missing values (canonical traces never do)")
    return values


class PriceBook:
    """Frontier-API prices from the pinned, offline genai-prices snapshot.

    Lookups are cached per (provider, model); pricing is vectorised per group, never one library
    call per row.
    """

    def __init__(self) -> None:
        self._resolved: dict[tuple[str, str], R.ResolvedModel | R.Unpriceable] = {}
        self.price_data = price_data()

    def _resolve(self, provider: str, model: str) -> R.ResolvedModel:
        key = (provider, model)
        hit = self._resolved.get(key)
        if hit is None:
            try:
                hit = R.resolve(provider, model)
            except R.Unpriceable as exc:
                hit = exc
            self._resolved[key] = hit
        if isinstance(hit, R.Unpriceable):
            raise hit
        return hit

    def price(self, df: pd.DataFrame) -> PricedTrace:
        """Price every row of a canonical trace DataFrame (index and order are preserved)."""
        n = len(df)
        cost = np.zeros(n, dtype=np.int64)
        priced = np.zeros(n, dtype=bool)
        sources: list[PriceSource] = []
        unpriced: list[UnpricedBucket] = []
        if n == 0:
            out = df.assign(cost_pusd=pd.array([], dtype="Int64"))
            return PricedTrace(out, sources, unpriced, self.price_data)
        ts_ns = _utc_ns(df["ts_start"])
        cols = {c: _int_col(df, c) for c in R.USAGE_COLUMNS}
        used = {c for c, v in cols.items() if v.any()}
        zeros = np.zeros(n, dtype=np.int64)
        zeros.flags.writeable = False  # shared by every group: read-only
        gid, groups = combine(
            factorize(df, "provider"), factorize(df, "model"), factorize(df, "service_tier")
        )
        order, bounds = group_order(gid, len(groups)) if len(groups) > 1 else (None, None)
        for g, (provider_label, model_label, svc) in enumerate(groups):
            # One group (a single-model trace) needs no gather: its rows are the whole columns.
            rows = slice(None) if order is None else order[int(bounds[g]) : int(bounds[g + 1])]
            provider, model = str(provider_label or ""), str(model_label or "")
            svc_tier = None if svc is None else str(svc)
            size = n if order is None else len(rows)
            # An all-zero column (no cache writes, no reasoning) is a zero view, not a gather.
            sub = {c: v[rows] if c in used else zeros[:size] for c, v in cols.items()}
            try:
                resolved = self._resolve(provider, model)
                g_cost, g_valid, g_sources = self._price_group(resolved, ts_ns[rows], sub, svc_tier)
            except R.Unpriceable as exc:
                unpriced.append(self._bucket(provider, model, svc_tier, exc.reason, sub, exc.suggestions))
                continue
            cost[rows] = g_cost
            priced[rows] = g_valid
            if not g_valid.all():
                bad = {c: v[~g_valid] for c, v in sub.items()}
                reason = "cache tokens exceed input tokens"
                unpriced.append(self._bucket(provider, model, svc_tier, reason, bad))
            sources.extend(
                PriceSource(provider, model, svc_tier, resolved.provider.id, resolved.model.id, *s)
                for s in g_sources
            )
        out = df.assign(cost_pusd=pd.arrays.IntegerArray(cost, ~priced))
        return PricedTrace(out, sources, unpriced, self.price_data)

    @staticmethod
    def _bucket(
        provider: str,
        model: str,
        tier: str | None,
        reason: str,
        cols: dict[str, np.ndarray],
        suggestions: Sequence[str] = (),
    ) -> UnpricedBucket:
        return UnpricedBucket(
            provider,
            model,
            tier,
            reason,
            len(cols["input_tokens"]),
            int(cols["input_tokens"].sum(dtype=np.int64)),
            int(cols["output_tokens"].sum(dtype=np.int64)),
            tuple(suggestions),
        )

    def _price_group(
        self,
        resolved: R.ResolvedModel,
        ts_ns: np.ndarray,
        cols: dict[str, np.ndarray],
        service_tier: str | None,
    ) -> tuple[np.ndarray, np.ndarray, list[tuple[date | None, int, int, str | None, bool]]]:
        context = R.price_context(service_tier)
        classes, prices = R.price_classes(resolved, ts_ns, context)
        url = (resolved.provider.pricing_urls or [None])[0]
        info: list[tuple[date | None, int, int, str | None, bool]] = []
        if classes is None:  # one price for the whole group: price the columns as they are
            model_price, rep = prices[0]
            cost, valid, rounded = R.cost_pico(R.unit_rates(model_price), cols)
            info.append(
                self._class_info(resolved, model_price, rep, service_tier, context, len(ts_ns), rounded, url)
            )
            return cost, valid, info
        n = len(ts_ns)
        cost = np.zeros(n, dtype=np.int64)
        valid = np.ones(n, dtype=bool)
        for k, (model_price, rep) in enumerate(prices):
            rows = np.flatnonzero(classes == k)
            sub = {c: v[rows] for c, v in cols.items()}
            c_cost, c_valid, rounded = R.cost_pico(R.unit_rates(model_price), sub)
            cost[rows] = c_cost
            valid[rows] = c_valid
            info.append(
                self._class_info(resolved, model_price, rep, service_tier, context, len(rows), rounded, url)
            )
        return cost, valid, info

    @staticmethod
    def _class_info(
        resolved: R.ResolvedModel,
        model_price: gp.ModelPrice,
        rep: pd.Timestamp,
        service_tier: str | None,
        context: dict[str, str] | None,
        requests: int,
        rounded: int,
        url: str | None,
    ) -> tuple[date | None, int, int, str | None, bool]:
        """(price_from, requests, rounded rows, pricing URL, tier priced at the standard rate)."""
        same = service_tier not in (None, "default") and model_price == resolved.model.get_prices(
            rep.to_pydatetime(), None
        )
        return (_price_from(resolved, rep, context), requests, rounded, url, same)

    def price_tokens(
        self,
        provider: str,
        model: str,
        ts_start: pd.Series | Sequence[pd.Timestamp],
        input_tokens: np.ndarray,
        output_tokens: np.ndarray,
        *,
        cache_read_tokens: np.ndarray | None = None,
        cache_write_tokens: np.ndarray | None = None,
        reasoning_tokens: np.ndarray | None = None,
        service_tier: str | None = None,
    ) -> np.ndarray:
        """Pico-USD per request for hypothetical API traffic (the simulator's API backends).

        Raises ``PricingError`` for a model genai-prices does not know or for inconsistent usage,
        because a what-if must never silently price traffic at $0.
        """
        ts = pd.Series(pd.to_datetime(pd.Series(ts_start), utc=False))
        n = len(ts)

        def arr(values: np.ndarray | None) -> np.ndarray:
            return np.zeros(n, dtype=np.int64) if values is None else np.asarray(values, dtype=np.int64)

        cols = {
            "input_tokens": arr(input_tokens),
            "output_tokens": arr(output_tokens),
            "cache_read_tokens": arr(cache_read_tokens),
            "cache_write_tokens": arr(cache_write_tokens),
            "reasoning_tokens": arr(reasoning_tokens),
        }
        if any(len(v) != n for v in cols.values()):
            raise PricingError("price_tokens: timestamps and token arrays differ in length")
        if any((v < 0).any() for v in cols.values()):
            raise PricingError("price_tokens: token counts must be >= 0")
        try:
            resolved = self._resolve(provider, model)
            cost, valid, _ = self._price_group(resolved, _utc_ns(ts), cols, service_tier)
        except R.Unpriceable as exc:
            hint = f" (did you mean {', '.join(exc.suggestions)}?)" if exc.suggestions else ""
            raise PricingError(f"cannot price {provider}/{model}: {exc.reason}{hint}") from None
        if not valid.all():
            raise PricingError(f"cannot price {provider}/{model}: cache tokens exceed input tokens")
        return cost


def _price_from(resolved: R.ResolvedModel, rep: pd.Timestamp, context: dict[str, str] | None) -> date | None:
    """Start of the dated price period in force: the newest active start date among the model's
    conditional prices and the price variants that applied (None when nothing is dated)."""
    when = rep.to_pydatetime()
    model = resolved.model
    dates: list[date] = []
    if isinstance(model.prices, list):
        for cp in reversed(model.prices):
            c = cp.constraint
            if c is None or c.active(when):
                if isinstance(c, gp.StartDateConstraint):
                    dates.append(c.start_date)
                break
    if context and resolved.variants_apply:
        for v in model.price_variants or ():
            c = v.constraint
            applies = all(context.get(k) == val for k, val in v.when.items())
            if applies and isinstance(c, gp.StartDateConstraint) and c.active(when):
                dates.append(c.start_date)
    return max(dates) if dates else None
