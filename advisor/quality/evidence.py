"""The shipped quality-evidence table, user overrides per task, and the lookup the search uses.

A lookup answers "how many accuracy points does task T lose if its current model M is replaced by X?"
with a number *and* where it came from: the user's own evaluation first, then a published benchmark of
the same task class against the same API model, then a published class-wide bound, then a published
benchmark against a different API model (marked as a proxy). With none of these the answer is
"unknown", which the search treats as not eligible — advisor never invents quality.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from advisor.errors import ConfigError
from advisor.quality.classes import TaskClass

Accuracy = Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)]
Basis = Literal["user", "published", "class-bound", "published-proxy", "unknown"]

_EVIDENCE_FILE = "quality_evidence.yml"
_SIZE_RE = re.compile(r"qwen3[-_]?(\d+)(?:[.\-_](\d+))?b")
# The benchmarked range of distilled sizes; a row without a stated size applies to all of it.
BENCHMARKED_SIZES_B: tuple[float, float] = (0.6, 8.0)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)


class Source(_Strict):
    title: str
    published: str
    prices_as_of: str
    url: str
    also: str | None = None
    notes: str = ""


class ModelScore(_Strict):
    model: str | None
    accuracy: Accuracy


class Benchmark(_Strict):
    id: str
    dataset: str
    task_class: TaskClass
    source: str
    distilled: ModelScore
    api: list[ModelScore] = Field(min_length=1)
    caveat: str | None = None


class ClassBound(_Strict):
    task_class: TaskClass
    source: str
    max_drop_points: Annotated[float, Field(ge=0, le=100)]
    statement: str


class EvidenceFile(_Strict):
    schema_version: Literal[1]
    sources: dict[str, Source]
    benchmarks: list[Benchmark]
    class_bounds: list[ClassBound] = Field(default_factory=list)


class TaskOverride(_Strict):
    """A user's own evaluation of one task (accuracy in percent on their held-out set)."""

    task_class: TaskClass | None = Field(default=None, alias="class")
    current_accuracy: Accuracy | None = None
    distilled: dict[str, Accuracy] = Field(default_factory=dict)
    api: dict[str, Accuracy] = Field(default_factory=dict)
    source: str = Field(min_length=1, max_length=300)


class QualityOverrides(_Strict):
    tasks: dict[str, TaskOverride] = Field(default_factory=dict)


@dataclass(frozen=True)
class QualityEstimate:
    """Expected accuracy change for one task and one replacement, with its provenance."""

    drop_points: float | None
    """api/current accuracy minus replacement accuracy in points; None = unknown; negative = gain."""
    basis: Basis
    source: str
    """Human-readable citation: dataset, figures compared, source title and date (or the user's label)."""
    url: str | None = None
    assumptions: tuple[str, ...] = field(default_factory=tuple)

    def meets(self, tolerance_points: float) -> bool:
        return self.drop_points is not None and self.drop_points <= tolerance_points + 1e-9


UNKNOWN = QualityEstimate(None, "unknown", "no published or user evidence for this task class and model")


def normalise_model(name: str) -> str:
    """Compare model names across spellings (`claude-haiku-4.5` == `claude-haiku-4-5-20251001`)."""
    return re.sub(r"[._\s/]+", "-", name.strip().lower())


def model_matches(evidence_model: str, logged_model: str) -> bool:
    """True when a logged model is the evidence's model or a dated/versioned snapshot of it —
    never a different variant (`gemini-2.5-flash` does not match `gemini-2.5-flash-lite`)."""
    ev, lg = normalise_model(evidence_model), normalise_model(logged_model)
    lg = lg.split("-", 1)[1] if lg.startswith(("anthropic-", "openai-", "google-")) else lg
    if lg == ev:
        return True
    return lg.startswith(ev + "-") and lg[len(ev) + 1 : len(ev) + 2].isdigit()


def distilled_size_b(model: str) -> float | None:
    """Parameter count in billions from a Qwen3 model id (`qwen3-1.7b` -> 1.7)."""
    m = _SIZE_RE.search(model.lower())
    return float(f"{m.group(1)}.{m.group(2) or 0}") if m else None


def _points(x: float) -> float:
    """Accuracy points as published (one decimal) without binary-float residue."""
    return round(x, 2) + 0.0


def _pct(x: float) -> str:
    return f"{x:.1f} %"


class EvidenceTable:
    """Published evidence plus the user's overrides; immutable once built."""

    def __init__(self, evidence: EvidenceFile, overrides: QualityOverrides | None = None) -> None:
        self.evidence = evidence
        self.overrides = overrides or QualityOverrides()
        for b in evidence.benchmarks:
            if b.source not in evidence.sources:
                raise ConfigError(f"quality evidence: benchmark {b.id} cites unknown source")

    def with_overrides(self, overrides: QualityOverrides) -> EvidenceTable:
        return EvidenceTable(self.evidence, overrides)

    def task_class_override(self, task: str) -> TaskClass | None:
        ov = self.overrides.tasks.get(task)
        return ov.task_class if ov else None

    def _cite(self, b: Benchmark, compared: str) -> tuple[str, str]:
        src = self.evidence.sources[b.source]
        text = f"{src.title} ({src.published}), {b.dataset}: {compared}"
        if b.caveat:
            text += f"; caveat: {b.caveat}"
        return text, src.url

    def distilled(self, task: str, task_class: TaskClass, current_model: str, model: str) -> QualityEstimate:
        """Expected drop when ``task`` moves from ``current_model`` to distilled ``model`` (e.g. qwen3-4b)."""
        size = distilled_size_b(model)
        ov = self.overrides.tasks.get(task)
        if ov is not None and ov.current_accuracy is not None and ov.distilled:
            own = self._own_distilled(ov, model, size)
            if own is not None:
                acc, measured_as, assumption = own
                return QualityEstimate(
                    _points(ov.current_accuracy - acc),
                    "user",
                    f"your evaluation ({ov.source}): {measured_as} {_pct(acc)} vs current "
                    f"{_pct(ov.current_accuracy)}",
                    None,
                    assumption,
                )
        rows = [b for b in self.evidence.benchmarks if b.task_class == task_class]
        applicable = [b for b in rows if self._size_applies(b, size)]
        assumptions = tuple(self._size_assumption(b, model) for b in applicable)
        direct = [
            (b, a) for b in applicable for a in b.api if a.model and model_matches(a.model, current_model)
        ]
        if direct:
            b, a = max(direct, key=lambda ba: ba[1].accuracy - ba[0].distilled.accuracy)
            text, url = self._cite(
                b,
                f"distilled {self._distilled_name(b)} {_pct(b.distilled.accuracy)} vs {a.model} "
                f"{_pct(a.accuracy)}",
            )
            return QualityEstimate(
                _points(a.accuracy - b.distilled.accuracy),
                "published",
                text,
                url,
                (self._size_assumption(b, model),),
            )
        bound = next((c for c in self.evidence.class_bounds if c.task_class == task_class), None)
        if bound is not None:
            src = self.evidence.sources[bound.source]
            return QualityEstimate(
                bound.max_drop_points,
                "class-bound",
                f"{src.title} ({src.published}): {bound.statement}; the upper end is used",
                src.url,
                ("the current model was not benchmarked; the published class-wide bound is applied",),
            )
        if applicable:
            b = max(applicable, key=lambda r: max(a.accuracy for a in r.api) - r.distilled.accuracy)
            best = max(b.api, key=lambda a: a.accuracy)
            text, url = self._cite(
                b,
                f"distilled {self._distilled_name(b)} {_pct(b.distilled.accuracy)} vs best benchmarked "
                f"API {best.model} {_pct(best.accuracy)}",
            )
            return QualityEstimate(
                _points(best.accuracy - b.distilled.accuracy),
                "published-proxy",
                text,
                url,
                (
                    *assumptions,
                    "the current model was not benchmarked; compared with the best benchmarked API instead",
                ),
            )
        if rows:
            smallest = min(distilled_size_b(b.distilled.model or "") or 0.0 for b in rows)
            return QualityEstimate(
                None,
                "unknown",
                f"published evidence for this class starts at Qwen3-{smallest:g}B; none for smaller models",
            )
        return UNKNOWN

    def api_swap(self, task: str, task_class: TaskClass, current_model: str, other: str) -> QualityEstimate:
        """Expected drop when ``task`` moves from ``current_model`` to another API model."""
        ov = self.overrides.tasks.get(task)
        if ov is not None and ov.current_accuracy is not None:
            for name, acc in ov.api.items():
                if model_matches(name, other):
                    return QualityEstimate(
                        _points(ov.current_accuracy - acc),
                        "user",
                        f"your evaluation ({ov.source}): {name} {_pct(acc)} vs current "
                        f"{_pct(ov.current_accuracy)}",
                    )
        for b in self.evidence.benchmarks:
            if b.task_class != task_class:
                continue
            cur = next((a for a in b.api if a.model and model_matches(a.model, current_model)), None)
            alt = next((a for a in b.api if a.model and model_matches(a.model, other)), None)
            if cur is not None and alt is not None:
                text, url = self._cite(
                    b, f"{alt.model} {_pct(alt.accuracy)} vs {cur.model} {_pct(cur.accuracy)}"
                )
                return QualityEstimate(_points(cur.accuracy - alt.accuracy), "published", text, url)
        return UNKNOWN

    @staticmethod
    def _own_distilled(
        ov: TaskOverride, model: str, size: float | None
    ) -> tuple[float, str, tuple[str, ...]] | None:
        for name, acc in ov.distilled.items():
            if normalise_model(name) == normalise_model(model):
                return acc, name, ()
        if size is None:
            return None
        smaller = [
            (s, name, acc)
            for name, acc in ov.distilled.items()
            if (s := distilled_size_b(name)) is not None and s <= size
        ]
        if not smaller:
            return None
        s, name, acc = max(smaller)
        return acc, name, (f"your result for {name} is applied to the larger {model}",)

    @staticmethod
    def _distilled_name(b: Benchmark) -> str:
        return b.distilled.model or "Qwen3 (size not stated)"

    @staticmethod
    def _size_applies(b: Benchmark, size: float | None) -> bool:
        if b.distilled.model is None:
            return True
        measured = distilled_size_b(b.distilled.model)
        return measured is None or (size is not None and size >= measured)

    @staticmethod
    def _size_assumption(b: Benchmark, model: str) -> str:
        if b.distilled.model is None:
            lo, hi = BENCHMARKED_SIZES_B
            return (
                f"{b.dataset}: distilled size not stated by the source ({lo:g}B-{hi:g}B); applied to {model}"
            )
        if normalise_model(b.distilled.model) == normalise_model(model):
            return f"{b.dataset}: measured on {model} itself"
        return f"{b.dataset}: measured on {b.distilled.model}; assumed to hold for the larger {model}"


def _load_yaml(text: str, where: str) -> object:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"{where}{line}: not valid YAML") from None


def _validation_message(where: str, exc: ValidationError) -> str:
    first = exc.errors(include_input=False)[0]
    loc = ".".join(str(p) for p in first["loc"])
    return f"{where}: field {loc}: {first['type']} ({exc.error_count()} problem(s))"


@lru_cache(maxsize=1)
def _packaged() -> EvidenceFile:
    text = resources.files("advisor").joinpath("data", _EVIDENCE_FILE).read_text(encoding="utf-8")
    return EvidenceFile.model_validate(_load_yaml(text, _EVIDENCE_FILE))


def load_evidence(path: str | Path | None = None) -> EvidenceTable:
    """The shipped evidence table, or one read from ``path`` (same schema)."""
    if path is None:
        return EvidenceTable(_packaged())
    where = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{where}: cannot read evidence file ({type(exc).__name__})") from None
    try:
        return EvidenceTable(EvidenceFile.model_validate(_load_yaml(text, where)))
    except ValidationError as exc:
        raise ConfigError(_validation_message(where, exc)) from None


def load_quality_overrides(path: str | Path) -> QualityOverrides:
    """A user's per-task evaluation results (``--quality-overrides FILE``); see docs in the README."""
    where = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{where}: cannot read quality overrides ({type(exc).__name__})") from None
    data = _load_yaml(text, where)
    if data is None:
        return QualityOverrides()
    try:
        return QualityOverrides.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_validation_message(where, exc)) from None
