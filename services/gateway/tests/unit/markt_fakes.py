"""The registration service's applications for a stand, as the gateway sees them (wired
through ``bootstrap`` by ``conftest.gateway_client``)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from contracts.http.stands import (
    ExhibitorLink,
    PublicStand,
    StandApplicationReceipt,
    StandApplicationView,
    Withdrawal,
)
from contracts.messages import ApplicationState
from gateway.domain.commands import ApplyForStand, OpenStandLink, ShowStands, WithdrawApplication
from gateway.service_layer.ports import StandLinkInvalid

RECEIVED_AT = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


class FakeStands:
    """Applications in memory by their applicant's token; remembers what it was asked."""

    def __init__(self) -> None:
        self.applications: dict[str, StandApplicationView] = {}
        self.applied: list[ApplyForStand] = []
        self.tokens_by_key: dict[str, str] = {}
        self.withdrawn: list[WithdrawApplication] = []
        self.public: dict[UUID, list[PublicStand]] = {}
        self.public_queries: list[ShowStands] = []
        self.exhibitors: dict[str, ExhibitorLink] = {}
        self.failure: Exception | None = None

    def add(self, event_id: UUID, **changes: Any) -> str:
        """An application the service knows; its applicant's token."""
        values: dict[str, Any] = {
            "application_id": uuid.uuid4(),
            "event_id": event_id,
            "state": ApplicationState.RECEIVED,
            "project_title": "Quartierstreff am Markt",
            "organisation": "Stadt Ulm",
            "description": "Ein offener Treffpunkt.\n\nMit Café und Werkstatt.",
            "contact_name": "Erika Mustermann",
            "email": "erika@example.org",
            "staff": 2,
            "publish_consent": True,
            "received_at": RECEIVED_AT,
            **changes,
        }
        token = f"bew.{uuid.uuid4().hex}.sig-{len(self.applications)}"
        self.applications[token] = StandApplicationView(**values)
        return token

    def exhibitor(self, event_id: UUID, *, accepted: bool = True, seat: int = 1) -> str:
        """A staff member's personal link; its token."""
        token = f"team.{uuid.uuid4().hex}.sig-{len(self.exhibitors)}"
        self.exhibitors[token] = ExhibitorLink(
            application_id=uuid.uuid4(),
            event_id=event_id,
            project_title="Quartierstreff am Markt",
            organisation="Stadt Ulm",
            staff=2,
            seat=seat,
            accepted=accepted,
        )
        return token

    def _answer(self) -> None:
        if self.failure is not None:
            raise self.failure

    def _view(self, token: str) -> StandApplicationView:
        if token not in self.applications:
            raise StandLinkInvalid()
        return self.applications[token]

    async def apply(self, command: ApplyForStand) -> StandApplicationReceipt:
        self._answer()
        known = self.tokens_by_key.get(command.idempotency_key)
        if known is not None:
            return StandApplicationReceipt(
                application=self.applications[known], token=known, created=False
            )
        self.applied.append(command)
        fields = vars(command.applicant)
        token = self.add(command.event_id, **fields)
        self.tokens_by_key[command.idempotency_key] = token
        return StandApplicationReceipt(
            application=self.applications[token], token=token, created=True
        )

    async def application(self, query: OpenStandLink) -> StandApplicationView:
        self._answer()
        return self._view(query.token)

    async def withdraw(self, command: WithdrawApplication) -> Withdrawal:
        self._answer()
        current = self._view(command.token)
        self.withdrawn.append(command)
        already = current.state is ApplicationState.WITHDRAWN
        if not already:
            current = current.model_copy(update={"state": ApplicationState.WITHDRAWN})
            self.applications[command.token] = current
        return Withdrawal(application=current, already_withdrawn=already)

    async def public_stands(self, query: ShowStands) -> list[PublicStand]:
        self.public_queries.append(query)
        self._answer()
        return self.public.get(query.event_id, [])

    async def exhibitor_link(self, query: OpenStandLink) -> ExhibitorLink:
        self._answer()
        if query.token not in self.exhibitors:
            raise StandLinkInvalid()
        return self.exhibitors[query.token]
