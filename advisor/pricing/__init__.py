"""Frontier-API prices: the present traffic's cost, exact and dated (see ``book``)."""

from advisor.pricing.book import PriceBook, PriceData, PricedTrace, PriceSource, UnpricedBucket, price_data
from advisor.pricing.money import group_sum_exact, group_sum_pico, sum_pico

__all__ = [
    "PriceBook",
    "PriceData",
    "PriceSource",
    "PricedTrace",
    "UnpricedBucket",
    "group_sum_exact",
    "group_sum_pico",
    "price_data",
    "sum_pico",
]
