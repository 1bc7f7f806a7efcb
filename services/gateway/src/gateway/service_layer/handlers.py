"""The public side's use cases, each ``use_case(command, registrations)``: pass a registration
on, look one up, cancel one by its link, pass feedback on."""

from __future__ import annotations

from uuid import UUID

import structlog

from contracts.http.registration import (
    Cancellation,
    RegistrationAccepted,
    RegistrationState,
    plausible_cancel_token,
)
from gateway.domain.commands import (
    CancelRegistration,
    OpenCancelLink,
    RegisterAttendee,
    SendFeedback,
    ShowRegistration,
)
from gateway.service_layer.ports import CancelLinkInvalid, Registrations

log = structlog.get_logger(__name__)


async def register(command: RegisterAttendee, registrations: Registrations) -> RegistrationAccepted:
    """Hand a validated registration to the registration service.

    Capacity decides seat, waiting list or rejection, also for an event the catalog shows
    as closed: the catalog may be a moment behind, capacity never is.
    """
    submission = await registrations.submit(command)
    log.info(
        "registration submitted",
        event_id=str(command.event_id),
        registration_id=str(submission.registration_id),
    )
    return submission


async def registration_state(
    query: ShowRegistration, registrations: Registrations
) -> RegistrationState | None:
    return await registrations.state(query.registration_id, query.correlation_id, query.wait)


async def cancellation_target(
    query: OpenCancelLink, registrations: Registrations
) -> RegistrationState:
    """The registration a cancel link is for, to ask whether to cancel it.

    A token that cannot be one of ours is refused here and never put into a URL.
    """
    if not plausible_cancel_token(query.token):
        raise CancelLinkInvalid()
    return await registrations.cancellation_target(query.token, query.correlation_id)


async def cancel(command: CancelRegistration, registrations: Registrations) -> Cancellation:
    """Cancel the registration a link is for; the registration service tells capacity and
    notification.  A second cancel of the same registration changes nothing."""
    if not plausible_cancel_token(command.token):
        raise CancelLinkInvalid()
    cancellation = await registrations.cancel(command)
    log.info(
        "registration cancelled" if not cancellation.already_cancelled else "cancel repeated",
        event_id=str(cancellation.event_id),
        registration_id=str(cancellation.registration_id),
    )
    return cancellation


async def send_feedback(command: SendFeedback, registrations: Registrations) -> UUID:
    """Hand feedback on the site's accessibility to the registration service, which keeps it
    for the team that answers it (name and e-mail stay there, never in the logs)."""
    feedback_id = await registrations.send_feedback(command)
    log.info("accessibility feedback received", feedback_id=str(feedback_id))
    return feedback_id
