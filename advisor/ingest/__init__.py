"""Ingest: log files in many shapes -> one validated canonical ``Trace`` + a reject report.

Public entry point: ``load_trace(paths, options) -> Trace`` (see ``advisor.ingest.reader``).
Provider adapters live in ``advisor.ingest.formats``; each exposes::

    NAME: str                                   # reader name, e.g. "openai"
    def detect(obj: dict) -> str | None         # envelope shape recognised in one parsed record
    def to_canonical(obj: dict, shape: str) -> list[dict | RecordError]

``to_canonical`` projects an already-parsed JSON object onto canonical field names using an
allowlist (prompt, response, header and key fields are never copied) and returns one entry per
LLM call the object holds (an OTLP export line holds many spans). Values are not validated there:
the shared canonical validator does that for every reader alike.

``RecordError(code, field, detail)`` lives in ``advisor.ingest.errors`` (re-exported here) with the
stable reject codes; record accounting for adapter formats counts records, not lines
(``traces/README.md``).
"""

from advisor.ingest.errors import RecordError
from advisor.ingest.options import ReadOptions
from advisor.ingest.reader import load_trace

__all__ = ["ReadOptions", "RecordError", "load_trace"]
