"""The public side's use cases, each ``use_case(command, registrations)``: pass a registration
on, look one up, cancel one by its link, rank the sessions anew by it, pass feedback on; and
``programme_places(query, places)``: what a registration holds in the programme."""

from __future__ import annotations

from uuid import UUID

import structlog

from contracts.http.registration import (
    Cancellation,
    RegistrationState,
    RegistrationStatus,
    plausible_cancel_token,
)
from contracts.messages import SessionPlace
from gateway.domain.commands import (
    CancelRegistration,
    ChangeChoices,
    OpenCancelLink,
    RegisterAttendee,
    SendFeedback,
    ShowPlaces,
    ShowRegistration,
)
from gateway.domain.decisions import Decisions, Registered
from gateway.service_layer.ports import (
    CancelLinkInvalid,
    PlacesUnavailable,
    Registrations,
    SessionPlaces,
)

log = structlog.get_logger(__name__)


async def register(
    command: RegisterAttendee, registrations: Registrations, decisions: Decisions | None = None
) -> Registered:
    """Hand a validated registration to the registration service; with ``command.wait`` and
    ``decisions`` followed, the answer waits up to that long for capacity's decision.

    Capacity decides seat, waiting list or rejection, also for an event the catalog shows
    as closed: the catalog may be a moment behind, capacity never is.
    """
    submission = await registrations.submit(command)
    log.info(
        "registration submitted",
        event_id=str(command.event_id),
        registration_id=str(submission.registration_id),
    )
    if not command.wait or decisions is None or submission.status is not RegistrationStatus.PENDING:
        return Registered(submission)
    decided = await decisions.wait_for(submission.registration_id, command.wait)
    return Registered(submission, decided)


async def registration_state(
    query: ShowRegistration, registrations: Registrations, decisions: Decisions | None = None
) -> RegistrationState | None:
    """The registration's state; with ``wait``, a pending one's answer is held until its
    decision is there or the time is up.  With ``decisions`` followed, the gateway holds it
    itself: the registration service is asked once without holding, and the answer is its
    state with the decision the gateway saw (asked again only when none came in time)."""
    registration_id, correlation_id = query.registration_id, query.correlation_id
    if not query.wait or decisions is None:
        return await registrations.state(registration_id, correlation_id, query.wait)
    state = await registrations.state(registration_id, correlation_id)
    if state is None or state.status is not RegistrationStatus.PENDING:
        return state
    latest = await decisions.wait_for(registration_id, query.wait)
    if latest is None:
        return await registrations.state(registration_id, correlation_id)
    return latest.applied_to(state)


def _plausible(token: str) -> None:
    """A token that cannot be one of ours is refused here and never put into a URL."""
    if not plausible_cancel_token(token):
        raise CancelLinkInvalid()


async def cancellation_target(
    query: OpenCancelLink, registrations: Registrations
) -> RegistrationState:
    """The registration a cancel link is for, to ask whether to cancel it."""
    _plausible(query.token)
    return await registrations.cancellation_target(query.token, query.correlation_id)


async def cancel(command: CancelRegistration, registrations: Registrations) -> Cancellation:
    """Cancel the registration a link is for; the registration service tells capacity and
    notification.  A second cancel of the same registration changes nothing."""
    _plausible(command.token)
    cancellation = await registrations.cancel(command)
    log.info(
        "registration cancelled" if not cancellation.already_cancelled else "cancel repeated",
        event_id=str(cancellation.event_id),
        registration_id=str(cancellation.registration_id),
    )
    return cancellation


async def choice_target(
    query: OpenCancelLink, registrations: Registrations
) -> tuple[RegistrationState, dict[UUID, list[UUID]]]:
    """The registration a link is for and its ranking of the sessions, to change it."""
    _plausible(query.token)
    state = await registrations.cancellation_target(query.token, query.correlation_id)
    return state, await registrations.current_choices(query.token, query.correlation_id)


async def change_choices(command: ChangeChoices, registrations: Registrations) -> RegistrationState:
    """Pass a new ranking on; capacity decides it (its deadline included), the status page
    shows the places that follow."""
    _plausible(command.token)
    state = await registrations.change_choices(command)
    log.info("choices changed", registration_id=str(state.registration_id))
    return state


async def programme_places(query: ShowPlaces, places: SessionPlaces) -> list[SessionPlace] | None:
    """The registration's places in the programme; ``None`` while capacity cannot tell (the
    status page then shows the day's status alone)."""
    try:
        return await places.places(query)
    except PlacesUnavailable:
        return None


async def send_feedback(command: SendFeedback, registrations: Registrations) -> UUID:
    """Hand feedback on the site's accessibility to the registration service, which keeps it
    for the team that answers it (name and e-mail stay there, never in the logs)."""
    feedback_id = await registrations.send_feedback(command)
    log.info("accessibility feedback received", feedback_id=str(feedback_id))
    return feedback_id
