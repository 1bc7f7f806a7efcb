"""The unit-of-work port every service's use cases talk to: repositories plus the messages
that must commit with them (written to the service's outbox by the adapter)."""

from __future__ import annotations

import abc
from types import TracebackType
from typing import Self

from contracts.envelope import Envelope
from contracts.messages import IntegrationEvent


class UnitOfWork(abc.ABC):
    """Each ``async with`` is one transaction, ended by ``commit`` or undone on leaving the
    block; the same unit of work may be entered again once a block ended (never twice at
    once)."""

    def __init__(self) -> None:
        self.messages: list[tuple[IntegrationEvent, Envelope]] = []

    def publish(self, payload: IntegrationEvent, envelope: Envelope) -> None:
        """Queue a message; it is published only if the unit of work commits."""
        self.messages.append((payload, envelope))

    async def __aenter__(self) -> Self:
        self.messages = []
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.rollback()

    @abc.abstractmethod
    async def commit(self) -> None: ...

    @abc.abstractmethod
    async def rollback(self) -> None:
        """Undo what was not committed and release resources; harmless after commit."""
