from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import pytest

from contracts.attendees import AccessibilityNeed as Need
from registration.domain.model import (
    Accessibility,
    AccessibilityReport,
    HealthConsentMissing,
    ranking,
)

NOW = datetime(2030, 3, 12, 9, tzinfo=UTC)


def test_needs_are_kept_once_each_in_a_fixed_order_with_the_time_of_consent() -> None:
    declared = Accessibility.declare(
        [Need.INDUCTION_LOOP, Need.STEP_FREE, Need.INDUCTION_LOOP], "", consent=True, at=NOW
    )
    assert declared == Accessibility((Need.STEP_FREE, Need.INDUCTION_LOOP), "", NOW)


def test_a_described_need_counts_as_other() -> None:
    declared = Accessibility.declare([], "  Platz für Rollator  ", consent=True, at=NOW)
    assert declared == Accessibility((Need.OTHER,), "Platz für Rollator", NOW)


@pytest.mark.parametrize(("needs", "other"), [([Need.STEP_FREE], ""), ([], "Assistenzhund")])
def test_needs_without_consent_are_refused(needs: list[Need], other: str) -> None:
    with pytest.raises(HealthConsentMissing):
        Accessibility.declare(needs, other, consent=False, at=NOW)


@pytest.mark.parametrize("consent", [True, False])
def test_without_needs_nothing_health_related_is_kept(consent: bool) -> None:
    assert Accessibility.declare([], "   ", consent=consent, at=NOW) == Accessibility()


def test_the_report_lists_every_need_even_when_nobody_declared_it() -> None:
    report = AccessibilityReport.count(uuid4(), 5, 1, {"step_free": 1})
    assert report.needs == {need: int(need is Need.STEP_FREE) for need in Need}


def test_a_session_ranked_twice_keeps_its_better_rank() -> None:
    slot, first, second = uuid4(), uuid4(), uuid4()
    assert ranking({slot: [first, second, first]}) == {slot: [first, second]}
