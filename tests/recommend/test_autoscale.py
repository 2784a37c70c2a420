"""The autoscaled bill follows the daily shape: cold starts billed, scale-down delayed."""

import numpy as np

from advisor.recommend.autoscale import billed_replica_seconds


def test_flat_demand_bills_like_always_on() -> None:
    t = np.arange(0, 3600, 0.5)  # 2 req/s for an hour
    billed = billed_replica_seconds(t, 3600, 1.0, min_replicas=1, max_replicas=4, cold_start_s=60)
    assert billed == 2 * 3600 + 2 * 60  # two replicas all hour, each paid its cold start once


def test_a_short_peak_is_paid_only_around_the_peak() -> None:
    quiet = np.arange(0, 7200, 2.0)  # 0.5 req/s
    peak = 3600 + np.arange(0, 600, 0.25)  # +4 req/s for 10 minutes
    t = np.sort(np.concatenate([quiet, peak]))
    billed = billed_replica_seconds(t, 7200, 1.0, min_replicas=1, max_replicas=5, cold_start_s=60)
    always_on = 5 * 7200
    assert billed < 0.4 * always_on
    # the extra replicas stay for the 5-minute scale-down delay after the peak
    no_delay = billed_replica_seconds(
        t, 7200, 1.0, min_replicas=1, max_replicas=5, cold_start_s=60, scale_down_delay_s=0
    )
    assert no_delay < billed


def test_capped_at_max_replicas() -> None:
    t = np.arange(0, 600, 0.01)  # 100 req/s
    billed = billed_replica_seconds(t, 600, 1.0, min_replicas=1, max_replicas=3, cold_start_s=0)
    assert billed == 3 * 600
