"""Departures from the design on an otherwise conforming account: each fails its check,
naming the path it opens, and changes no other check's verdict."""

from __future__ import annotations

import pytest

from eks_refarch.conformance.model import Status
from tests.conformance.aws.variations.conftest import Baseline
from tests.conformance.aws.variations.scenarios import DEPARTURES, Departure
from tests.demo.fixtures import statuses


@pytest.mark.parametrize("departure", DEPARTURES, ids=lambda d: d.name)
def test_a_departure_fails_its_check_naming_the_path(
    baseline: Baseline, departure: Departure
) -> None:
    result = baseline.vary(departure.apply, departure.scope)
    failures = [
        str(f.message)
        for f in result.findings
        if f.check == departure.check and f.status is Status.FAIL
    ]
    assert failures, f"{departure.check} did not fail"
    named = [m for m in failures if all(part in m for part in departure.says)]
    assert named, failures
    before, after = statuses(baseline.clean), statuses(result)
    changed = {
        check for check in before.keys() | after.keys() if before.get(check) != after.get(check)
    }
    assert changed == {departure.check}


def test_there_are_more_departures_than_the_issue_lists() -> None:
    listed = [d for d in DEPARTURES if d.listed]
    assert len(listed) == 6
    assert len(DEPARTURES) >= 3 * len(listed)
    assert len({d.name for d in DEPARTURES}) == len(DEPARTURES)
