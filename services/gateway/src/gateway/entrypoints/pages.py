"""The public site: German, server-rendered, usable without JavaScript."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from gateway.bootstrap import Gateway
from gateway.domain import labels
from gateway.domain.commands import RegisterAttendee
from gateway.domain.model import Listing
from gateway.domain.registration import RegistrationState, RegistrationStatus
from gateway.domain.validation import InvalidInput, validate_attendee
from gateway.entrypoints.dependencies import (
    CorrelationId,
    GatewayDep,
    find_listing,
    idempotency_key,
    parse_uuid,
)
from gateway.entrypoints.views import EventView, RegistrationForm, render
from gateway.service_layer import handlers
from gateway.service_layer.ports import RegistrationRefused, RegistrationUnavailable

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

UNAVAILABLE = (
    "Die Anmeldung ist gerade nicht erreichbar. Ihre Angaben wurden nicht gespeichert – "
    "bitte versuchen Sie es in einigen Minuten erneut."
)
STATUS_UNAVAILABLE = (
    "Der Stand Ihrer Anmeldung kann gerade nicht abgerufen werden. Ihre Anmeldung ist davon "
    "nicht betroffen – bitte versuchen Sie es in einigen Minuten erneut."
)
NO_STORE = {"Cache-Control": "no-store"}


def listing_or_404(gateway: Gateway, event_id: str) -> Listing:
    listing = find_listing(gateway, event_id)
    if listing is None:
        raise HTTPException(status_code=404, detail="Veranstaltung nicht gefunden")
    return listing


def event_page(
    request: Request,
    gateway: Gateway,
    listing: Listing,
    form: RegistrationForm,
    status_code: int = 200,
) -> HTMLResponse:
    event = EventView.of(listing, gateway.clock())
    context = {"event": event, "form": form}
    return render(request, "event.html", context, status_code, canonical_path=event.url)


@router.get("/")
async def events(request: Request, gateway: GatewayDep) -> HTMLResponse:
    now = gateway.clock()
    views = [EventView.of(listing, now) for listing in gateway.catalogue.upcoming(now)]
    return render(request, "events.html", {"events": views})


@router.get("/veranstaltungen/{event_id}")
async def event(request: Request, event_id: str, gateway: GatewayDep) -> HTMLResponse:
    return event_page(request, gateway, listing_or_404(gateway, event_id), RegistrationForm())


@router.post("/veranstaltungen/{event_id}/anmeldung")
async def register(
    request: Request, event_id: str, gateway: GatewayDep, correlation_id: CorrelationId
) -> Response:
    listing = listing_or_404(gateway, event_id)
    data = await request.form()

    def text(name: str) -> str:
        value = data.get(name)
        return value if isinstance(value, str) else ""

    form = RegistrationForm(
        name=text("name"),
        email=text("email"),
        organisation=text("organisation"),
        privacy_consent=bool(text("privacy_consent")),
        idempotency_key=idempotency_key(text("idempotency_key")),
    )
    try:
        attendee = validate_attendee(
            name=form.name,
            email=form.email,
            organisation=form.organisation,
            privacy_consent=form.privacy_consent,
        )
    except InvalidInput as exc:
        return event_page(request, gateway, listing, form.with_problems(exc.problems), 422)
    command = RegisterAttendee(listing.event_id, attendee, form.idempotency_key, correlation_id)
    try:
        submission = await handlers.register(command, gateway.registrations)
    except RegistrationUnavailable:
        return event_page(request, gateway, listing, form.with_message(UNAVAILABLE), 503)
    except RegistrationRefused as exc:
        return event_page(
            request, gateway, listing, form.with_message(exc.message), exc.status_code
        )
    return RedirectResponse(f"/anmeldung/{submission.registration_id}", status_code=303)


async def lookup(
    gateway: Gateway, registration_id: str, correlation_id: str
) -> RegistrationState | None:
    parsed = parse_uuid(registration_id)
    if parsed is None:
        return None
    return await handlers.registration_state(parsed, correlation_id, gateway.registrations)


@router.get("/anmeldung/{registration_id}")
async def registration(
    request: Request, registration_id: str, gateway: GatewayDep, correlation_id: CorrelationId
) -> HTMLResponse:
    try:
        state = await lookup(gateway, registration_id, correlation_id)
    except (RegistrationUnavailable, RegistrationRefused):
        unavailable = {"registration_id": registration_id, "message": STATUS_UNAVAILABLE}
        return render(request, "registration_unavailable.html", unavailable, 503)
    if state is None:
        raise HTTPException(status_code=404, detail="Anmeldung nicht gefunden")
    listing = gateway.catalogue.get(state.event_id)
    context: dict[str, Any] = {
        "state": state,
        "pending": state.status is RegistrationStatus.PENDING,
        "headline": labels.status_headline(state),
        "explanation": labels.status_explanation(state),
        "event": EventView.of(listing, gateway.clock()) if listing else None,
    }
    response = render(request, "registration.html", context)
    response.headers.update(NO_STORE)
    return response


@router.get("/anmeldung/{registration_id}/status.json", response_class=JSONResponse)
async def registration_status(
    registration_id: str, gateway: GatewayDep, correlation_id: CorrelationId
) -> JSONResponse:
    try:
        state = await lookup(gateway, registration_id, correlation_id)
    except (RegistrationUnavailable, RegistrationRefused):
        return JSONResponse({"status": None}, status_code=503, headers=NO_STORE)
    if state is None:
        return JSONResponse({"status": None}, status_code=404, headers=NO_STORE)
    body = {
        "registration_id": str(state.registration_id),
        "status": state.status.value,
        "waitlist_position": state.waitlist_position,
    }
    return JSONResponse(body, headers=NO_STORE)


@router.get("/datenschutz")
async def privacy(request: Request) -> HTMLResponse:
    return render(request, "datenschutz.html", {})


@router.get("/impressum")
async def imprint(request: Request) -> HTMLResponse:
    return render(request, "impressum.html", {})


@router.get("/barrierefreiheit")
async def accessibility(request: Request) -> HTMLResponse:
    return render(request, "barrierefreiheit.html", {})
