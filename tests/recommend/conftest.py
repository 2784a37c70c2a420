"""Shared analyses: a high-rate synthetic trace (the sample generator at 20k requests in one hour) and
the bundled sample. Built once per test session; both are deterministic."""

from __future__ import annotations

import pytest

from advisor.analysis import Analysis, analyze, analyze_trace
from advisor.recommend.engine import Recommendations, recommend
from advisor.recommend.settings import RecommendSettings
from advisor.sample import generate_sample
from advisor.trace import Trace


@pytest.fixture(scope="session")
def busy_analysis() -> Analysis:
    return analyze_trace(Trace(generate_sample(20_000, seed=7, days=1 / 24)))


@pytest.fixture(scope="session")
def busy_recs(busy_analysis: Analysis) -> Recommendations:
    return recommend(busy_analysis, RecommendSettings(seed=0, seeds=[0, 1]))


@pytest.fixture(scope="session")
def sample_analysis() -> Analysis:
    return analyze()
