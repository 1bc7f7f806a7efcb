"""Use cases of the applications for stands at the Markt der guten Ideen.

The registration service keeps the applications (they hold a contact person's personal
data, as registrations do); capacity counts the stands (``Stands``).  Accepting takes a
stand at capacity before it commits, so a full market refuses it; a stand is freed by the
message of the change that ends the acceptance (declined, withdrawn), which capacity follows.
"""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID, uuid4

import structlog

from contracts import messages as m
from contracts.messages import ApplicationState
from registration.domain import commands
from registration.domain.stands import (
    ApplicationCounts,
    CallNotOpen,
    StandApplication,
    call_open,
    stand_needs,
)
from registration.service_layer.handlers import publish
from registration.service_layer.unit_of_work import Stands, UnitOfWork

log = structlog.get_logger(__name__)

CHANGE_MESSAGES: dict[ApplicationState, type[m.StandApplicationChange]] = {
    ApplicationState.RECEIVED: m.StandApplicationReceived,
    ApplicationState.ACCEPTED: m.StandApplicationAccepted,
    ApplicationState.WAITLISTED: m.StandApplicationWaitlisted,
    ApplicationState.DECLINED: m.StandApplicationDeclined,
    ApplicationState.WITHDRAWN: m.StandApplicationWithdrawn,
}


def _announce(uow: UnitOfWork, application: StandApplication, correlation_id: str | None) -> None:
    """Queue the message of the application's latest change."""
    a, latest = application, application.latest
    message = CHANGE_MESSAGES[latest.state]
    extra = (
        {"was_accepted": a.held_stand_before()}
        if message in (m.StandApplicationDeclined, m.StandApplicationWithdrawn)
        else {}
    )
    payload = message(
        application_id=a.application_id,
        event_id=a.event_id,
        revision=latest.revision,
        staff=a.staff,
        locale=m.Locale(a.locale),
        occurred_at=latest.at,
        **extra,
    )
    publish(uow, payload, correlation_id)


async def apply(
    cmd: commands.ApplyForStand, uow: UnitOfWork, stands: Stands
) -> tuple[StandApplication, bool]:
    """Store an application and ``StandApplicationReceived`` in one transaction, while the
    event's call is open; returns it and whether it is new (the same idempotency key returns
    the first).  Raises ``CallNotOpen`` (nothing stored) or ``CapacityUnavailable``."""
    now = datetime.now(UTC)
    if not call_open(await stands.call(cmd.event_id), now):
        raise CallNotOpen(cmd.event_id)
    candidate = StandApplication(
        application_id=uuid4(),
        event_id=cmd.event_id,
        project_title=cmd.project_title,
        organisation=cmd.organisation,
        description=cmd.description,
        contact_name=cmd.contact_name,
        email=cmd.email,
        staff=cmd.staff,
        needs=stand_needs(cmd.needs, cmd.needs_other),
        needs_other=cmd.needs_other,
        publish_consent_at=now if cmd.publish_consent else None,
        privacy_consent_at=now,
        locale=cmd.locale.value,
        idempotency_key=cmd.idempotency_key,
        received_at=now,
    )
    async with uow:
        stored = await uow.applications.add(candidate)
        created = stored.application_id == candidate.application_id
        if created:
            _announce(uow, stored, cmd.correlation_id)
        await uow.commit()
    log.info(
        "stand application received" if created else "stand application repeated",
        application_id=str(stored.application_id),
        event_id=str(stored.event_id),
    )
    return stored, created


async def decide(
    cmd: commands.DecideApplication, uow: UnitOfWork, stands: Stands
) -> StandApplication | None:
    """The organisers' decision, with its note to the applicant, and its message; accepting
    first takes a stand at capacity.  ``None``: the event has no such application.  Raises
    ``Withdrawn``, ``StandsFull`` or ``CapacityUnavailable`` (nothing changed)."""
    async with uow:
        application = await uow.applications.get(cmd.application_id, lock=True)
        if application is None or application.event_id != cmd.event_id:
            return None
        if application.decide(cmd.decision, cmd.note, datetime.now(UTC)):
            if application.accepted:
                await stands.reserve(
                    application.event_id,
                    application.application_id,
                    application.staff,
                    application.revision,
                )
            await uow.applications.save(application)
            _announce(uow, application, cmd.correlation_id)
        await uow.commit()
    log.info(
        "stand application decided",
        application_id=str(cmd.application_id),
        state=application.state.value,
    )
    return application


async def withdraw(
    cmd: commands.WithdrawApplication, uow: UnitOfWork
) -> tuple[StandApplication, bool] | None:
    """The applicant withdraws (their link); returns the application and whether this call
    withdrew it (False: withdrawn before); ``None`` if it does not exist."""
    async with uow:
        application = await uow.applications.get(cmd.application_id, lock=True)
        if application is None:
            return None
        changed = application.withdraw(datetime.now(UTC))
        if changed:
            await uow.applications.save(application)
            _announce(uow, application, cmd.correlation_id)
        await uow.commit()
    log.info(
        "stand application withdrawn" if changed else "withdrawal repeated",
        application_id=str(cmd.application_id),
    )
    return application, changed


async def get_application(application_id: UUID, uow: UnitOfWork) -> StandApplication | None:
    async with uow:
        return await uow.applications.get(application_id)


async def application_page(
    query: commands.ListApplications, uow: UnitOfWork
) -> tuple[list[StandApplication], int, ApplicationCounts]:
    """One page of the organisers' list, how many match, and the event's counts."""
    async with uow:
        items, total = await uow.applications.page(query)
        return items, total, await uow.applications.counts(query.event_id)


async def published_stands(event_id: UUID, uow: UnitOfWork) -> list[StandApplication]:
    async with uow:
        return await uow.applications.published(event_id)
