"""The registration API for the gateway (and, with the internal token, for notification and
the organiser desk).

Run: ``uvicorn registration.entrypoints.http:create_app --factory --host 127.0.0.1 --port 8001``
The outbox relay runs in the same process (one active relay across all processes).
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, FastAPI, Header, Query, Request, Response, status
from pydantic import AwareDatetime

from contracts.attendees import AccessibilityNeed, AttendeeRole
from contracts.http.errors import ApiError
from contracts.http.registration import (
    HEALTH_DATA_CONSENT_MISSING,
    PAGE_DEFAULT_LIMIT,
    PAGE_MAX_LIMIT,
    PRIVACY_CONSENT_MISSING,
    SEARCH_MAX_LENGTH,
    WAIT_MAX_SECONDS,
    AccessibilityReport,
    Cancellation,
    Contact,
    FeedbackEntry,
    FeedbackReceived,
    NewChoices,
    NewFeedback,
    NewRegistration,
    Participant,
    ParticipantOrder,
    ParticipantPage,
    RegistrationAccepted,
    RegistrationChanges,
    RegistrationErrorCode,
    RegistrationState,
    RegistrationStatus,
    privacy_consent_missing,
)
from contracts.http.stands import ApplicationErrorCode
from contracts.messages import CancelledBy, Locale, RejectionReason
from registration import bootstrap
from registration.adapters.link_tokens import (
    Clock,
    ExpiredToken,
    InvalidToken,
    LinkTokens,
    utc_now,
)
from registration.adapters.status_changes import StatusChanges, listening
from registration.config import Settings
from registration.domain import commands
from registration.domain.model import HealthConsentMissing, NotActive, Registration
from registration.domain.stands import NotAccepted
from registration.entrypoints import metrics
from registration.entrypoints.stands import routers as stand_routers
from registration.service_layer import handlers
from registration.service_layer.unit_of_work import Stands, UnitOfWork
from servicekit.http import (
    INTERNAL_TOKEN_RESPONSES,
    ApiException,
    internal_token_guard,
    service_app,
    unit_of_work,
)


def _status(r: Registration, position: int | None) -> RegistrationState:
    return RegistrationState(
        registration_id=r.registration_id,
        event_id=r.event_id,
        status=r.status,
        waitlist_position=position,
        rejection_reason=RejectionReason(r.rejection_reason) if r.rejection_reason else None,
        cancel_reason=r.cancel_reason,
        locale=Locale(r.locale),
        created_at=r.created_at,
    )


def _participant(r: Registration, position: int | None) -> Participant:
    return Participant(
        registration_id=r.registration_id,
        event_id=r.event_id,
        name=r.name,
        email=r.email,
        organisation=r.organisation,
        role=r.role,
        locale=Locale(r.locale),
        status=r.status,
        waitlist_position=position,
        accessibility_needs=list(r.accessibility.needs),
        accessibility_other=r.accessibility.other,
        created_at=r.created_at,
        cancelled_at=r.cancelled_at,
        cancel_reason=r.cancel_reason,
    )


NOT_FOUND = ApiError(
    code=RegistrationErrorCode.NOT_FOUND,
    message_de="Anmeldung nicht gefunden.",
    message_en="Registration not found.",
)
INVALID_TOKEN = ApiError(
    code=RegistrationErrorCode.INVALID_TOKEN,
    message_de="Dieser Abmeldelink ist ungültig. Bitte verwenden Sie den Link aus Ihrer E-Mail.",
    message_en="This cancellation link is not valid. Please use the link from your e-mail.",
)
EXPIRED_TOKEN = ApiError(
    code=RegistrationErrorCode.TOKEN_EXPIRED,
    message_de="Dieser Abmeldelink ist abgelaufen. Bitte wenden Sie sich an das "
    "Veranstaltungsteam.",
    message_en="This cancellation link has expired. Please contact the organisers.",
)
CONSENT_REQUIRED = ApiError(
    code=RegistrationErrorCode.CONSENT_REQUIRED,
    message_de="Ohne Einwilligung in die Datenschutzerklärung ist keine Anmeldung möglich.",
    message_en="Consent to the privacy notice is required.",
    errors=(PRIVACY_CONSENT_MISSING,),
)
HEALTH_CONSENT_REQUIRED = ApiError(
    code=RegistrationErrorCode.HEALTH_CONSENT_REQUIRED,
    message_de="Für Angaben zur Barrierefreiheit brauchen wir Ihre ausdrückliche "
    "Einwilligung (Gesundheitsdaten).",
    message_en="For accessibility needs we need your explicit consent (health data).",
    errors=(HEALTH_DATA_CONSENT_MISSING,),
)
NOT_ACTIVE = ApiError(
    code=RegistrationErrorCode.REGISTRATION_ENDED,
    message_de="Ihre Anmeldung ist storniert oder wurde abgelehnt. Ihre Wahl der Foren "
    "kann deshalb nicht mehr geändert werden.",
    message_en="Your registration was cancelled or declined, so your choice of sessions can "
    "no longer be changed.",
)
NOT_EXHIBITOR = ApiError(
    code=ApplicationErrorCode.NOT_ACCEPTED,
    message_de="Dieser Link für das Standteam gilt nicht (mehr): Die Bewerbung ist nicht "
    "angenommen. Bitte wenden Sie sich an das Veranstaltungsteam.",
    message_en="This link for the stand's team is not valid (any more): the application is "
    "not accepted. Please contact the organisers.",
)

Uow = Annotated[UnitOfWork, Depends(unit_of_work)]


def create_app(
    settings: Settings | None = None, *, clock: Clock = utc_now, stands: Stands | None = None
) -> FastAPI:
    """The app; ``clock`` is what time it is for the links (tests move it), ``stands``
    capacity's API (tests give a fake)."""
    settings = settings or Settings()
    service = "registration-http"
    app = service_app(
        title="Quartier registration API",
        service=service,
        settings=settings,
        bootstrap=lambda pool: bootstrap.bootstrap(settings, pool=pool, clock=clock, stands=stands),
        relay_lock=bootstrap.RELAY_LOCK,
        resources={"status_changes": listening},
    )

    def services() -> bootstrap.Dependencies:
        """What ``bootstrap`` wired when the app started."""
        wired: bootstrap.Dependencies = app.state.services
        return wired

    def tokens() -> LinkTokens:
        """The cancel-link signer."""
        return services().cancel_tokens

    # Only notification and the organiser desk, with the shared internal token.
    internal = APIRouter(
        tags=["internal"],
        dependencies=[Depends(internal_token_guard(settings.internal_token))],
        responses=INTERNAL_TOKEN_RESPONSES,
    )

    async def found(unit: UnitOfWork, registration_id: UUID) -> tuple[Registration, int | None]:
        result = await handlers.get_registration(registration_id, unit)
        if result is None:
            raise ApiException(status.HTTP_404_NOT_FOUND, NOT_FOUND)
        return result

    def token_owner(token: str) -> UUID:
        try:
            return tokens().subject(token)
        except ExpiredToken:
            raise ApiException(status.HTTP_410_GONE, EXPIRED_TOKEN) from None
        except InvalidToken:
            raise ApiException(status.HTTP_404_NOT_FOUND, INVALID_TOKEN) from None

    async def cancelled(
        unit: UnitOfWork, registration_id: UUID, request: Request, by: CancelledBy
    ) -> Cancellation:
        cmd = commands.CancelRegistration(registration_id, request.state.correlation_id, by)
        result = await handlers.cancel_registration(cmd, unit)
        if result is None:
            raise ApiException(status.HTTP_404_NOT_FOUND, NOT_FOUND)
        registration, changed = result
        return Cancellation(
            **_status(registration, None).model_dump(), already_cancelled=not changed
        )

    @app.post(
        "/registrations",
        status_code=status.HTTP_202_ACCEPTED,
        response_model=RegistrationAccepted,
        responses={
            409: {"model": ApiError, "description": "not_accepted (exhibitor_token)"},
            422: {
                "model": ApiError,
                "description": "consent_required, "
                "health_consent_required or invalid_request (errors: the fields)",
            },
        },
    )
    async def register(
        body: NewRegistration,
        request: Request,
        response: Response,
        unit: Uow,
        idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
    ) -> RegistrationAccepted:
        """Accept a registration; the seat decision follows asynchronously (poll status_url).

        The same ``Idempotency-Key`` or the same e-mail for the same event returns the
        registration made first.  Accessibility needs are health data: without
        ``health_data_consent`` they are refused (``health_consent_required``).  With an
        ``exhibitor_token`` (a stand's staff member's link) the seat comes from the stand's
        contingent; 409 ``not_accepted`` when the stand is not (or no longer) accepted."""
        if privacy_consent_missing(body.privacy_consent):
            raise ApiException(status.HTTP_422_UNPROCESSABLE_CONTENT, CONSENT_REQUIRED)
        stand_seat = None
        if body.exhibitor_token is not None:
            try:
                stand_seat = services().exhibitor_tokens.seat(body.exhibitor_token)
            except (ExpiredToken, InvalidToken):
                raise ApiException(status.HTTP_409_CONFLICT, NOT_EXHIBITOR) from None
        cmd = commands.RegisterAttendee(
            event_id=body.event_id,
            name=body.name,
            email=body.email,
            organisation=body.organisation,
            locale=body.locale,
            idempotency_key=idempotency_key or str(uuid.uuid4()),
            correlation_id=request.state.correlation_id,
            role=body.role,
            accessibility_needs=body.accessibility_needs,
            accessibility_other=body.accessibility_other,
            health_data_consent=body.health_data_consent,
            choices=body.choices,
            stand_seat=stand_seat,
        )
        try:
            registration, created = await handlers.register(cmd, unit)
        except HealthConsentMissing:
            raise ApiException(
                status.HTTP_422_UNPROCESSABLE_CONTENT, HEALTH_CONSENT_REQUIRED
            ) from None
        except NotAccepted:
            raise ApiException(status.HTTP_409_CONFLICT, NOT_EXHIBITOR) from None
        metrics.accepted(service, new=created)
        status_url = f"/registrations/{registration.registration_id}"
        response.headers["Location"] = status_url
        return RegistrationAccepted(
            registration_id=registration.registration_id,
            status=registration.status,
            status_url=status_url,
        )

    @app.get("/registrations/{registration_id}", response_model=RegistrationState)
    async def get_status(
        registration_id: UUID,
        unit: Uow,
        wait: Annotated[
            float,
            Query(
                ge=0,
                le=WAIT_MAX_SECONDS,
                description="seconds to wait while pending (long polling)",
            ),
        ] = 0,
    ) -> RegistrationState:
        """The status; with ``wait``, a pending registration's answer is held until its
        status changes or the time is up."""
        result = await found(unit, registration_id)
        if wait and result[0].status is RegistrationStatus.PENDING:
            changes: StatusChanges = app.state.status_changes
            async with changes.watch(registration_id) as changed:
                result = await found(unit, registration_id)
                if result[0].status is RegistrationStatus.PENDING:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(changed.wait(), wait)
                    result = await found(unit, registration_id)
        return _status(*result)

    @internal.get(
        "/registrations/{registration_id}/contact", response_model=Contact, include_in_schema=False
    )
    async def get_contact(registration_id: UUID, unit: Uow) -> Contact:
        """Contact data and cancel token, for the notification service only."""
        r, _ = await found(unit, registration_id)
        return Contact(
            registration_id=r.registration_id,
            name=r.name,
            email=r.email,
            organisation=r.organisation,
            locale=Locale(r.locale),
            cancel_token=tokens().make(r.registration_id),
        )

    @app.get("/cancellations/{token}", response_model=RegistrationState)
    async def cancellation_target(token: str, unit: Uow) -> RegistrationState:
        """What a cancel link points at (for the confirm page); 404 invalid, 410 expired."""
        return _status(*await found(unit, token_owner(token)))

    @app.post("/cancellations/{token}", response_model=Cancellation)
    async def cancel(token: str, request: Request, unit: Uow) -> Cancellation:
        """Cancel the registration the link is for; doing it twice is harmless."""
        return await cancelled(unit, token_owner(token), request, CancelledBy.ATTENDEE)

    @app.get("/choices/{token}", response_model=NewChoices)
    async def current_choices(token: str, unit: Uow) -> NewChoices:
        """The ranking of the sessions stored with the registration the link is for (to
        prefill the change); 404 invalid, 410 expired."""
        registration, _ = await found(unit, token_owner(token))
        return NewChoices(choices=registration.choices)

    @app.post(
        "/choices/{token}",
        status_code=status.HTTP_202_ACCEPTED,
        response_model=RegistrationState,
        responses={
            409: {"model": ApiError, "description": RegistrationErrorCode.REGISTRATION_ENDED.value}
        },
    )
    async def change_choices(
        token: str, body: NewChoices, request: Request, unit: Uow
    ) -> RegistrationState:
        """Rank the sessions anew (slots not named keep their ranking); capacity decides
        the change (``SessionChoicesChanged``), the places follow asynchronously.  Refused
        (409 ``registration_ended``) once the registration was cancelled or rejected."""
        registration_id = token_owner(token)
        cmd = commands.ChangeChoices(
            registration_id, body.choices, correlation_id=request.state.correlation_id
        )
        try:
            await handlers.change_choices(cmd, unit)
        except NotActive:
            raise ApiException(status.HTTP_409_CONFLICT, NOT_ACTIVE) from None
        return _status(*await found(unit, registration_id))

    @internal.post(
        "/registrations/{registration_id}/organiser-cancellation", response_model=Cancellation
    )
    async def cancel_by_organiser(
        registration_id: UUID, request: Request, unit: Uow
    ) -> Cancellation:
        """The organisers cancel a registration (reason ``cancelled_by_organiser``); capacity
        hears of it as ``RegistrationCancelled`` with ``cancelled_by=organiser``.  Doing it
        twice is harmless (``already_cancelled``)."""
        return await cancelled(unit, registration_id, request, CancelledBy.ORGANISER)

    @internal.get("/events/{event_id}/registrations", response_model=list[Participant])
    async def event_registrations(event_id: UUID, unit: Uow) -> list[Participant]:
        """Everyone registered for the event: confirmed, pending, waitlisted (by place),
        rejected, cancelled; oldest first within each.  Unknown event: an empty list."""
        listed = await handlers.event_registrations(event_id, unit)
        return [_participant(registration, place) for registration, place in listed]

    @internal.get("/events/{event_id}/registrations/page", response_model=ParticipantPage)
    async def registration_page(
        event_id: UUID,
        unit: Uow,
        limit: Annotated[int, Query(ge=1, le=PAGE_MAX_LIMIT)] = PAGE_DEFAULT_LIMIT,
        offset: Annotated[int, Query(ge=0)] = 0,
        q: Annotated[str, Query(max_length=SEARCH_MAX_LENGTH)] = "",
        status: Annotated[list[RegistrationStatus] | None, Query()] = None,
        role: Annotated[list[AttendeeRole] | None, Query()] = None,
        need: Annotated[list[AccessibilityNeed] | None, Query()] = None,
        order: ParticipantOrder = ParticipantOrder.NEWEST,
    ) -> ParticipantPage:
        """One page of the event's registrations (newest first unless ``order=oldest``):
        ``q`` found in name, e-mail address or organisation, any of the ``status``,
        ``role`` and ``need`` values given; ``total`` is how many match in all, ``counts``
        the whole event per status.  Postgres searches, filters and counts."""
        query = commands.ListParticipants(
            event_id,
            limit,
            offset,
            q,
            tuple(s.value for s in status or ()),
            tuple(role or ()),
            tuple(need or ()),
            oldest_first=order is ParticipantOrder.OLDEST,
        )
        listed, total = await handlers.participant_page(query, unit)
        counts, _, latest = await handlers.registration_counts(event_id, None, unit)
        return ParticipantPage(
            event_id=event_id,
            items=[_participant(registration, place) for registration, place in listed],
            total=total,
            offset=offset,
            limit=limit,
            counts={RegistrationStatus(k): n for k, n in counts.items()},
            latest_at=latest,
        )

    @internal.get("/events/{event_id}/registrations/changes", response_model=RegistrationChanges)
    async def registration_changes(
        event_id: UUID, unit: Uow, since: AwareDatetime | None = None
    ) -> RegistrationChanges:
        """For a desk page that is open: the counts per status and how many registrations
        were created after ``since`` (all without it); no personal data, one aggregate query."""
        counts, new, latest = await handlers.registration_counts(event_id, since, unit)
        return RegistrationChanges(
            event_id=event_id,
            counts={RegistrationStatus(k): n for k, n in counts.items()},
            total=sum(counts.values()),
            new_since=new,
            latest_at=latest,
        )

    # After ``/page`` and ``/changes``: a path matches the first route it fits.
    @internal.get(
        "/events/{event_id}/registrations/{registration_id}",
        response_model=Participant,
        responses={404: {"model": ApiError, "description": RegistrationErrorCode.NOT_FOUND.value}},
    )
    async def event_registration(event_id: UUID, registration_id: UUID, unit: Uow) -> Participant:
        """One registration of the event as the organisers see it, with its current
        waiting-list place (the desk's confirm pages); 404 ``not_found`` when the event has
        no registration with this id."""
        result = await handlers.event_registration(event_id, registration_id, unit)
        if result is None:
            raise ApiException(status.HTTP_404_NOT_FOUND, NOT_FOUND)
        return _participant(*result)

    @internal.get("/events/{event_id}/accessibility-report", response_model=AccessibilityReport)
    async def accessibility_report(event_id: UUID, unit: Uow) -> AccessibilityReport:
        """How many active registrations need what, for planning the venue; counts only."""
        report = await handlers.accessibility_report(event_id, unit)
        return AccessibilityReport(
            event_id=report.event_id,
            active_registrations=report.active_registrations,
            with_needs=report.with_needs,
            needs=report.needs,
        )

    @app.post("/feedback", status_code=status.HTTP_201_CREATED, response_model=FeedbackReceived)
    async def send_feedback(body: NewFeedback, unit: Uow) -> FeedbackReceived:
        """Feedback on the accessibility of the site (from the accessibility statement)."""
        cmd = commands.SubmitFeedback(
            message=body.message,
            name=body.name,
            email=body.email or "",
            page=body.page,
            locale=body.locale,
        )
        feedback = await handlers.submit_feedback(cmd, unit)
        return FeedbackReceived(feedback_id=feedback.feedback_id)

    @internal.get("/feedback", response_model=list[FeedbackEntry])
    async def list_feedback(
        unit: Uow, limit: Annotated[int, Query(ge=1, le=1000)] = 200
    ) -> list[FeedbackEntry]:
        """The feedback received, newest first."""
        return [
            FeedbackEntry(
                feedback_id=f.feedback_id,
                message=f.message,
                name=f.name,
                email=f.email or None,
                page=f.page,
                locale=Locale(f.locale),
                received_at=f.received_at,
            )
            for f in await handlers.latest_feedback(limit, unit)
        ]

    public_stands, internal_stands = stand_routers(services)
    app.include_router(public_stands)
    internal.include_router(internal_stands)
    app.include_router(internal)
    return app
