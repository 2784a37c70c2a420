"""The must-show decisions, the money identity, and stability over seeds."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from advisor.analysis import Analysis, analyze_trace
from advisor.recommend.engine import Recommendations, recommend
from advisor.recommend.money import DAY_SECONDS, gpu_cost_pico
from advisor.recommend.settings import GpuOffer, RecommendSettings
from advisor.trace import Trace

pytestmark = pytest.mark.slow


def test_high_volume_structured_task_on_haiku_is_distilled_with_large_savings(
    busy_recs: Recommendations,
) -> None:
    p = busy_recs.plan("sql-gen")
    t = busy_recs.facts.task("sql-gen")
    assert t.task_class == "structured-output" and t.model.startswith("claude-haiku-4-5")
    assert p.decision in ("distill", "cascade")
    assert p.savings_pico >= p.current_monthly_pico // 2  # more than half the bill
    o = p.chosen
    assert o.profile is not None and o.replicas and o.p95_ms is not None and o.p95_ms <= p.slo_p95_ms
    assert o.quality.drop_points is not None and o.quality.drop_points <= 1.5
    assert "Text2SQL" in o.quality.source
    assert p.payback_months is not None and p.payback_months < 12
    assert str(round(o.p95_ms)) in p.rationale.replace(",", "") and "SLO" in p.rationale


def test_open_ended_task_stays(busy_recs: Recommendations) -> None:
    p = busy_recs.plan("faq-answer")
    assert busy_recs.facts.task("faq-answer").task_class == "open-ended"
    assert p.decision == "stay" and p.savings_pico == 0
    assert "6.0 pts" in p.rationale


def test_low_volume_nano_task_stays(busy_recs: Recommendations) -> None:
    p = busy_recs.plan("nano-tagging")
    assert p.decision == "stay"
    assert p.break_even_per_day is not None and "break-even" in p.rationale


def _only(analysis: Analysis, *tasks: str) -> Analysis:
    df = analysis.priced.df
    raw = df[df["task"].isin(tasks)].drop(columns=["cost_pusd", "task_source"])
    return analyze_trace(Trace(raw.reset_index(drop=True)))


def test_nano_stays_against_one_h100_at_2_40_and_breaks_even_near_millions(busy_analysis: Analysis) -> None:
    h100 = {"h100-sxm": GpuOffer("h100-sxm", Decimal("2.40"), "issue figure", date(2026, 10, 19))}
    recs = recommend(_only(busy_analysis, "nano-tagging"), RecommendSettings(seeds=[0]), offers=h100)
    p = recs.plan("nano-tagging")
    t = recs.facts.task("nano-tagging")
    assert p.decision == "stay"
    # one H100-day over the task's exact mean price per request, rounded up to a whole request
    day = gpu_cost_pico(Decimal("2.40"), DAY_SECONDS)
    expected = -(-day * t.pico_per_request.denominator // t.pico_per_request.numerator)
    assert p.break_even_per_day == expected
    assert 1_000_000 < expected < 10_000_000  # ~$20-25 per million short requests


def test_savings_are_current_minus_projected_exactly(busy_recs: Recommendations) -> None:
    doc = busy_recs.as_json()["recommendations"]
    tot_cur = tot_proj = tot_sav = Decimal(0)
    for row in doc["tasks"]:
        m = row["money"]
        cur, proj, sav = (
            Decimal(m[k])
            for k in ("current_usd_per_month", "projected_usd_per_month", "savings_usd_per_month")
        )
        assert sav == cur - proj
        assert Decimal(m["savings_usd_per_year"]) == Decimal(m["current_usd_per_year"]) - Decimal(
            m["projected_usd_per_year"]
        )
        tot_cur, tot_proj, tot_sav = tot_cur + cur, tot_proj + proj, tot_sav + sav
    total = doc["total"]
    assert Decimal(total["current_usd_per_month"]) == tot_cur
    assert Decimal(total["projected_usd_per_month"]) == tot_proj
    assert Decimal(total["savings_usd_per_month"]) == tot_sav == tot_cur - tot_proj


def test_every_candidate_is_reported_with_a_status(busy_recs: Recommendations) -> None:
    scen = busy_recs.as_json()["scenarios"]
    kinds = {s["kind"] for s in scen}
    assert {"stay", "switch-api", "distill"} <= kinds
    assert all(s["status"] for s in scen)
    chosen = [s for s in scen if s["status"] == "chosen" and s["kind"] != "shared-fleet"]
    assert len(chosen) == len(busy_recs.plans)
    pruned = [s for s in scen if s["status"] == "pruned"]
    assert pruned and all("lower bound" in s["detail"] for s in pruned)


def test_savings_interval_brackets_the_point_estimate_for_distilled_tasks(busy_recs: Recommendations) -> None:
    for p in busy_recs.plans:
        assert p.savings_interval_pico is not None
        lo, hi = p.savings_interval_pico
        assert lo <= hi
        if p.decision == "stay":
            assert lo == hi == 0
    lo, hi = busy_recs.total_interval
    assert lo <= busy_recs.total.savings_pico <= hi


def test_sensitivity_moves_the_right_way(busy_recs: Recommendations) -> None:
    rows = {r.parameter: r for r in busy_recs.tornado_rows}
    base = busy_recs.tornado_base
    assert base == busy_recs.total.savings_pico
    assert rows["GPU price"].low < base < rows["GPU price"].high
    assert rows["API price"].low < base
    assert rows["Volume"].low < base < rows["Volume"].high


def test_same_decisions_on_another_seed(busy_analysis: Analysis, busy_recs: Recommendations) -> None:
    tasks = ("sql-gen", "support-triage", "faq-answer")
    other = recommend(_only(busy_analysis, *tasks), RecommendSettings(seed=3, seeds=[3]))
    assert [(p.task, p.decision) for p in other.plans] == [
        (p.task, p.decision) for p in busy_recs.plans if p.task in tasks
    ]


def test_same_decisions_for_five_seeds_on_the_bundled_sample(sample_analysis: Analysis) -> None:
    runs = [
        recommend(sample_analysis, RecommendSettings(seed=s, seeds=[s], bootstrap_samples=200))
        for s in range(5)
    ]
    decisions = [[(p.task, p.decision, p.chosen.label) for p in r.plans] for r in runs]
    assert all(d == decisions[0] for d in decisions)
    assert len(decisions[0]) >= 5
