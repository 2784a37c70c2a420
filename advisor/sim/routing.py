"""Routing policies, registered by name: which backend serves each request.

A policy turns the requests and the scenario into a ``RoutePlan``: the backend each request tries
first, the API it escalates to afterwards (cascade) and, for ``overflow``, the rule the arrival
feeder applies against the live fleet state. Static decisions are vectorised (numpy), so they cost
nothing per request; only ``overflow`` looks at the fleet at each arrival.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from advisor.errors import ConfigError
from advisor.sim.inputs import SimInput
from advisor.sim.scenario import LOGGED_API, Scenario


@dataclass(frozen=True)
class OverflowRule:
    """Send a request to ``api`` instead of ``fleet`` when the fleet's expected wait exceeds a bound."""

    fleet: int
    api: int
    max_wait_s: float


@dataclass(frozen=True)
class RoutePlan:
    """Per-request routing decided before the run (except overflow, decided at arrival)."""

    first: np.ndarray
    """Backend code tried first (int32)."""
    escalate_to: np.ndarray
    """API backend code a cascade escalates to after the first answer, -1 for none (int32)."""
    overflow: OverflowRule | None = None


Policy = Callable[[SimInput, Scenario, np.random.Generator, Mapping[str, int]], RoutePlan]
Validator = Callable[[Scenario], None]


@dataclass(frozen=True)
class _Entry:
    plan: Policy
    validate: Validator
    doc: str


POLICIES: dict[str, _Entry] = {}


def register(name: str, validate: Validator, doc: str) -> Callable[[Policy], Policy]:
    """Add a policy to the registry (the recommendation engine may add its own)."""

    def deco(fn: Policy) -> Policy:
        POLICIES[name] = _Entry(fn, validate, doc)
        return fn

    return deco


def _p(s: Scenario) -> dict[str, Any]:
    return s.routing.params


def _backend(s: Scenario, name: Any, what: str, kind: str = "any") -> str:
    apis = {LOGGED_API, *s.apis}
    pool = {"api": apis, "fleet": set(s.fleets), "any": apis | set(s.fleets)}[kind]
    if not isinstance(name, str) or name not in pool:
        label = "" if kind == "any" else f"{kind} "
        raise ValueError(f"routing.params.{what}: must name a defined {label}backend")
    return name


def _allowed(s: Scenario, keys: set[str]) -> None:
    extra = set(_p(s)) - keys
    if extra:
        raise ValueError(f"routing.params: unknown key(s) {sorted(extra)}; allowed {sorted(keys)}")


def _fraction(x: Any, what: str) -> float:
    if isinstance(x, bool) or not isinstance(x, int | float) or not 0 <= float(x) <= 1:
        raise ValueError(f"routing.params.{what}: must be a number in [0, 1]")
    return float(x)


def _task_codes(inp: SimInput, mapping: Mapping[str, Any]) -> dict[int, Any]:
    codes = {name: i for i, name in enumerate(inp.task_names)}
    return {codes[t]: v for t, v in mapping.items() if t in codes}


# -- api ------------------------------------------------------------------------------------------


def _v_api(s: Scenario) -> None:
    _allowed(s, {"backend"})
    _backend(s, _p(s).get("backend", LOGGED_API), "backend", "api")


@register("api", _v_api, "every request to one API backend (default `logged`: as logged) - the baseline")
def _api(inp: SimInput, s: Scenario, rng: np.random.Generator, code: Mapping[str, int]) -> RoutePlan:
    b = code[_p(s).get("backend", LOGGED_API)]
    n = len(inp)
    return RoutePlan(np.full(n, b, np.int32), np.full(n, -1, np.int32))


# -- assign ---------------------------------------------------------------------------------------


def _v_assign(s: Scenario) -> None:
    _allowed(s, {"tasks", "default"})
    tasks = _p(s).get("tasks", {})
    if not isinstance(tasks, dict):
        raise ValueError("routing.params.tasks: must map task -> backend")
    for t, b in tasks.items():
        _backend(s, b, f"tasks.{t}")
    _backend(s, _p(s).get("default", LOGGED_API), "default")


@register("assign", _v_assign, "per task -> backend; other tasks to `default` (`logged`)")
def _assign(inp: SimInput, s: Scenario, rng: np.random.Generator, code: Mapping[str, int]) -> RoutePlan:
    p = _p(s)
    lut = np.full(max(len(inp.task_names), 1), code[p.get("default", LOGGED_API)], np.int32)
    for t, b in _task_codes(inp, p.get("tasks", {})).items():
        lut[t] = code[b]
    return RoutePlan(lut[inp.task], np.full(len(inp), -1, np.int32))


# -- split ----------------------------------------------------------------------------------------


def _weights(s: Scenario, w: Any, what: str) -> dict[str, float]:
    if not isinstance(w, dict) or not w:
        raise ValueError(f"routing.params.{what}: must map backend -> percentage")
    out: dict[str, float] = {}
    for b, pct in w.items():
        _backend(s, b, f"{what}.{b}")
        if isinstance(pct, bool) or not isinstance(pct, int | float) or pct < 0:
            raise ValueError(f"routing.params.{what}.{b}: must be a percentage >= 0")
        out[b] = float(pct)
    if abs(sum(out.values()) - 100.0) > 1e-6:
        raise ValueError(f"routing.params.{what}: percentages must sum to 100")
    return out


def _v_split(s: Scenario) -> None:
    _allowed(s, {"weights", "tasks"})
    _weights(s, _p(s).get("weights"), "weights")
    for t, w in (_p(s).get("tasks") or {}).items():
        _weights(s, w, f"tasks.{t}")


@register("split", _v_split, "percentages per backend (optionally per task), drawn per request (seeded)")
def _split(inp: SimInput, s: Scenario, rng: np.random.Generator, code: Mapping[str, int]) -> RoutePlan:
    p = _p(s)
    u = rng.random(len(inp))
    first = _draw(u, p["weights"], code)
    for t, w in _task_codes(inp, p.get("tasks") or {}).items():
        m = inp.task == t
        first[m] = _draw(u[m], w, code)
    return RoutePlan(first, np.full(len(inp), -1, np.int32))


def _draw(u: np.ndarray, weights: Mapping[str, float], code: Mapping[str, int]) -> np.ndarray:
    names = list(weights)
    edges = np.cumsum([weights[b] for b in names]) / 100.0
    idx = np.minimum(np.searchsorted(edges, u, side="right"), len(names) - 1)
    return np.asarray([code[b] for b in names], np.int32)[idx]


# -- cascade --------------------------------------------------------------------------------------


def _v_cascade(s: Scenario) -> None:
    _allowed(s, {"first", "then", "escalate", "tasks"})
    p = _p(s)
    _backend(s, p.get("first"), "first", "fleet")
    _backend(s, p.get("then"), "then", "api")
    _fraction(p.get("escalate", 0.0), "escalate")
    for t, f in (p.get("tasks") or {}).items():
        _fraction(f, f"tasks.{t}")


@register(
    "cascade",
    _v_cascade,
    "small model (`first` fleet) answers; a fraction (`escalate`, per task via `tasks`) is re-sent "
    "to `then` after the small model's latency, paying both",
)
def _cascade(inp: SimInput, s: Scenario, rng: np.random.Generator, code: Mapping[str, int]) -> RoutePlan:
    p = _p(s)
    frac = np.full(max(len(inp.task_names), 1), float(p.get("escalate", 0.0)))
    for t, f in _task_codes(inp, p.get("tasks") or {}).items():
        frac[t] = float(f)
    esc = rng.random(len(inp)) < frac[inp.task]
    first = np.full(len(inp), code[p["first"]], np.int32)
    return RoutePlan(first, np.where(esc, code[p["then"]], -1).astype(np.int32))


# -- overflow -------------------------------------------------------------------------------------


def _v_overflow(s: Scenario) -> None:
    _allowed(s, {"fleet", "api", "max_wait_s"})
    p = _p(s)
    _backend(s, p.get("fleet"), "fleet", "fleet")
    _backend(s, p.get("api"), "api", "api")
    w = p.get("max_wait_s", 1.0)
    if isinstance(w, bool) or not isinstance(w, int | float) or w < 0:
        raise ValueError("routing.params.max_wait_s: must be a number >= 0")


@register(
    "overflow",
    _v_overflow,
    "to `fleet`, unless its expected queue wait exceeds `max_wait_s` (default 1 s): then to `api`",
)
def _overflow(inp: SimInput, s: Scenario, rng: np.random.Generator, code: Mapping[str, int]) -> RoutePlan:
    p = _p(s)
    f, a = code[p["fleet"]], code[p["api"]]
    n = len(inp)
    rule = OverflowRule(f, a, float(p.get("max_wait_s", 1.0)))
    return RoutePlan(np.full(n, f, np.int32), np.full(n, -1, np.int32), rule)


def validate_routing(s: Scenario, *, source: str = "<scenario>") -> None:
    """Check the policy name and its parameters; one clear line on failure."""
    entry = POLICIES.get(s.routing.policy)
    if entry is None:
        import difflib

        near = difflib.get_close_matches(s.routing.policy, POLICIES, n=1)
        hint = f"; did you mean `{near[0]}`?" if near else ""
        raise ConfigError(f"{source}: routing.policy: unknown policy{hint} (known: {', '.join(POLICIES)})")
    try:
        entry.validate(s)
    except ValueError as exc:
        raise ConfigError(f"{source}: {exc}") from None


def plan_routes(inp: SimInput, s: Scenario, rng: np.random.Generator, code: Mapping[str, int]) -> RoutePlan:
    """Apply the scenario's policy."""
    validate_routing(s)
    return POLICIES[s.routing.policy].plan(inp, s, rng, code)
