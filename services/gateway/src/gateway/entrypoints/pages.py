"""The public site: German, server-rendered, usable without JavaScript."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from gateway.bootstrap import Gateway
from gateway.domain import labels
from gateway.domain.commands import CancelRegistration, RegisterAttendee
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
from gateway.service_layer.ports import (
    CancelLinkExpired,
    CancelLinkUnusable,
    RegistrationRefused,
    RegistrationUnavailable,
)

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

UNAVAILABLE = (
    "Die Anmeldung ist gerade nicht erreichbar. Ihre Angaben wurden nicht gespeichert – "
    "bitte versuchen Sie es in einigen Minuten erneut."
)
STATUS_UNAVAILABLE = (
    "Der Stand Ihrer Anmeldung kann gerade nicht abgerufen werden. Ihre Anmeldung ist davon "
    "nicht betroffen – bitte versuchen Sie es in einigen Minuten erneut."
)
CANCEL_LOOKUP_UNAVAILABLE = (
    "Ihre Anmeldung kann gerade nicht abgerufen werden. Es wurde nichts geändert – "
    "bitte versuchen Sie es in einigen Minuten erneut."
)
CANCEL_UNAVAILABLE = (
    "Die Stornierung ist gerade nicht möglich, weil die Anmeldung nicht erreichbar ist. "
    "Es wurde nichts geändert, Ihre Anmeldung besteht weiter – bitte versuchen Sie es in "
    "einigen Minuten erneut."
)
NO_STORE = {"Cache-Control": "no-store"}
# How often the status page asks for news (milliseconds): a decision takes seconds, a
# waiting-list place moves when someone else cancels.
POLL_INTERVAL_MS = {RegistrationStatus.PENDING: 1000, RegistrationStatus.WAITLISTED: 10000}


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
    context: dict[str, Any] = {
        "state": state,
        "live": state.live,
        "poll_interval": POLL_INTERVAL_MS.get(state.status, 1000),
        "headline": labels.status_headline(state),
        "explanation": labels.status_explanation(state),
        "cancel_hint": labels.cancel_hint(state),
        "event": event_of(gateway, state),
    }
    response = render(request, "registration.html", context)
    response.headers.update(NO_STORE)
    return response


def event_of(gateway: Gateway, state: RegistrationState) -> EventView | None:
    listing = gateway.catalogue.get(state.event_id)
    return EventView.of(listing, gateway.clock()) if listing else None


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
        "cancel_reason": state.cancel_reason,
    }
    return JSONResponse(body, headers=NO_STORE)


def private_page(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    """A page behind a cancel link: never cached, never indexed (the link is the key)."""
    response = render(request, template, context, status_code)
    response.headers.update(NO_STORE)
    return response


def link_problem(request: Request, exc: CancelLinkUnusable) -> HTMLResponse:
    expired = isinstance(exc, CancelLinkExpired)
    context = {
        "heading": "Abmeldelink abgelaufen" if expired else "Abmeldelink ungültig",
        "message": exc.message_de,
        "kind": "expired" if expired else "invalid",
        "token": None,
    }
    return private_page(request, "cancellation_problem.html", context, 410 if expired else 404)


def cancellation_unavailable(request: Request, token: str, message: str) -> HTMLResponse:
    context = {
        "heading": "Stornierung gerade nicht möglich",
        "message": message,
        "kind": "unavailable",
        "token": token,
    }
    return private_page(request, "cancellation_problem.html", context, 503)


def cancellation_refused(request: Request, exc: RegistrationRefused) -> HTMLResponse:
    context = {
        "heading": "Stornierung nicht möglich",
        "message": exc.message,
        "kind": "refused",
        "token": None,
    }
    return private_page(request, "cancellation_problem.html", context, exc.status_code)


@router.get("/abmeldung/{token}")
async def cancellation(
    request: Request, token: str, gateway: GatewayDep, correlation_id: CorrelationId
) -> HTMLResponse:
    """Ask whether to cancel the registration a mail's cancel link is for."""
    try:
        state = await handlers.cancellation_target(token, correlation_id, gateway.registrations)
    except CancelLinkUnusable as exc:
        return link_problem(request, exc)
    except RegistrationUnavailable:
        return cancellation_unavailable(request, token, CANCEL_LOOKUP_UNAVAILABLE)
    except RegistrationRefused as exc:
        return cancellation_refused(request, exc)
    context: dict[str, Any] = {
        "state": state,
        "token": token,
        "headline": labels.status_headline(state),
        "explanation": labels.status_explanation(state),
        "event": event_of(gateway, state),
    }
    return private_page(request, "cancellation.html", context)


@router.post("/abmeldung/{token}")
async def cancel(
    request: Request, token: str, gateway: GatewayDep, correlation_id: CorrelationId
) -> HTMLResponse:
    """Cancel; a second time (reload, double click) says it was cancelled already."""
    try:
        cancelled = await handlers.cancel(
            CancelRegistration(token, correlation_id), gateway.registrations
        )
    except CancelLinkUnusable as exc:
        return link_problem(request, exc)
    except RegistrationUnavailable:
        return cancellation_unavailable(request, token, CANCEL_UNAVAILABLE)
    except RegistrationRefused as exc:
        return cancellation_refused(request, exc)
    context: dict[str, Any] = {
        "cancellation": cancelled,
        "headline": labels.cancellation_headline(cancelled),
        "explanation": labels.cancellation_explanation(cancelled),
        "event": event_of(gateway, cancelled),
    }
    return private_page(request, "cancelled.html", context)


@router.get("/datenschutz")
async def privacy(request: Request) -> HTMLResponse:
    return render(request, "datenschutz.html", {})


@router.get("/impressum")
async def imprint(request: Request) -> HTMLResponse:
    return render(request, "impressum.html", {})


@router.get("/barrierefreiheit")
async def accessibility(request: Request) -> HTMLResponse:
    return render(request, "barrierefreiheit.html", {})
