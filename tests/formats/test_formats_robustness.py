"""Adapters never raise on hostile input: any JSON object, under any shape, gives records or
RecordErrors (the reader may apply a file's detected shape to every later line)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor.ingest.formats._common import RecordError
from advisor.trace import CANONICAL_FIELDS
from tests.formats._helpers import ADAPTERS
from tests.formats.fixtures import CASES

_LEAF = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
)
JSON = st.recursive(
    _LEAF,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=16,
)
SHAPED = [(name, shape) for name, module in ADAPTERS.items() for shape in module.SHAPES]
FIXTURES = [(name, shape, build) for name, cases in CASES.items() for _, shape, build in cases]


def _check(results: Any) -> None:
    assert isinstance(results, list)
    for result in results:
        assert isinstance(result, dict | RecordError)
        if isinstance(result, dict):
            assert set(result) <= set(CANONICAL_FIELDS)


def _paths(obj: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix] if prefix else []
    if isinstance(obj, dict):
        for key, value in obj.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(obj, list):
        for i, value in enumerate(obj):
            out += _paths(value, (*prefix, i))
    return out


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(st.sampled_from(SHAPED), st.dictionaries(st.text(max_size=12), JSON, max_size=8))
def test_any_object_under_any_shape(shaped, obj) -> None:
    name, shape = shaped
    module = ADAPTERS[name]
    detected = module.detect(obj)
    assert detected is None or detected in module.SHAPES
    _check(module.to_canonical(obj, shape))


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(st.sampled_from(FIXTURES), st.data())
def test_mutated_fixtures(fixture, data) -> None:
    name, shape, build = fixture
    obj = copy.deepcopy(build())
    path = data.draw(st.sampled_from(_paths(obj)))
    holder = obj
    for step in path[:-1]:
        holder = holder[step]
    if isinstance(holder, dict) and data.draw(st.booleans()):
        del holder[path[-1]]
    else:
        holder[path[-1]] = data.draw(JSON)
    module = ADAPTERS[name]
    for candidate in ADAPTERS.values():
        detected = candidate.detect(obj)
        if detected is not None:
            _check(candidate.to_canonical(obj, detected))
    _check(module.to_canonical(obj, shape))
