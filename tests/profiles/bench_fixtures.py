"""Benchmark result files shaped exactly like the real tools' output, generated from a known law.

Shapes checked against the tools' source:

* ``vllm bench serve --save-result``: vllm-project/vllm ``vllm/benchmarks/serve.py`` at commit
  009e6d4a1cd6ba3fb2a9fc00f4ec06f5297232a1 — ``result_json`` (date "%Y%m%d-%H%M%S",
  endpoint_type, backend, label, model_id, tokenizer_id, num_prompts, request_rate ("inf" when
  unbounded), burstiness, max_concurrency) merged with ``benchmark()``'s result (duration,
  completed, failed, total_input_tokens, total_output_tokens, request_throughput,
  request_goodput, output_throughput, total_token_throughput, max_output_tokens_per_s,
  max_concurrent_requests, rtfx, then mean/median/std/p99 of ttft, tpot, itl in ms). Per-request
  lists are removed unless ``--save-detailed``.
* GuideLLM: vllm-project/guidellm ``src/guidellm/benchmark/schemas/generative/report.py``
  (03820eba155d34eb602244535cc2412c32af6f54: ``args`` + ``benchmarks``),
  ``.../generative/benchmark.py`` (same commit: type_, config, scheduler_state,
  scheduler_metrics, metrics, requests), ``.../generative/metrics.py``
  (06cef2910dc1517f863ce09ff118af07d463d055: GenerativeMetrics fields), ``.../schemas/base.py``
  (14ffe9c6f1a2a3ab0f2bfccb306f916bde6ffde6: BenchmarkConfig) and ``src/guidellm/schemas/
  statistics.py`` (03820eba…: DistributionSummary with percentiles p001…p999).
"""

from __future__ import annotations

from typing import Any

from advisor.profiles.model import StepLaw

PCTS = ("p001", "p01", "p05", "p10", "p25", "p50", "p75", "p90", "p95", "p99", "p999")


def decode_ms(law: StepLaw, conc: int, in_len: int, out_len: int) -> float:
    return law.step_ms(conc, conc * (in_len + out_len / 2), 0)


def ttft_ms(law: StepLaw, in_len: int, overhead_ms: float) -> float:
    return overhead_ms + law.step_ms(0, 0, in_len)


def vllm_result(
    law: StepLaw,
    *,
    conc: int,
    in_len: int,
    out_len: int,
    overhead_ms: float = 3.0,
    date: str = "20261101-120000",
    detailed: bool = False,
) -> dict[str, Any]:
    itl = decode_ms(law, conc, in_len, out_len)
    ttft = ttft_ms(law, in_len, overhead_ms) * (1 if conc == 1 else 1 + conc / 8)
    e2e = ttft + (out_len - 1) * itl
    n = max(50, 5 * conc)
    duration = n / conc * e2e / 1000.0
    result: dict[str, Any] = {
        "date": date,
        "endpoint_type": "openai-chat",
        "backend": "openai-chat",
        "label": None,
        "model_id": "Qwen/Qwen3-8B",
        "tokenizer_id": "Qwen/Qwen3-8B",
        "num_prompts": n,
        "request_rate": "inf",
        "burstiness": 1.0,
        "max_concurrency": conc,
        "duration": duration,
        "completed": n,
        "failed": 0,
        "total_input_tokens": n * in_len,
        "total_output_tokens": n * out_len,
        "request_throughput": n / duration,
        "request_goodput": None,
        "output_throughput": n * out_len / duration,
        "total_token_throughput": n * (in_len + out_len) / duration,
        "max_output_tokens_per_s": 1.2 * n * out_len / duration,
        "max_concurrent_requests": conc,
        "rtfx": 0.0,
        "mean_ttft_ms": ttft * 1.02,
        "median_ttft_ms": ttft,
        "std_ttft_ms": ttft * 0.05,
        "p99_ttft_ms": ttft * 1.3,
        "mean_tpot_ms": itl * 1.01,
        "median_tpot_ms": itl,
        "std_tpot_ms": itl * 0.02,
        "p99_tpot_ms": itl * 1.1,
        "mean_itl_ms": itl * 1.03,
        "median_itl_ms": itl,
        "std_itl_ms": itl * 0.1,
        "p99_itl_ms": itl * 2.5,
    }
    if detailed:  # --save-detailed: per-request lists, including generated text
        result |= {
            "input_lens": [in_len] * n,
            "output_lens": [out_len] * n,
            "ttfts": [ttft / 1000.0] * n,
            "itls": [[itl / 1000.0] * (out_len - 1)] * 2,
            "start_times": [0.0] * n,
            "generated_texts": ["CANARY-PII-7f3a generated answer"] * n,
            "errors": [""] * n,
        }
    return result


def _dist(value: float, count: int) -> dict[str, Any]:
    return {
        "mean": value * 1.01,
        "median": value,
        "mode": value,
        "variance": (value * 0.05) ** 2,
        "std_dev": value * 0.05,
        "min": value * 0.9,
        "max": value * 1.5,
        "count": count,
        "total_sum": value * 1.01 * count,
        "percentiles": {p: value * (0.9 + 0.6 * i / (len(PCTS) - 1)) for i, p in enumerate(PCTS)},
        "pdf": None,
    }


def _status(value: float, count: int) -> dict[str, Any]:
    empty = _dist(0.0, 0)
    return {
        "successful": _dist(value, count),
        "incomplete": empty,
        "errored": empty,
        "total": _dist(value, count),
    }


def guidellm_benchmark(
    law: StepLaw, *, strategy: dict[str, Any], conc: int, in_len: int, out_len: int, overhead_ms: float = 3.0
) -> dict[str, Any]:
    itl = decode_ms(law, conc, in_len, out_len)
    ttft = ttft_ms(law, in_len, overhead_ms) * (1 if conc == 1 else 1 + conc / 8)
    latency_s = (ttft + (out_len - 1) * itl) / 1000.0
    n = 10 * conc
    metrics = {
        "request_totals": {"successful": n, "incomplete": 0, "errored": 0, "total": n},
        "requests_per_second": _status(conc / latency_s, n),
        "request_concurrency": _status(float(conc), n),
        "request_latency": _status(latency_s, n),
        "request_streaming_iterations_count": _status(float(out_len), n),
        "prompt_token_count": _status(float(in_len), n),
        "output_token_count": _status(float(out_len), n),
        "total_token_count": _status(float(in_len + out_len), n),
        "time_to_first_token_ms": _status(ttft, n),
        "time_to_first_output_token_ms": _status(ttft, n),
        "time_per_output_token_ms": _status(itl, n),
        "inter_token_latency_ms": _status(itl, n),
        "prompt_tokens_per_second": _status(in_len * conc / latency_s, n),
        "output_tokens_per_second": _status(out_len * conc / latency_s, n),
        "tokens_per_second": _status((in_len + out_len) * conc / latency_s, n),
        "output_tokens_per_iteration": _status(1.0, n),
        "iter_tokens_per_iteration": _status(1.0, n),
        "text": {},
        "image": {},
        "video": {},
        "audio": {},
        "tool_call": {},
    }
    start = 1_793_000_000.0  # 2026-10-26 UTC
    return {
        "type_": "generative_benchmark",
        "config": {
            "id_": "b-1",
            "run_id": "r-1",
            "run_index": 0,
            "strategy": strategy,
            "constraints": {"max_requests": {"max_num": n}},
            "sample_requests": 20,
            "warmup": {"percent": None, "value": None, "mode": "prefer_duration"},
            "cooldown": {"percent": None, "value": None, "mode": "prefer_duration"},
            "prefer_response_metrics": True,
            "profile": {"type_": "concurrent"},
            "requests": {"data": [f"prompt_tokens={in_len},output_tokens={out_len}"]},
            "backend": {"type_": "openai_http", "target": "http://127.0.0.1:8000"},
            "environment": {},
        },
        "scheduler_state": {"start_time": start},
        "scheduler_metrics": {
            "start_time": start,
            "request_start_time": start,
            "measure_start_time": start + 1,
            "measure_end_time": start + 60,
            "request_end_time": start + 61,
            "end_time": start + 61,
            "requests_made": {"successful": n, "incomplete": 0, "errored": 0, "total": n},
        },
        "metrics": metrics,
        "requests": {"successful": [], "incomplete": [], "errored": [], "total": None},
    }


def guidellm_report(benchmarks: list[dict[str, Any]]) -> dict[str, Any]:
    return {"args": {"target": "http://127.0.0.1:8000", "model": "Qwen/Qwen3-8B"}, "benchmarks": benchmarks}
