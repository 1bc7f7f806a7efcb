"""The public JSON API, version 1: the catalog, registrations and cancellations."""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from contracts.attendees import AccessibilityNeed, AttendeeRole
from contracts.http.errors import ApiError, Problem
from contracts.http.registration import WAIT_MAX_SECONDS, RegistrationStatus
from contracts.messages import CloseReason, EventKind, EventStatus, Locale
from gateway.bootstrap import Gateway
from gateway.domain import labels
from gateway.domain.commands import CancelRegistration, RegisterAttendee, ShowRegistration
from gateway.domain.model import Availability, Listing
from gateway.domain.programme import choice_field, choice_slots, validate_ranking
from gateway.domain.validation import InvalidInput, validate_attendee
from gateway.service_layer import handlers
from gateway.service_layer.ports import (
    CancelLinkExpired,
    CancelLinkUnusable,
    RegistrationRefused,
    RegistrationUnavailable,
)
from gateway.web import i18n
from gateway.web.dependencies import (
    CorrelationId,
    GatewayDep,
    find_listing,
    idempotency_key,
    parse_uuid,
)
from gateway.web.security import ChallengeRequired, admission_of, client_address
from servicekit.http import NOT_FOUND, error_response

router = APIRouter(prefix="/api/v1", tags=["public API v1"])
SOLUTION_HEADER = "Altcha"
"""Where an API client sends its solved challenge (base64 JSON, as ALTCHA's widget makes it)."""


class EventOut(BaseModel):
    event_id: UUID
    title: str
    kind: EventKind
    kind_label: str
    description: str
    starts_at: datetime
    ends_at: datetime
    venue: str
    city: str
    capacity: int
    seats_left: int
    waitlist_enabled: bool
    status: EventStatus
    close_reason: CloseReason | None = Field(
        description="Why registration is closed: full, deadline or manual; null while open"
    )
    registration_deadline: datetime | None = Field(
        description="Registrations end at this moment; null: until the event starts"
    )
    availability: Availability
    registration_open: bool
    revision: int
    url: str


class EventList(BaseModel):
    events: list[EventOut]


class RegistrationIn(BaseModel):
    name: str | None = None
    email: str | None = None
    organisation: str | None = None
    privacy_consent: bool = False
    locale: str | None = Field(
        default=None, description="de (default) or en: the language of the mails"
    )
    role: AttendeeRole = Field(
        default=AttendeeRole.OTHER, description="In which role the person takes part"
    )
    accessibility_needs: list[AccessibilityNeed] = Field(
        default_factory=list,
        description="Health data (GDPR art. 9): only together with health_data_consent",
    )
    accessibility_other: str | None = Field(
        default=None, description="Another need in the person's own words (health data)"
    )
    health_data_consent: bool = Field(
        default=False,
        description="The person's explicit consent to keep their accessibility needs",
    )
    choices: dict[UUID, list[UUID]] = Field(
        default_factory=dict,
        description="For an event with a programme: per choice slot (slot_id) the sessions "
        "ranked, best first (as many as the slot's ranks); the rules of the registration "
        "form apply (a first choice where one is required, no session twice)",
    )


class RegistrationAccepted(BaseModel):
    registration_id: UUID
    status: RegistrationStatus
    status_url: str
    waitlist_position: int | None = Field(
        None, description="Decided within Prefer: wait and waitlisted: the place it joined at"
    )
    rejection_reason: str | None = Field(
        None, description="Decided within Prefer: wait and rejected: why (as in the status)"
    )


class RegistrationOut(BaseModel):
    registration_id: UUID
    event_id: UUID
    status: RegistrationStatus
    waitlist_position: int | None = Field(
        description="While waitlisted: the current place (1 = next to get a seat); it moves up"
    )
    rejection_reason: str | None = Field(
        description="While rejected: event_full, event_closed, event_cancelled or unknown_event"
    )
    cancel_reason: str | None = Field(
        description="While cancelled: attendee (cancelled by the attendee) or event_cancelled"
    )


class CancellationOut(RegistrationOut):
    already_cancelled: bool = Field(
        description="True: nothing changed, the registration had been cancelled (or rejected) "
        "before"
    )


ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": ApiError},
    422: {"model": ApiError},
    503: {"model": ApiError},
}
CANCEL_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": ApiError, "description": "invalid_token: not a valid cancel link"},
    410: {"model": ApiError, "description": "token_expired: the cancel link is too old"},
    503: {"model": ApiError, "description": "registration_unavailable: nothing was changed"},
}


def error(
    status_code: int, code: str, de: str, en: str, problems: Iterable[Problem] = ()
) -> JSONResponse:
    """The one error body of every API (``contracts.http.errors.ApiError``)."""
    body = ApiError(code=code, message_de=de, message_en=en, errors=tuple(problems))
    return error_response(status_code, body)


def not_found() -> JSONResponse:
    return error_response(404, NOT_FOUND)


def unavailable() -> JSONResponse:
    return error(
        503,
        "registration_unavailable",
        "Die Anmeldung ist gerade nicht erreichbar. Bitte versuchen Sie es später erneut.",
        "Registration is unavailable right now. Please try again later.",
    )


class ChallengeOut(BaseModel):
    """A proof-of-work challenge in ALTCHA's format."""

    algorithm: str = Field(description="The hash: SHA-256")
    challenge: str = Field(description="SHA-256 (hex) of salt followed by the secret number")
    maxnumber: int = Field(description="The secret number is between 0 and this")
    salt: str = Field(description="Hash it as it is; ?expires= says until when (unix seconds)")
    signature: str = Field(description="The gateway's HMAC of challenge; send it back unchanged")


class ChallengeRequiredError(ApiError):
    """``challenge_required``: the ``ApiError`` body with the challenge to solve."""

    challenge: ChallengeOut
    retry_after: int = Field(
        description="Seconds until the address's budget takes the registration without a "
        "solution (the Retry-After header says the same)"
    )


CHALLENGE_DE = (
    "Von Ihrer Adresse kommen gerade sehr viele Anmeldungen, deshalb wurde diese noch nicht "
    "angenommen. Lösen Sie die Aufgabe in challenge und senden Sie die Anmeldung mit der "
    "Lösung im Header Altcha erneut, oder warten Sie so viele Sekunden, wie Retry-After sagt."
)
CHALLENGE_EN = (
    "Many registrations are arriving from your address, so this one was not accepted yet. "
    "Solve the task in challenge and send the registration again with the solution in the "
    "Altcha header, or wait as many seconds as Retry-After says."
)
REFUSED_DE = "Die mitgeschickte Lösung galt nicht (falsch, abgelaufen oder schon benutzt). "
REFUSED_EN = "The solution sent along did not count (wrong, expired or already used). "


def challenge_required(exc: ChallengeRequired) -> JSONResponse:
    """428 ``challenge_required`` with a fresh challenge and ``Retry-After``."""
    body = ChallengeRequiredError(
        code="challenge_required",
        message_de=(REFUSED_DE if exc.solution_refused else "") + CHALLENGE_DE,
        message_en=(REFUSED_EN if exc.solution_refused else "") + CHALLENGE_EN,
        challenge=ChallengeOut(**exc.challenge.as_dict()),
        retry_after=exc.retry_after,
    )
    return error_response(428, body, headers={"Retry-After": str(exc.retry_after)})


def event_out(gateway: Gateway, listing: Listing, now: datetime) -> EventOut:
    event = listing.snapshot
    base = gateway.settings.public_base_url.rstrip("/")
    return EventOut(
        event_id=event.event_id,
        title=event.title,
        kind=event.kind,
        kind_label=labels.kind_label(event.kind, i18n.translator(Locale.DE)),
        description=event.description,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        venue=event.venue,
        city=event.city,
        capacity=event.capacity,
        seats_left=event.seats_left,
        waitlist_enabled=event.waitlist_enabled,
        status=event.status,
        close_reason=listing.close_reason,
        registration_deadline=event.registration_deadline,
        availability=listing.availability(now),
        registration_open=listing.accepts_registrations(now),
        revision=event.revision,
        url=f"{base}/veranstaltungen/{event.event_id}",
    )


@router.get("/events")
async def list_events(gateway: GatewayDep) -> EventList:
    """Upcoming events that are not cancelled, soonest first."""
    now = gateway.clock()
    return EventList(
        events=[event_out(gateway, listing, now) for listing in gateway.catalog.upcoming(now)]
    )


@router.get("/events/{event_id}", response_model=EventOut, responses=ERRORS)
async def get_event(event_id: str, gateway: GatewayDep) -> EventOut | JSONResponse:
    listing = find_listing(gateway, event_id)
    if listing is None:
        return not_found()
    return event_out(gateway, listing, gateway.clock())


@router.post(
    "/events/{event_id}/registrations",
    status_code=202,
    response_model=RegistrationAccepted,
    responses={
        **ERRORS,
        201: {
            "model": RegistrationAccepted,
            "description": "Sent with Prefer: wait=N and decided within N seconds: the status is "
            "the decision (confirmed, waitlisted with its place, or rejected with the reason)",
        },
        428: {
            "model": ChallengeRequiredError,
            "description": "challenge_required: many registrations came from this address; "
            "nothing was registered. Solve the challenge and send the registration again "
            "with the solution in the Altcha header, or wait Retry-After seconds",
        },
    },
)
async def register(
    request: Request,
    event_id: str,
    body: RegistrationIn,
    gateway: GatewayDep,
    correlation_id: CorrelationId,
    idempotency_key_header: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
    solution: Annotated[
        str | None,
        Header(
            alias=SOLUTION_HEADER,
            description="A solved challenge of a 428 answer: base64 of the JSON "
            '{"algorithm", "challenge", "number", "salt", "signature"} (each solution '
            "counts once, until the salt's expires)",
        ),
    ] = None,
    prefer: Annotated[
        str | None,
        Header(
            description=f"wait=N (RFC 7240, N up to {WAIT_MAX_SECONDS}): hold the answer up to "
            "N seconds for the seat decision; 201 with the outcome if it came, else 202 pending"
        ),
    ] = None,
) -> JSONResponse:
    """Register for an event; the answer is ``pending`` (202) until capacity has decided.

    With ``Prefer: wait=N`` the answer waits up to N seconds for the decision and, when it
    came, is 201 with the outcome: no status poll needed.  Send the same ``Idempotency-Key``
    again to retry without registering twice.

    Each client address has a generous budget of registrations (hundreds at once, then
    several a second: a whole administration behind one address gets through). Beyond it the
    answer is 428 challenge_required with a proof-of-work challenge in ALTCHA's format: find
    the number between 0 and maxnumber for which the hex SHA-256 of salt followed by the
    number (in decimal) equals challenge, then send the registration again with the header
    Altcha: base64 of the JSON {"algorithm", "challenge", "number", "salt", "signature"}
    (the other four values as received). Or wait Retry-After seconds and send it again.
    """
    listing = find_listing(gateway, event_id)
    if listing is None:
        return not_found()
    typed = {
        choice_field(slot_id, rank): str(session_id)
        for slot_id, sessions in body.choices.items()
        for rank, session_id in enumerate(sessions, start=1)
    }
    problems: list[Problem] = []
    try:
        ranking = validate_ranking(choice_slots(listing.snapshot), typed)
    except InvalidInput as exc:
        problems += exc.problems
    try:
        attendee = validate_attendee(
            name=body.name,
            email=body.email,
            organisation=body.organisation,
            privacy_consent=body.privacy_consent,
            role=body.role.value,
            accessibility_needs=[need.value for need in body.accessibility_needs],
            accessibility_other=body.accessibility_other,
            health_data_consent=body.health_data_consent,
            locale=body.locale,
        )
    except InvalidInput as exc:
        problems += exc.problems
    if problems:
        return error(
            422,
            "invalid_input",
            "Bitte prüfen Sie Ihre Angaben.",
            "Please check your input.",
            problems,
        )
    try:
        admission_of(request).admit(
            client_address(request), str(listing.event_id), attendee.email, solution
        )
    except ChallengeRequired as exc:
        return challenge_required(exc)
    command = RegisterAttendee(
        listing.event_id,
        attendee,
        idempotency_key(idempotency_key_header),
        correlation_id,
        choices=ranking,
        wait=preferred_wait(prefer),
    )
    try:
        registered = await handlers.register(command, gateway.registrations, gateway.live_decisions)
    except RegistrationUnavailable:
        return unavailable()
    except RegistrationRefused as exc:
        return error_response(exc.status_code, exc.error)
    registration_id, decided = registered.submission.registration_id, registered.decided
    status_url = f"/api/v1/registrations/{registration_id}"
    location = gateway.settings.public_base_url.rstrip("/") + status_url
    return JSONResponse(
        RegistrationAccepted(
            registration_id=registration_id,
            status=registered.status,
            status_url=status_url,
            waitlist_position=decided.waitlist_position if decided else None,
            rejection_reason=decided.rejection_reason if decided else None,
        ).model_dump(mode="json", exclude_none=decided is None),
        status_code=202 if registered.status is RegistrationStatus.PENDING else 201,
        headers={"Location": location},
    )


def preferred_wait(prefer: str | None) -> float:
    """The seconds of ``Prefer: wait=N`` (RFC 7240; other preferences ignored), at most
    ``WAIT_MAX_SECONDS``; 0 without one or for one that is no number."""
    for preference in (prefer or "").replace(";", ",").split(","):
        name, _, value = preference.strip().partition("=")
        if name.strip().lower() == "wait":
            try:
                seconds = float(value.strip().strip('"'))
            except ValueError:
                return 0
            return min(max(seconds, 0), WAIT_MAX_SECONDS) if math.isfinite(seconds) else 0
    return 0


@router.get("/registrations/{registration_id}", response_model=RegistrationOut, responses=ERRORS)
async def get_registration(
    registration_id: str,
    gateway: GatewayDep,
    correlation_id: CorrelationId,
    wait: Annotated[
        float,
        Query(
            ge=0,
            le=WAIT_MAX_SECONDS,
            description="Seconds to hold the answer while the registration is "
            "pending; it returns as soon as the decision is there (long polling).",
        ),
    ] = 0,
) -> RegistrationOut | JSONResponse:
    """The registration's status and current waiting-list place."""
    parsed = parse_uuid(registration_id)
    if parsed is None:
        return not_found()
    try:
        state = await handlers.registration_state(
            ShowRegistration(parsed, correlation_id, wait),
            gateway.registrations,
            gateway.live_decisions,
        )
    except (RegistrationUnavailable, RegistrationRefused):
        return unavailable()
    if state is None:
        return not_found()
    return RegistrationOut.model_validate(state.model_dump())


@router.post(
    "/cancellations/{token}",
    response_model=CancellationOut,
    responses=CANCEL_ERRORS,
)
async def cancel(
    token: str, gateway: GatewayDep, correlation_id: CorrelationId
) -> CancellationOut | JSONResponse:
    """Cancel the registration a cancel link (``/abmeldung/{token}`` in the mails) is for.

    Cancelling twice is harmless: the second answer says ``already_cancelled``.  The
    attendee gets a confirmation mail.
    """
    try:
        cancelled = await handlers.cancel(
            CancelRegistration(token, correlation_id), gateway.registrations
        )
    except CancelLinkUnusable as exc:
        status_code = 410 if isinstance(exc, CancelLinkExpired) else 404
        return error(status_code, exc.code, exc.message_de, exc.message_en)
    except RegistrationUnavailable:
        return error(
            503,
            "registration_unavailable",
            "Die Stornierung ist gerade nicht möglich. Es wurde nichts geändert – bitte "
            "versuchen Sie es später erneut.",
            "Cancelling is not possible right now. Nothing was changed; please try again later.",
        )
    except RegistrationRefused as exc:
        return error_response(exc.status_code, exc.error)
    return CancellationOut.model_validate(cancelled.model_dump())
