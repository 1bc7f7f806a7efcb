"""The cancel links in mails: signed, tied to one registration, and good for ``max_age`` by
the clock they are given (no waiting for one to expire)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from itsdangerous import URLSafeTimedSerializer

from registration.adapters.link_tokens import ExpiredToken, InvalidToken, LinkTokens

SECRET = "a-test-secret-of-at-least-32-characters"
MADE_AT = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def test_a_link_is_good_for_its_days_and_then_expired() -> None:
    clock = Clock(MADE_AT)
    tokens = LinkTokens(SECRET, timedelta(days=365), clock)
    registration_id = uuid4()
    token = tokens.make(registration_id)

    clock.now = MADE_AT + timedelta(days=365)
    assert tokens.subject(token) == registration_id
    clock.now += timedelta(seconds=1)
    with pytest.raises(ExpiredToken):
        tokens.subject(token)


def test_a_link_from_another_secret_or_altered_is_invalid() -> None:
    clock = Clock(MADE_AT)
    token = LinkTokens(SECRET, timedelta(days=1), clock).make(uuid4())
    other = LinkTokens("another-secret-of-at-least-32-characters", timedelta(days=1), clock)
    for bad in (token[:-2] + "xx", "nonsense"):
        with pytest.raises(InvalidToken):
            LinkTokens(SECRET, timedelta(days=1), clock).subject(bad)
    with pytest.raises(InvalidToken):
        other.subject(token)


def test_links_in_mails_sent_before_the_clock_was_injected_still_work() -> None:
    registration_id = uuid4()
    old = URLSafeTimedSerializer(SECRET, salt="quartier-cancel-registration").dumps(
        str(registration_id)
    )
    assert LinkTokens(SECRET, timedelta(days=1)).subject(old) == registration_id


def test_each_purpose_opens_only_its_own_links_and_a_seat_names_its_seat() -> None:
    clock = Clock(MADE_AT)
    cancel = LinkTokens(SECRET, timedelta(days=1), clock)
    exhibitor = LinkTokens(SECRET, timedelta(days=1), clock, purpose="exhibitor")
    application_id = uuid4()
    token = exhibitor.make(application_id, seat=2)
    assert exhibitor.seat(token) == (application_id, 2)
    with pytest.raises(InvalidToken):
        cancel.subject(token)
    with pytest.raises(InvalidToken):
        exhibitor.seat(exhibitor.make(application_id))
