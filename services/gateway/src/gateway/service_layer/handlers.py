"""The public side's use cases, each ``use_case(command, registrations)``: pass a registration
on, look one up, cancel one by its link, rank the sessions anew by it, pass feedback on;
``programme_places(query, places)``: what a registration holds in the programme; and the
Markt der guten Ideen's, ``use_case(command, stands)``: apply for a stand, see and withdraw
the application by its link, the accepted stands, a staff member's personal link."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import structlog

from contracts.http.registration import (
    Cancellation,
    RegistrationState,
    RegistrationStatus,
    plausible_cancel_token,
)
from contracts.http.stands import (
    ExhibitorLink,
    PublicStand,
    StandApplicationReceipt,
    StandApplicationView,
    Withdrawal,
)
from contracts.messages import SessionPlace
from gateway.domain.commands import (
    ApplyForStand,
    CancelRegistration,
    ChangeChoices,
    OpenCancelLink,
    OpenStandLink,
    RegisterAttendee,
    SendFeedback,
    ShowPlaces,
    ShowRegistration,
    ShowStands,
    WithdrawApplication,
)
from gateway.domain.decisions import Decisions, Registered
from gateway.domain.stands import StandLists
from gateway.service_layer.ports import (
    CancelLinkInvalid,
    PlacesUnavailable,
    RegistrationRefused,
    Registrations,
    RegistrationUnavailable,
    SessionPlaces,
    StandApplications,
    StandLinkInvalid,
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


async def apply_for_stand(
    command: ApplyForStand, stands: StandApplications
) -> StandApplicationReceipt:
    """Hand a validated application to the registration service, which checks that the call
    is open, keeps it and sends the receipt mail."""
    receipt = await stands.apply(command)
    log.info(
        "stand application received" if receipt.created else "stand application repeated",
        event_id=str(command.event_id),
        application_id=str(receipt.application.application_id),
    )
    return receipt


def _plausible_stand_token(token: str) -> None:
    """The links' tokens look like the cancel links' (URL-safe, at most 500 characters)."""
    if not plausible_cancel_token(token):
        raise StandLinkInvalid()


async def stand_application(
    query: OpenStandLink, stands: StandApplications
) -> StandApplicationView:
    """The application the applicant's link is for."""
    _plausible_stand_token(query.token)
    return await stands.application(query)


async def withdraw_application(
    command: WithdrawApplication, stands: StandApplications
) -> Withdrawal:
    """Withdraw the application the link is for; a second time changes nothing."""
    _plausible_stand_token(command.token)
    withdrawal = await stands.withdraw(command)
    log.info(
        "stand application withdrawn"
        if not withdrawal.already_withdrawn
        else "stand withdrawal repeated",
        application_id=str(withdrawal.application.application_id),
    )
    return withdrawal


async def exhibitor_link(query: OpenStandLink, stands: StandApplications) -> ExhibitorLink:
    """The stand a staff member's personal link registers for."""
    _plausible_stand_token(query.token)
    return await stands.exhibitor_link(query)


async def public_stands(
    query: ShowStands, stands: StandApplications, lists: StandLists, now: datetime
) -> list[PublicStand] | None:
    """The accepted stands the event page lists, as fetched within the last moments; the
    last list known (``None``: none) while the registration service does not answer, and
    not asked again for a while (the event page does not wait on it view after view)."""
    kept = lists.fresh(query.event_id, now)
    if kept is not None:
        return kept
    try:
        found = await stands.public_stands(query)
    except (RegistrationUnavailable, RegistrationRefused):
        log.warning("public stands unavailable", event_id=str(query.event_id))
        stale = lists.stale(query.event_id)
        lists.keep(query.event_id, stale or [], now)
        return stale
    lists.keep(query.event_id, found, now)
    return found
