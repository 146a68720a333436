"""Harmless variations on a conforming account: none adds a fail or an error, and each one
is seen (a finding about it exists), so the test would notice a variation that did nothing."""

from __future__ import annotations

import pytest

from eks_refarch.conformance.model import Status
from tests.conformance.aws.variations.conftest import Baseline
from tests.conformance.aws.variations.scenarios import HARMLESS, Harmless


@pytest.mark.parametrize("variation", HARMLESS, ids=lambda v: v.name)
def test_a_harmless_variation_adds_no_fail_and_no_error(
    baseline: Baseline, variation: Harmless
) -> None:
    result = baseline.vary(variation.apply, variation.scope)
    worse = [
        (f.check, f.status.value, str(f.message))
        for f in result.findings
        if f.status in (Status.FAIL, Status.ERROR)
    ]
    assert worse == []
    assert result.internal_errors == ()
    for check, text in variation.seen:
        said = [str(f.message) for f in result.findings if f.check == check]
        assert any(text in m for m in said), (check, said)


def test_there_are_more_harmless_variations_than_the_issue_lists() -> None:
    listed = [v for v in HARMLESS if v.listed]
    assert len(listed) == 4
    assert len(HARMLESS) >= 3 * len(listed)
    assert len({v.name for v in HARMLESS}) == len(HARMLESS)
