"""The gateway's use cases: pass a registration on, look one up."""

from __future__ import annotations

from uuid import UUID

import structlog

from gateway.domain.commands import RegisterAttendee
from gateway.domain.registration import RegistrationState, Submission
from gateway.service_layer.ports import Registrations

log = structlog.get_logger(__name__)


async def register(command: RegisterAttendee, registrations: Registrations) -> Submission:
    """Hand a validated registration to the registration service.

    Capacity decides seat, waiting list or rejection, also for an event the catalogue shows
    as closed: the catalogue may be a moment behind, capacity never is.
    """
    submission = await registrations.submit(command)
    log.info(
        "registration submitted",
        event_id=str(command.event_id),
        registration_id=str(submission.registration_id),
    )
    return submission


async def registration_state(
    registration_id: UUID, correlation_id: str, registrations: Registrations
) -> RegistrationState | None:
    return await registrations.state(registration_id, correlation_id)
