"""Unguessable, signed, expiring cancel tokens for the links in the mails."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class InvalidToken(ValueError):
    """The token was not made by us or was altered."""


class ExpiredToken(ValueError):
    """The token is genuine but too old."""


class _ClockedSigner(TimestampSigner):
    """Signs with the time of ``clock`` and measures a token's age by it."""

    def __init__(self, *args: Any, clock: Clock, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clock = clock

    def get_timestamp(self) -> int:
        return int(self._clock().timestamp())


class CancelTokens:
    def __init__(self, secret: str, max_age: timedelta, clock: Clock = utc_now) -> None:
        """``clock``: what time it is, when a token is made and when it is checked."""
        self._serializer = URLSafeTimedSerializer(
            secret,
            salt="quartier-cancel-registration",
            signer=_ClockedSigner,
            signer_kwargs={"clock": clock},
        )
        self._max_age = int(max_age.total_seconds())

    def make(self, registration_id: UUID) -> str:
        return self._serializer.dumps(str(registration_id))

    def registration_id(self, token: str) -> UUID:
        """The registration a token is for; ``InvalidToken`` / ``ExpiredToken`` if unusable."""
        try:
            value = self._serializer.loads(token, max_age=self._max_age)
        except SignatureExpired as exc:
            raise ExpiredToken(token) from exc
        except BadSignature as exc:
            raise InvalidToken(token) from exc
        try:
            return UUID(str(value))
        except ValueError as exc:
            raise InvalidToken(token) from exc
