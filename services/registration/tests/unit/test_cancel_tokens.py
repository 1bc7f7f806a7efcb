"""The cancel links in mails: signed, tied to one registration, and good for ``max_age`` by
the clock they are given (no waiting for one to expire)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from itsdangerous import URLSafeTimedSerializer

from registration.adapters.cancel_tokens import CancelTokens, ExpiredToken, InvalidToken

SECRET = "a-test-secret-of-at-least-32-characters"
MADE_AT = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def test_a_link_is_good_for_its_days_and_then_expired() -> None:
    clock = Clock(MADE_AT)
    tokens = CancelTokens(SECRET, timedelta(days=365), clock)
    registration_id = uuid4()
    token = tokens.make(registration_id)

    clock.now = MADE_AT + timedelta(days=365)
    assert tokens.registration_id(token) == registration_id
    clock.now += timedelta(seconds=1)
    with pytest.raises(ExpiredToken):
        tokens.registration_id(token)


def test_a_link_from_another_secret_or_altered_is_invalid() -> None:
    clock = Clock(MADE_AT)
    token = CancelTokens(SECRET, timedelta(days=1), clock).make(uuid4())
    other = CancelTokens("another-secret-of-at-least-32-characters", timedelta(days=1), clock)
    for bad in (token[:-2] + "xx", "nonsense"):
        with pytest.raises(InvalidToken):
            CancelTokens(SECRET, timedelta(days=1), clock).registration_id(bad)
    with pytest.raises(InvalidToken):
        other.registration_id(token)


def test_links_in_mails_sent_before_the_clock_was_injected_still_work() -> None:
    registration_id = uuid4()
    old = URLSafeTimedSerializer(SECRET, salt="quartier-cancel-registration").dumps(
        str(registration_id)
    )
    assert CancelTokens(SECRET, timedelta(days=1)).registration_id(old) == registration_id
