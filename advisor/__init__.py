"""advisor: replay production LLM traffic to decide what to distill, with evidence."""

from __future__ import annotations

__version__ = "0.1.0"
