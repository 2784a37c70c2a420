"""Analytic replica capacity: monotone in the SLO, bounded by the engine, refuses impossible SLOs."""

import itertools

import pytest

from advisor.profiles import load_profile
from advisor.recommend.capacity import TokenShape, replica_capacity, replicas_for
from advisor.recommend.sizing import busiest_windows

SHORT = TokenShape(mean_in=128, mean_out=60, p95_in=128, p95_out=80)


@pytest.fixture(scope="module")
def h100_4b():
    return load_profile("qwen3-4b-bf16-h100-sxm-vllm0.30")


def test_capacity_grows_with_the_slo_up_to_saturation(h100_4b) -> None:
    caps = [replica_capacity(h100_4b, SHORT, slo) for slo in (500, 800, 1500, 5000, 60_000)]
    rps = [c.slo_rps for c in caps]
    assert rps == sorted(rps)
    assert all(c.slo_rps <= c.saturation_rps + 1e-9 for c in caps)
    assert caps[-1].slo_batch <= h100_4b.max_num_seqs


def test_an_slo_below_the_idle_latency_is_infeasible(h100_4b) -> None:
    cap = replica_capacity(h100_4b, SHORT, 10.0)
    assert cap.slo_rps == 0 and cap.unloaded_p95_ms > 10.0
    assert replicas_for(5.0, cap.slo_rps) is None


def test_multilora_slowdown_lowers_capacity(h100_4b) -> None:
    base = replica_capacity(h100_4b, SHORT, 1000)
    slow = replica_capacity(h100_4b, SHORT, 1000, slowdown=1.5)
    assert slow.saturation_rps < base.saturation_rps and slow.slo_rps <= base.slo_rps


def test_seed_figure_is_in_the_right_range(h100_4b) -> None:
    # figures.md §3.3: ~222 req/s at p95 ~640 ms for 128-token prompts and ~60 output tokens
    cap = replica_capacity(h100_4b, SHORT, 640)
    assert 100 < cap.slo_rps < 300


def test_replicas_for() -> None:
    assert replicas_for(10.0, 4.0) == 3
    assert replicas_for(8.0, 4.0) == 2
    assert replicas_for(0.0, 4.0) == 1


def test_busiest_windows_do_not_overlap_and_pick_the_peak() -> None:
    import numpy as np

    quiet = np.arange(0, 3600, 10.0)
    burst = 1800 + np.arange(0, 300, 0.1)
    t = np.sort(np.concatenate([quiet, burst]))
    wins = busiest_windows(t, 300.0, 3)
    assert wins[0].start_s <= 1800 <= wins[0].end_s
    spans = sorted((w.start_s + 60, w.end_s) for w in wins)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
