"""Unguessable, signed, expiring cancel tokens for the links in the mails."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


class InvalidToken(ValueError):
    """The token was not made by us or was altered."""


class ExpiredToken(ValueError):
    """The token is genuine but too old."""


class CancelTokens:
    def __init__(self, secret: str, max_age: timedelta) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="quartier-cancel-registration")
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
