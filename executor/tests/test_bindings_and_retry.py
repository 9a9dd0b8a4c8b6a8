"""Input binding and retry decisions are pure functions."""

from __future__ import annotations

import random

import pytest

from executor.bindings import bind
from executor.retry import backoff_s, should_retry
from tools.errors import ErrorClass, PermanentToolError

OUTPUTS = {"a": {"path": "x.md", "files": [{"path": "f1"}, {"path": "f2"}]}, "b": {"n": 3}}


def test_refs_are_replaced_at_any_depth():
    value = {"p": {"$ref": "a.output.path"}, "nested": [{"$ref": "a.output.files.1.path"}, {"k": {"$ref": "b.output"}}]}
    assert bind(value, OUTPUTS) == {"p": "x.md", "nested": ["f2", {"k": {"n": 3}}]}


def test_a_dict_with_more_than_a_ref_is_data():
    assert bind({"$ref": "a.output.path", "other": 1}, OUTPUTS) == {"$ref": "a.output.path", "other": 1}


@pytest.mark.parametrize("ref", ["a.output.nope", "zz.output.path", "a.output.files.9.path", "not a ref"])
def test_unresolvable_refs_are_permanent_errors(ref):
    with pytest.raises(PermanentToolError):
        bind({"$ref": ref}, OUTPUTS)


@pytest.mark.parametrize(
    ("error_class", "policy", "attempts", "expected"),
    [
        (ErrorClass.TRANSIENT, "transient", 1, True),
        (ErrorClass.TRANSIENT, "transient", 3, False),
        (ErrorClass.PERMANENT, "transient", 1, False),
        (ErrorClass.PERMANENT, "any", 1, True),
        (ErrorClass.TRANSIENT, "none", 1, False),
        (ErrorClass.POLICY, "any", 1, False),
        (ErrorClass.BUDGET, "any", 1, False),
    ],
)
def test_retry_by_class_and_policy(error_class, policy, attempts, expected):
    assert should_retry(error_class, policy=policy, attempts=attempts, max_attempts=3) is expected


def test_backoff_is_jittered_exponential_and_capped():
    rng = random.Random(7)
    for attempt in range(1, 10):
        delay = backoff_s(attempt, base_s=1.0, cap_s=8.0, rng=rng)
        assert 0 <= delay <= min(8.0, 2 ** (attempt - 1))
