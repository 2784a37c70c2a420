"""Two tasks too small for a GPU each can share one (multi-LoRA), and the split is fair and exact."""

from __future__ import annotations

import pytest

from advisor.analysis import analyze_trace
from advisor.recommend.engine import recommend
from advisor.recommend.search import fleet_monthly_pico
from advisor.recommend.settings import RecommendSettings
from advisor.recommend.sharing import slowed
from advisor.sample import generate_sample
from advisor.trace import Trace

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def twin_recs():
    df = generate_sample(5_000, seed=21, days=1 / 24)
    df = df[df["task"] == "support-triage"].reset_index(drop=True)
    df["task"] = ["triage-a" if i % 2 else "triage-b" for i in range(len(df))]
    return recommend(analyze_trace(Trace(df)), RecommendSettings(seeds=[0], gpus=["l40s"]))


def test_each_task_alone_stays_but_together_they_share_a_fleet(twin_recs) -> None:
    plans = {p.task: p for p in twin_recs.plans}
    fleet = twin_recs.shared[0]
    assert len(twin_recs.shared) == 1 and sorted(fleet.tasks) == ["triage-a", "triage-b"]
    one_gpu = fleet_monthly_pico(fleet.profile, twin_recs.ctx.offers["l40s"], 1)
    for p in plans.values():
        assert p.decision == "distill" and p.shared_fleet == fleet.name
        assert p.current_monthly_pico < one_gpu  # neither could pay for a GPU alone
        assert p.projected_monthly_pico < p.current_monthly_pico
        assert "shared with" in p.rationale
    # the fleet's bill is split exactly, nobody pays more than alone
    assert sum(p.projected_monthly_pico for p in plans.values()) == fleet.monthly_pico
    assert fleet.monthly_pico == one_gpu * fleet.replicas
    assert any(
        s["kind"] == "shared-fleet" and s["status"] == "chosen" for s in twin_recs.as_json()["scenarios"]
    )


def test_multilora_profile_is_slower_by_the_stated_factor(twin_recs) -> None:
    p = twin_recs.shared[0].profile
    slow = slowed(p, 1.1)
    assert slow.law.t0_ms == pytest.approx(p.law.t0_ms * 1.1)
    assert slow.law.c_pf_ms_per_token == pytest.approx(p.law.c_pf_ms_per_token * 1.1)
