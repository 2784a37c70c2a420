"""Data sheets under ``pricing/``: GPU prices, API latency and rate limits, hardware, overrides.

Each sheet is a strict pydantic model; loading validates every row (source, date, units,
currency, sign, unique ids) and refuses a bad file with one line naming the file, the line and
the field. The runtime reads the generated package copy in ``advisor/data/``.
"""

from __future__ import annotations

from advisor.sheets.loaders import load_api_latency, load_gpu_prices, load_hardware

__all__ = ["load_api_latency", "load_gpu_prices", "load_hardware"]
