"""Load a YAML/JSON data file into a strict pydantic model, with errors that point at the line.

Sheets are edited by hand; "gpus.yml:42: prices[7].spot: Input should be greater than or equal
to 0" gets a reviewer to the row at once. Messages carry the location and pydantic's rule, never
the offending value. Duplicate keys are refused (YAML keeps the last one silently).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from advisor.errors import ConfigError

M = TypeVar("M", bound=BaseModel)


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate mapping keys."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)  # type: ignore[no-untyped-call]
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {str(key)[:60]!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)  # type: ignore[no-any-return]


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)  # type: ignore[arg-type]


def _line_of(node: yaml.Node | None, loc: Sequence[int | str]) -> int | None:
    """1-based line of the deepest node along ``loc`` that exists."""
    line = None if node is None else node.start_mark.line + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            nxt = next((v for k, v in node.value if getattr(k, "value", None) == str(part)), None)
            key = next((k for k, _ in node.value if getattr(k, "value", None) == str(part)), None)
            if nxt is None:
                break
            node, line = nxt, (key or nxt).start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _where(path: Path, line: int | None) -> str:
    return f"{path}:{line}" if line else str(path)


def loc_text(loc: Sequence[int | str]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def read_data(path: Path) -> tuple[Any, yaml.Node | None]:
    """Parse a YAML (or JSON, a YAML subset) file; refuse unreadable or malformed files clearly."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read ({type(exc).__name__})") from None
    try:
        data = yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = None if mark is None else mark.line + 1
        raise ConfigError(f"{_where(path, line)}: invalid YAML: {exc.problem or 'syntax error'}") from None
    except yaml.YAMLError:
        raise ConfigError(f"{path}: invalid YAML") from None
    return data, node


def validate(model: type[M], data: Any, path: Path, node: yaml.Node | None = None) -> M:
    """``model.model_validate(data)`` with the first error as one ``ConfigError`` line."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors(include_input=False, include_url=False)[0]
        loc = err["loc"]
        more = exc.error_count() - 1
        tail = f" (+{more} more)" if more else ""
        raise ConfigError(
            f"{_where(path, _line_of(node, loc))}: {loc_text(loc)}: {err['msg']}{tail}"
        ) from None


def load_model(model: type[M], path: Path) -> M:
    """Read and validate one data file."""
    data, node = read_data(path)
    return validate(model, data, path, node)


def fail_at(path: Path, node: yaml.Node | None, loc: Sequence[int | str], message: str) -> ConfigError:
    """A ConfigError for a cross-row rule (duplicate id, unknown reference) at ``loc``."""
    return ConfigError(f"{_where(path, _line_of(node, loc))}: {loc_text(loc)}: {message}")
