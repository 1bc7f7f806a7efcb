"""An application's states: the organisers' decisions, the applicant's withdrawal, and
which change frees a stand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from contracts.http.stands import ApplicationDecision, StandNeed
from contracts.messages import ApplicationState, StandCall
from registration.domain.stands import StandApplication, Withdrawn, call_open, stand_needs

AT = datetime(2026, 4, 1, 9, tzinfo=UTC)


def application() -> StandApplication:
    return StandApplication(
        application_id=uuid4(),
        event_id=uuid4(),
        project_title="Quartierstreff",
        organisation="Stadt Ulm",
        description="…",
        contact_name="Erika",
        email="erika@example.org",
        staff=2,
        needs=(),
        needs_other="",
        publish_consent_at=None,
        privacy_consent_at=AT,
        locale="de",
        idempotency_key="k",
        received_at=AT,
    )


def test_each_decision_is_a_revision_and_the_same_one_again_is_none() -> None:
    a = application()
    assert (a.state, a.revision) == (ApplicationState.RECEIVED, 1)
    assert a.decide(ApplicationDecision.ACCEPT, " Willkommen ", AT)
    assert not a.decide(ApplicationDecision.ACCEPT, "again", AT)
    assert (a.state, a.revision, a.latest.note) == (ApplicationState.ACCEPTED, 2, "Willkommen")
    assert not a.held_stand_before()
    assert a.decide(ApplicationDecision.DECLINE, "", AT)
    assert a.held_stand_before()  # the decline frees the stand the acceptance took


def test_a_withdrawal_is_final_and_frees_an_accepted_stand() -> None:
    a = application()
    a.decide(ApplicationDecision.ACCEPT, "", AT)
    assert a.withdraw(AT) and not a.withdraw(AT)
    assert a.held_stand_before() and a.state is ApplicationState.WITHDRAWN
    with pytest.raises(Withdrawn):
        a.decide(ApplicationDecision.ACCEPT, "", AT)
    assert [c.revision for c in a.history] == [1, 2, 3]


def test_needs_come_in_a_fixed_order_and_words_count_as_other() -> None:
    assert stand_needs([StandNeed.SCREEN, StandNeed.TABLE, StandNeed.SCREEN], "") == (
        StandNeed.TABLE,
        StandNeed.SCREEN,
    )
    assert stand_needs([], " Wasser ") == (StandNeed.OTHER,)


def test_a_call_is_open_from_its_opening_to_its_close() -> None:
    call = StandCall(opens_at=AT, closes_at=AT + timedelta(days=1), stands=3)
    assert not call_open(None, AT)
    assert call_open(call, AT) and call_open(call, AT + timedelta(days=1))
    assert not call_open(call, AT - timedelta(seconds=1))
    assert not call_open(call, AT + timedelta(days=1, seconds=1))
