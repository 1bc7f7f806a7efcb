"""Unguessable, signed, expiring tokens for the links in the mails: each purpose (cancelling
a registration, an applicant's page, an exhibitor's registration) signs with its own salt, so
a token for one never opens another."""

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


class LinkTokens:
    def __init__(
        self,
        secret: str,
        max_age: timedelta,
        clock: Clock = utc_now,
        *,
        purpose: str = "cancel-registration",
    ) -> None:
        """``clock``: what time it is, when a token is made and when it is checked."""
        self._serializer = URLSafeTimedSerializer(
            secret,
            salt=f"quartier-{purpose}",
            signer=_ClockedSigner,
            signer_kwargs={"clock": clock},
        )
        self._max_age = int(max_age.total_seconds())

    def make(self, subject: UUID, seat: int | None = None) -> str:
        """A token for ``subject`` (a registration, an application), or for one of its
        ``seat``s (an exhibitor's link)."""
        return self._serializer.dumps(str(subject) if seat is None else [str(subject), seat])

    def _loads(self, token: str) -> object:
        try:
            return self._serializer.loads(token, max_age=self._max_age)
        except SignatureExpired as exc:
            raise ExpiredToken(token) from exc
        except BadSignature as exc:
            raise InvalidToken(token) from exc

    def subject(self, token: str) -> UUID:
        """What a token is for; ``InvalidToken`` / ``ExpiredToken`` if unusable."""
        value = self._loads(token)
        try:
            return UUID(str(value))
        except ValueError as exc:
            raise InvalidToken(token) from exc

    def seat(self, token: str) -> tuple[UUID, int]:
        """The subject and seat a seat's token is for; ``InvalidToken`` / ``ExpiredToken``."""
        value = self._loads(token)
        if not isinstance(value, list) or len(value) != 2:
            raise InvalidToken(token)
        try:
            return UUID(str(value[0])), int(value[1])
        except (TypeError, ValueError) as exc:
            raise InvalidToken(token) from exc
