"""The applications for stands on the registration API: applying and the applicant's link
(public), the organisers' review and the mails' contact lookup (internal token), the public
list of accepted stands and the exhibitors' personal links (``contracts.http.stands``)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Query, Request, status

from contracts.http.errors import ApiError
from contracts.http.stands import (
    PAGE_DEFAULT_LIMIT,
    PAGE_MAX_LIMIT,
    PRIVACY_CONSENT_MISSING,
    SEARCH_MAX_LENGTH,
    ApplicationContact,
    ApplicationErrorCode,
    ApplicationHistoryEntry,
    ApplicationOrder,
    ExhibitorLink,
    NewDecision,
    NewStandApplication,
    PublicStand,
    StandApplication,
    StandApplicationPage,
    StandApplicationReceipt,
    StandApplicationView,
    StandNeed,
    Withdrawal,
)
from contracts.messages import ApplicationState, Locale
from registration import bootstrap
from registration.adapters.link_tokens import ExpiredToken, InvalidToken, LinkTokens
from registration.domain import commands
from registration.domain.stands import CallNotOpen, Withdrawn
from registration.domain.stands import StandApplication as Application
from registration.service_layer import stands
from registration.service_layer.unit_of_work import CapacityUnavailable, StandsFull, UnitOfWork
from servicekit.http import ApiException, unit_of_work

Uow = Annotated[UnitOfWork, Depends(unit_of_work)]

NOT_FOUND = ApiError(
    code=ApplicationErrorCode.NOT_FOUND,
    message_de="Bewerbung nicht gefunden.",
    message_en="Application not found.",
)
INVALID_LINK = ApiError(
    code=ApplicationErrorCode.INVALID_TOKEN,
    message_de="Dieser Link ist ungültig oder abgelaufen. Bitte verwenden Sie den Link aus "
    "Ihrer E-Mail oder wenden Sie sich an das Veranstaltungsteam.",
    message_en="This link is not valid or has expired. Please use the link from your e-mail "
    "or contact the organisers.",
)
CONSENT_REQUIRED = ApiError(
    code=ApplicationErrorCode.CONSENT_REQUIRED,
    message_de="Ohne Einwilligung in die Datenschutzerklärung ist keine Bewerbung möglich.",
    message_en="Consent to the privacy notice is required.",
    errors=(PRIVACY_CONSENT_MISSING,),
)
CALL_NOT_OPEN = ApiError(
    code=ApplicationErrorCode.CALL_NOT_OPEN,
    message_de="Für diese Veranstaltung ist derzeit keine Bewerbung um einen Stand möglich.",
    message_en="Applications for a stand are not open for this event at the moment.",
)
STANDS_FULL = ApiError(
    code=ApplicationErrorCode.STANDS_FULL,
    message_de="Alle Stände sind vergeben. Lehnen Sie zuerst eine angenommene Bewerbung ab "
    "oder setzen Sie diese Bewerbung auf die Warteliste.",
    message_en="Every stand is taken. Decline an accepted application first, or put this "
    "one on the waiting list.",
)
WITHDRAWN = ApiError(
    code=ApplicationErrorCode.WITHDRAWN,
    message_de="Die Bewerbung wurde zurückgezogen; es kann nichts mehr entschieden werden.",
    message_en="The application was withdrawn: nothing can be decided any more.",
)
CAPACITY_UNAVAILABLE = ApiError(
    code=ApplicationErrorCode.CAPACITY_UNAVAILABLE,
    message_de="Die Stände können gerade nicht gezählt werden. Es wurde nichts geändert; "
    "bitte versuchen Sie es gleich noch einmal.",
    message_en="The stands cannot be counted right now. Nothing was changed; please try "
    "again in a moment.",
)


def _view(a: Application) -> StandApplicationView:
    return StandApplicationView(
        application_id=a.application_id,
        event_id=a.event_id,
        state=a.state,
        project_title=a.project_title,
        organisation=a.organisation,
        description=a.description,
        contact_name=a.contact_name,
        email=a.email,
        staff=a.staff,
        needs=a.needs,
        needs_other=a.needs_other,
        publish_consent=a.publish_consent_at is not None,
        locale=Locale(a.locale),
        note=a.latest.note,
        received_at=a.received_at,
        decided_at=a.latest.at if a.revision > 1 else None,
    )


def _full(a: Application) -> StandApplication:
    return StandApplication(
        **_view(a).model_dump(),
        revision=a.revision,
        history=[
            ApplicationHistoryEntry(revision=c.revision, state=c.state, at=c.at, note=c.note)
            for c in a.history
        ],
    )


def routers(services: Callable[[], bootstrap.Dependencies]) -> tuple[APIRouter, APIRouter]:
    """The public routes and the internal ones (the caller guards them with the token);
    ``services``: what ``bootstrap`` wired when the app started."""
    public, internal = APIRouter(tags=["stands"]), APIRouter(tags=["internal"])

    def owner(tokens: LinkTokens, token: str) -> UUID:
        try:
            return tokens.subject(token)
        except (ExpiredToken, InvalidToken):
            raise ApiException(status.HTTP_404_NOT_FOUND, INVALID_LINK) from None

    async def by_token(unit: UnitOfWork, token: str) -> Application:
        found = await stands.get_application(owner(services().application_tokens, token), unit)
        if found is None:
            raise ApiException(status.HTTP_404_NOT_FOUND, INVALID_LINK)
        return found

    @public.post(
        "/stand-applications",
        status_code=status.HTTP_201_CREATED,
        response_model=StandApplicationReceipt,
        responses={
            422: {"model": ApiError, "description": "consent_required, call_not_open"},
            503: {"model": ApiError, "description": "capacity_unavailable"},
        },
    )
    async def apply(
        body: NewStandApplication,
        request: Request,
        unit: Uow,
        idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
    ) -> StandApplicationReceipt:
        """Apply for a stand while the event's call is open (``StandApplicationReceived``;
        notification mails the receipt with the applicant's link)."""
        if not body.privacy_consent:
            raise ApiException(status.HTTP_422_UNPROCESSABLE_CONTENT, CONSENT_REQUIRED)
        cmd = commands.ApplyForStand(
            event_id=body.event_id,
            project_title=body.project_title,
            organisation=body.organisation,
            description=body.description,
            contact_name=body.contact_name,
            email=body.email,
            staff=body.staff,
            needs=body.needs,
            needs_other=body.needs_other,
            publish_consent=body.publish_consent,
            locale=body.locale,
            idempotency_key=idempotency_key or str(uuid.uuid4()),
            correlation_id=request.state.correlation_id,
        )
        deps = services()
        try:
            application, created = await stands.apply(cmd, unit, deps.stands)
        except CallNotOpen:
            raise ApiException(status.HTTP_422_UNPROCESSABLE_CONTENT, CALL_NOT_OPEN) from None
        except CapacityUnavailable:
            raise ApiException(status.HTTP_503_SERVICE_UNAVAILABLE, CAPACITY_UNAVAILABLE) from None
        return StandApplicationReceipt(
            application=_view(application),
            token=deps.application_tokens.make(application.application_id),
            created=created,
        )

    @public.get("/stand-applications/{token}", response_model=StandApplicationView)
    async def applicant_view(token: str, unit: Uow) -> StandApplicationView:
        """What the applicant's link shows; 404 ``invalid_token``."""
        return _view(await by_token(unit, token))

    @public.post("/stand-applications/{token}/withdrawal", response_model=Withdrawal)
    async def withdraw(token: str, request: Request, unit: Uow) -> Withdrawal:
        """The applicant withdraws (``StandApplicationWithdrawn``); twice is harmless."""
        application_id = owner(services().application_tokens, token)
        cmd = commands.WithdrawApplication(application_id, request.state.correlation_id)
        result = await stands.withdraw(cmd, unit)
        if result is None:
            raise ApiException(status.HTTP_404_NOT_FOUND, INVALID_LINK)
        application, changed = result
        return Withdrawal(application=_view(application), already_withdrawn=not changed)

    @public.get("/events/{event_id}/stands", response_model=list[PublicStand])
    async def public_stands(event_id: UUID, unit: Uow) -> list[PublicStand]:
        """The accepted stands whose applicants consented to publish them, oldest first."""
        return [
            PublicStand(
                application_id=a.application_id,
                project_title=a.project_title,
                organisation=a.organisation,
                description=a.description,
            )
            for a in await stands.published_stands(event_id, unit)
        ]

    @public.get("/exhibitor-links/{token}", response_model=ExhibitorLink)
    async def exhibitor_link(token: str, unit: Uow) -> ExhibitorLink:
        """Whom a staff member's personal link registers for; 404 ``invalid_token``."""
        try:
            application_id, seat = services().exhibitor_tokens.seat(token)
        except (ExpiredToken, InvalidToken):
            raise ApiException(status.HTTP_404_NOT_FOUND, INVALID_LINK) from None
        a = await stands.get_application(application_id, unit)
        if a is None:
            raise ApiException(status.HTTP_404_NOT_FOUND, INVALID_LINK)
        return ExhibitorLink(
            application_id=a.application_id,
            event_id=a.event_id,
            project_title=a.project_title,
            organisation=a.organisation,
            staff=a.staff,
            seat=seat,
            accepted=a.accepted and seat <= a.staff,
        )

    @internal.get("/events/{event_id}/stand-applications", response_model=StandApplicationPage)
    async def application_page(
        event_id: UUID,
        unit: Uow,
        limit: Annotated[int, Query(ge=1, le=PAGE_MAX_LIMIT)] = PAGE_DEFAULT_LIMIT,
        offset: Annotated[int, Query(ge=0)] = 0,
        q: Annotated[str, Query(max_length=SEARCH_MAX_LENGTH)] = "",
        state: Annotated[list[ApplicationState] | None, Query()] = None,
        need: Annotated[list[StandNeed] | None, Query()] = None,
        organisation: Annotated[str, Query(max_length=SEARCH_MAX_LENGTH)] = "",
        order: ApplicationOrder = ApplicationOrder.OLDEST,
    ) -> StandApplicationPage:
        """One page of the event's applications; ``counts``, ``accepted_needs``,
        ``accepted_staff`` and ``organisations`` are the whole event's."""
        query = commands.ListApplications(
            event_id,
            limit,
            offset,
            q,
            tuple(state or ()),
            tuple(need or ()),
            organisation,
            newest_first=order is ApplicationOrder.NEWEST,
        )
        items, total, counts = await stands.application_page(query, unit)
        return StandApplicationPage(
            event_id=event_id,
            items=[_full(a) for a in items],
            total=total,
            offset=offset,
            limit=limit,
            counts=counts.states,
            accepted_needs=counts.accepted_needs,
            accepted_staff=counts.accepted_staff,
            organisations=counts.organisations,
        )

    async def of_event(unit: UnitOfWork, event_id: UUID, application_id: UUID) -> Application:
        a = await stands.get_application(application_id, unit)
        if a is None or a.event_id != event_id:
            raise ApiException(status.HTTP_404_NOT_FOUND, NOT_FOUND)
        return a

    @internal.get(
        "/events/{event_id}/stand-applications/{application_id}",
        response_model=StandApplication,
        responses={404: {"model": ApiError, "description": "not_found"}},
    )
    async def one_application(event_id: UUID, application_id: UUID, unit: Uow) -> StandApplication:
        return _full(await of_event(unit, event_id, application_id))

    @internal.post(
        "/events/{event_id}/stand-applications/{application_id}/decision",
        response_model=StandApplication,
        responses={
            404: {"model": ApiError, "description": "not_found"},
            409: {"model": ApiError, "description": "stands_full, withdrawn"},
            503: {"model": ApiError, "description": "capacity_unavailable"},
        },
    )
    async def decide(
        event_id: UUID, application_id: UUID, body: NewDecision, request: Request, unit: Uow
    ) -> StandApplication:
        """Accept (a stand taken at capacity first: 409 ``stands_full`` when none is left),
        waitlist or decline, with a note for the applicant's mail; the same decision again
        changes nothing."""
        cmd = commands.DecideApplication(
            event_id, application_id, body.decision, body.note, request.state.correlation_id
        )
        try:
            decided = await stands.decide(cmd, unit, services().stands)
        except StandsFull:
            raise ApiException(status.HTTP_409_CONFLICT, STANDS_FULL) from None
        except Withdrawn:
            raise ApiException(status.HTTP_409_CONFLICT, WITHDRAWN) from None
        except CapacityUnavailable:
            raise ApiException(status.HTTP_503_SERVICE_UNAVAILABLE, CAPACITY_UNAVAILABLE) from None
        if decided is None:
            raise ApiException(status.HTTP_404_NOT_FOUND, NOT_FOUND)
        return _full(decided)

    @internal.get(
        "/stand-applications/{application_id}/contact",
        response_model=ApplicationContact,
        include_in_schema=False,
    )
    async def contact(application_id: UUID, unit: Uow) -> ApplicationContact:
        """The applicant's data and links, for the notification service only."""
        a = await stands.get_application(application_id, unit)
        if a is None:
            raise ApiException(status.HTTP_404_NOT_FOUND, NOT_FOUND)
        deps = services()
        return ApplicationContact(
            application=_full(a),
            token=deps.application_tokens.make(a.application_id),
            exhibitor_tokens=[
                deps.exhibitor_tokens.make(a.application_id, seat) for seat in range(1, a.staff + 1)
            ]
            if a.accepted
            else [],
        )

    return public, internal
