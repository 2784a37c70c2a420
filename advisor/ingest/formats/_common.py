"""Helpers shared by the provider adapters: allowlist projection, time conversion, provider ids.

Every adapter builds canonical dicts (keys of ``advisor.trace.TraceRecord``) from an allowlist of
source fields. Nothing here copies free text: labels pass only when they look like identifiers
(``code_label``) or short single-line tags (``tag_map``), and content-bearing keys (prompts,
messages, headers, keys) are never read at all.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from advisor.ingest import errors
from advisor.ingest.errors import RecordError
from advisor.trace import CANONICAL_FIELDS, MAX_LABEL, REQUIRED_FIELDS

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_CANONICAL = frozenset(CANONICAL_FIELDS)


# RecordError(code, field, detail) is the reader's own type (advisor.ingest.errors), so adapter
# rejects are counted and sampled exactly like the reader's; codes below are shared with it.
MISSING_FIELD = errors.MISSING_FIELD
"""A required piece (id, time, model, usage) is absent from the record."""
TYPE_MISMATCH = errors.TYPE_MISMATCH
"""A field we must compute with (token arithmetic, time conversion) has the wrong JSON type."""
BAD_TIMESTAMP = errors.BAD_TIMESTAMP
"""A numeric timestamp that is not a representable instant."""
UNKNOWN_SCHEMA = errors.UNKNOWN_SCHEMA
"""``to_canonical`` was asked for a shape this adapter does not produce."""
NOT_EXECUTED = "NOT_EXECUTED"
"""A batch entry that was canceled or expired: no LLM call happened, so there is nothing to replay."""

Result = dict[str, Any] | RecordError

# Membership tests against values read from logs use tuples, not sets: a JSON list or object in
# an unexpected place is unhashable, and ``[] in {"a"}`` raises where ``[] in ("a",)`` is False.

# Envelope keys written by in-house loggers next to a request/response pair, in priority order.
TS_START_KEYS: tuple[str, ...] = (
    "ts_start",
    "timestamp",
    "ts",
    "time",
    "start_time",
    "request_time",
    "started_at",
    "created_at",
    "@timestamp",
)
TS_END_KEYS: tuple[str, ...] = ("ts_end", "end_time", "ended_at", "completed_at")
LATENCY_MS_KEYS: tuple[str, ...] = ("latency_ms", "duration_ms", "elapsed_ms")
TTFT_MS_KEYS: tuple[str, ...] = ("ttft_ms", "time_to_first_token_ms")
STATUS_CODE_KEYS: tuple[str, ...] = ("status_code", "http_status", "http_status_code")
MAX_TAGS = 32
MAX_TAG_VALUE = 64
MAX_TAG_SPACES = 3

_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:/\-]{0,63}$")
_TAG_KEY_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.:/\-]{0,63}$")
# Keys that name secrets or content: their values are never copied into tags, whatever they hold.
_DENY_KEY_RE = re.compile(
    r"key|token|secret|auth|passw|cookie|session|credential|bearer|signature|"
    r"prompt|message|content|input|output|completion|text|instruction|system|"
    r"email|phone|address|^ip$|_ip$|ip_|header",
    re.IGNORECASE,
)


def is_int(value: object) -> bool:
    """JSON integers only: ``true`` is a bool, not 1."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: object) -> bool:
    return (isinstance(value, int | float)) and not isinstance(value, bool)


def get(obj: object, path: str) -> Any:
    """``a.b.0.c`` lookup through dicts and lists; None when any step is absent or the wrong type."""
    cur: Any = obj
    for part in path.split("."):
        if isinstance(cur, dict):
            cur = cur.get(part)
        elif isinstance(cur, list) and part.isdigit():
            idx = int(part)
            cur = cur[idx] if idx < len(cur) else None
        else:
            return None
        if cur is None:
            return None
    return cur


def first_key(obj: Mapping[str, Any], keys: Iterable[str]) -> tuple[str, Any] | None:
    """The first of ``keys`` present with a non-null value, with its name (for error paths)."""
    for key in keys:
        value = obj.get(key)
        if value is not None:
            return key, value
    return None


def code_label(value: object) -> str | None:
    """An identifier-like string (error type, finish reason, tier) or None.

    Free text is refused rather than truncated: an ``error.type`` that holds a sentence may hold a
    user's words, and such a value is useless as a category anyway.
    """
    if isinstance(value, str) and _CODE_RE.match(value):
        return value
    return None


def id_label(value: object) -> str | None:
    """A request or user id: a short single-line string, or an integer rendered as text."""
    if is_int(value):
        return str(value)
    if isinstance(value, str) and 0 < len(value) <= MAX_LABEL and value.isprintable():
        return value
    return None


def short_label(value: object) -> str | None:
    """A task/feature/team label: short, single-line, printable."""
    if isinstance(value, str) and len(value.strip()) > 0 and len(value) <= MAX_LABEL and value.isprintable():
        return value
    return None


def tag_map(source: object, *, prefix: str = "") -> dict[str, str]:
    """String entries of a logger's metadata/tags map that are safe to keep as tags.

    Only ``str -> str`` entries pass; keys must be identifier-like and not name a secret or content
    (``api_key``, ``prompt``, ``email`` ...); values must be labels (<= 64 characters, one line, at
    most four words). Nested values, numbers and prose are dropped, never truncated.
    """
    out: dict[str, str] = {}
    if not isinstance(source, dict):
        return out
    for key, value in source.items():
        if len(out) >= MAX_TAGS:
            break
        if not isinstance(key, str) or not _tag_key_allowed(key):
            continue
        if _is_tag_value(value):
            out[prefix + key] = value  # type: ignore[assignment]
    return out


@lru_cache(maxsize=4096)
def _tag_key_allowed(key: str) -> bool:
    """Identifier-like and not naming a secret or content (cached: logs repeat their keys)."""
    return bool(_TAG_KEY_RE.match(key)) and not _DENY_KEY_RE.search(key)


def _is_tag_value(value: object) -> bool:
    """A label, not prose: short, single-line, at most a few words (sentences are dropped)."""
    return (
        isinstance(value, str)
        and 0 < len(value) <= MAX_TAG_VALUE
        and value.isprintable()
        and value.count(" ") <= MAX_TAG_SPACES
    )


def merge_tags(*maps: Mapping[str, str] | None) -> dict[str, str] | None:
    out: dict[str, str] = {}
    for m in maps:
        if m:
            for k, v in m.items():
                if len(out) >= MAX_TAGS:
                    return out
                out.setdefault(k, v)
    return out or None


def epoch_s_to_iso(value: object, path: str) -> str | RecordError:
    """Epoch seconds (int or float, as OpenAI ``created`` and LiteLLM ``startTime``) -> ISO 8601 UTC.

    Exact for integers; floats keep microseconds (the precision of a Python datetime).
    """
    if not is_number(value):
        return RecordError(TYPE_MISMATCH, path)
    try:
        if is_int(value):
            ts = _EPOCH + timedelta(seconds=int(value))  # type: ignore[arg-type]
        else:
            ts = datetime.fromtimestamp(float(value), UTC)  # type: ignore[arg-type]
    except (OverflowError, ValueError, OSError):
        return RecordError(BAD_TIMESTAMP, path)
    return iso_z(ts)


def epoch_ns_to_iso(value: object, path: str) -> str | RecordError:
    """OTLP ``*TimeUnixNano`` (a decimal string in OTLP/JSON, an int elsewhere) -> ISO 8601 UTC."""
    if isinstance(value, str) and value.isdigit() and len(value) <= 20:
        ns = int(value)
    elif is_int(value):
        ns = int(value)  # type: ignore[arg-type]
    else:
        return RecordError(TYPE_MISMATCH, path)
    if ns <= 0:
        return RecordError(BAD_TIMESTAMP, path)
    try:
        ts = _EPOCH + timedelta(microseconds=ns // 1000)
    except OverflowError:
        return RecordError(BAD_TIMESTAMP, path)
    return iso_z(ts)


def iso_z(ts: datetime) -> str:
    return ts.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def passthrough_time(value: object, path: str) -> object:
    """A logger's own timestamp: strings pass as written (the validator parses them and applies
    ``--assume-tz``); numbers pass as numbers, never guessed into seconds or milliseconds (a
    generic envelope declares no unit: the validator must apply ``--time-unit`` or reject them);
    anything else is a type error."""
    if isinstance(value, str) or is_number(value):
        return value
    return RecordError(TYPE_MISMATCH, path)


def parse_json_text(value: object) -> object:
    """LiteLLM SpendLogs exports keep ``metadata``/``request_tags`` as JSON text; decode, never raise."""
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except (ValueError, RecursionError):
        return None


# custom_llm_provider (LiteLLM), gen_ai.provider.name / gen_ai.system (OTel) and envelope hints ->
# genai-prices provider ids (checked against genai_prices.data.providers, genai-prices 0.2.3).
_PROVIDER_IDS: dict[str, str] = {
    "openai": "openai",
    "text-completion-openai": "openai",
    "chatgpt": "openai",
    "anthropic": "anthropic",
    "anthropic_text": "anthropic",
    "gemini": "google",
    "google": "google",
    "google_ai_studio": "google",
    "vertex_ai": "google",
    "vertex_ai_beta": "google",
    "gcp.gemini": "google",
    "gcp.vertex_ai": "google",
    "gcp.gen_ai": "google",
    "azure": "azure",
    "azure_ai": "azure",
    "azure_text": "azure",
    "azure.ai.openai": "azure",
    "azure.ai.inference": "azure",
    "az.ai.openai": "azure",
    "az.ai.inference": "azure",
    "bedrock": "aws",
    "bedrock_converse": "aws",
    "aws.bedrock": "aws",
    "sagemaker": "aws",
    "mistral": "mistral",
    "mistral_ai": "mistral",
    "codestral": "mistral",
    "cohere": "cohere",
    "cohere_chat": "cohere",
    "groq": "groq",
    "deepseek": "deepseek",
    "xai": "x-ai",
    "x_ai": "x-ai",
    "perplexity": "perplexity",
    "together_ai": "together",
    "fireworks_ai": "fireworks",
    "openrouter": "openrouter",
    "cerebras": "cerebras",
    "databricks": "databricks",
    "novita": "novita",
    "moonshot": "moonshotai",
    "cloudflare": "cloudflare",
}


def provider_id(name: object) -> str | None:
    """The genai-prices id for a logger's provider name; unknown names pass through lower-cased
    (they stay unpriced downstream rather than being guessed)."""
    if not isinstance(name, str) or not name.strip():
        return None
    key = name.strip().lower()
    mapped = _PROVIDER_IDS.get(key)
    if mapped is not None:
        return mapped
    return key if code_label(key) else None


def strip_provider_prefix(model: object, provider_names: Iterable[object]) -> object:
    """``anthropic/claude-sonnet-4`` -> ``claude-sonnet-4`` when the prefix names the known provider
    (LiteLLM routes by such prefixes). Other slashes (``accounts/x/models/y``) are kept."""
    if not isinstance(model, str) or "/" not in model:
        return model
    head, rest = model.split("/", 1)
    names = {n.lower() for n in provider_names if isinstance(n, str)}
    ids = {provider_id(n) for n in names}
    if rest and (
        head.lower() in names or (head.lower() in _PROVIDER_IDS and _PROVIDER_IDS[head.lower()] in ids)
    ):
        return rest
    return model


def finish(record: dict[str, Any], paths: Mapping[str, str]) -> Result:
    """Drop absent values and report the first missing required field by its source path.

    ``paths`` maps canonical field -> where this format keeps it, so the reject says
    ``MISSING_FIELD usage.prompt_tokens`` rather than a canonical name the user never wrote.
    """
    for value in record.values():
        if isinstance(value, RecordError):
            return value
    out = {k: v for k, v in record.items() if v is not None}
    unknown = out.keys() - _CANONICAL
    if unknown:  # a bug in an adapter, not in the input
        raise AssertionError(f"non-canonical keys produced: {sorted(unknown)}")
    for name in REQUIRED_FIELDS:
        if name not in out:
            return RecordError(MISSING_FIELD, paths.get(name, name))
    return out


def envelope_time_fields(obj: Mapping[str, Any]) -> dict[str, Any]:
    """ts_start / ts_end / latency / ttft from an envelope's own keys (see the *_KEYS tuples)."""
    out: dict[str, Any] = {}
    hit = first_key(obj, TS_START_KEYS)
    if hit is not None:
        out["ts_start"] = passthrough_time(hit[1], hit[0])
    hit = first_key(obj, TS_END_KEYS)
    if hit is not None:
        out["ts_end"] = passthrough_time(hit[1], hit[0])
    hit = first_key(obj, LATENCY_MS_KEYS)
    if hit is not None:
        out["latency_ms"] = hit[1]
    hit = first_key(obj, TTFT_MS_KEYS)
    if hit is not None:
        out["ttft_ms"] = hit[1]
    return out


def envelope_labels(obj: Mapping[str, Any], request: Mapping[str, Any] | None) -> dict[str, Any]:
    """Request id, task, feature, user, tenant and tags an in-house logger writes beside the call."""
    req = request or {}
    out: dict[str, Any] = {}
    rid = first_key(obj, ("request_id", "id", "call_id"))
    if rid is not None:
        out["request_id"] = id_label(rid[1])
    out["task"] = short_label(obj.get("task"))
    out["feature"] = short_label(obj.get("feature"))
    user = first_key(obj, ("user_id", "end_user", "user"))
    out["user_id"] = id_label(user[1]) if user else id_label(req.get("user"))
    tenant = first_key(obj, ("tenant", "team_id", "team", "org_id", "organization"))
    out["tenant"] = short_label(tenant[1]) if tenant else None
    tags = obj.get("tags")
    if isinstance(tags, list):  # a list of tags keeps its order under indexed keys
        tags = {f"tag.{i}": t for i, t in enumerate(tags)}
    out["tags"] = merge_tags(tag_map(obj.get("metadata")), tag_map(tags), tag_map(req.get("metadata")))
    fp = obj.get("prompt_fingerprint") or obj.get("prompt_template_id") or obj.get("prompt_id")
    out["prompt_fingerprint"] = code_label(fp)
    return out


def envelope_error(obj: Mapping[str, Any], body: object) -> str | None:
    """The error class of a failed call (HTTP status >= 400 or an ``error`` object), else None."""
    status_hit = first_key(obj, STATUS_CODE_KEYS)
    status = status_hit[1] if status_hit else None
    if status is None and is_int(obj.get("status")):
        status = obj.get("status")
    if not is_int(status) and isinstance(body, dict) and is_int(body.get("status_code")):
        status = body.get("status_code")
    candidates: list[object] = []
    for holder in (obj, body):
        if isinstance(holder, dict):
            err = holder.get("error")
            if isinstance(err, dict):
                inner = err.get("error") if isinstance(err.get("error"), dict) else err
                # OpenAI: code is the specific one ("rate_limit_exceeded" vs type "requests");
                # Anthropic has only type ("overloaded_error").
                candidates += [inner.get("code"), inner.get("type")]  # type: ignore[union-attr]
            elif err:
                candidates.append("error")
    failed = bool(candidates) or (is_int(status) and int(status) >= 400)
    if not failed:
        return None
    for c in candidates:
        label = code_label(c)
        if label:
            return label
    return f"http_{status}" if is_int(status) else "error"


def is_envelope(obj: Mapping[str, Any], *, body_has_time: bool = False) -> bool:
    """A logger's record: a request and/or response object beside a timestamp of its own (or
    around a response body that carries one, ``body_has_time``)."""
    if "call_type" in obj or "resourceSpans" in obj:  # LiteLLM and OTLP records have their own adapters
        return False
    has_pair = isinstance(obj.get("response"), dict) or isinstance(obj.get("request"), dict)
    return has_pair and (body_has_time or first_key(obj, TS_START_KEYS) is not None)


def provider_hint(obj: Mapping[str, Any]) -> str | None:
    """An envelope's explicit ``provider`` field, as a genai-prices id."""
    return provider_id(obj.get("provider"))
