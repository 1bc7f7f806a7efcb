"""The organiser desk ``/verwaltung``: events, their registrations, exports, feedback.

Every change goes to the service that owns the record: capacity's organiser API for
events, the registration service's organiser API for registrations.  The gateway keeps
organiser accounts and sessions only (``desk_auth``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, TypeVar
from uuid import UUID

import structlog
from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from contracts.attendees import AccessibilityNeed
from contracts.http.errors import Problem
from contracts.messages import EventKind, EventSnapshot
from gateway.desk.domain.commands import (
    CancelForAttendee,
    ChangeCapacity,
    ChangeEvent,
    CreateEvent,
    EventAction,
    ReviseEvent,
    ShowEvent,
)
from gateway.desk.domain.model import (
    grouped,
    parse_capacity,
    validate_event,
    validate_new_event,
)
from gateway.desk.domain.organisers import Organiser
from gateway.desk.entrypoints import auth as desk_auth
from gateway.desk.entrypoints.auth import LoginRequired, OrganiserDep, current_organiser
from gateway.desk.entrypoints.dependencies import WiredDesk
from gateway.desk.entrypoints.exports import (
    CSV_TYPE,
    XLSX_TYPE,
    attachment,
    csv_document,
    xlsx_document,
)
from gateway.desk.entrypoints.views import (
    DESK,
    DeskEvent,
    DeskForm,
    ParticipantRow,
    column_headings,
    desk_need_label,
    desk_page,
    event_url,
    fragment,
    group_heading,
    language_label,
    problem_page,
    row_cells,
    see_other,
)
from gateway.desk.service_layer import handlers
from gateway.desk.service_layer.handlers import EventOverview
from gateway.desk.service_layer.ports import (
    Capacity,
    CapacityRefused,
    CapacityUnavailable,
    EventNotFound,
    OrganiserStoreUnavailable,
    RegistrationDesk,
)
from gateway.domain import labels
from gateway.domain.validation import InvalidInput
from gateway.service_layer.ports import RegistrationRefused, RegistrationUnavailable
from gateway.web import i18n
from gateway.web.dependencies import CorrelationId, parse_uuid
from gateway.web.security import verify_csrf

T = TypeVar("T")
log = structlog.get_logger(__name__)
router = APIRouter(
    prefix=DESK,
    include_in_schema=False,
    default_response_class=HTMLResponse,
    dependencies=[Depends(current_organiser), Depends(verify_csrf)],
)


def N_(text: str) -> str:
    """Marks a German text for translation where it is looked up later (``NOTICES``); babel's
    extraction knows the name."""
    return text


# What the event page says after an action (``?hinweis=``).
NOTICES = {
    "entwurf": N_(
        "Die Veranstaltung ist als Entwurf gespeichert. Öffentlich sichtbar wird sie erst, "
        "wenn Sie sie veröffentlichen."
    ),
    "veroeffentlicht": N_("Die Veranstaltung ist veröffentlicht und auf der Website zu sehen."),
    "gespeichert": N_("Die Änderungen sind gespeichert."),
    "geschlossen": N_("Die Anmeldung ist geschlossen."),
    "wiedereroeffnet": N_("Die Anmeldung ist wieder geöffnet."),
    "abgesagt": N_(
        "Die Veranstaltung ist abgesagt. Alle Angemeldeten werden per E-Mail benachrichtigt."
    ),
    "kapazitaet": N_("Die Kapazität ist geändert."),
    "storniert": N_("Die Anmeldung ist storniert. Die Person wird per E-Mail benachrichtigt."),
    "bereits-storniert": N_("Diese Anmeldung war bereits storniert."),
}
ACTION_NOTICES = {
    EventAction.PUBLISH: "veroeffentlicht",
    EventAction.CLOSE: "geschlossen",
    EventAction.REOPEN: "wiedereroeffnet",
    EventAction.CANCEL: "abgesagt",
}
# Capacity's request fields and the form fields that show their problems.
FORM_FIELDS = {
    "starts_at": "start_date",
    "ends_at": "end_date",
    "registration_deadline": "deadline_date",
}
LIVE_INTERVAL_MS = 5000


class ParticipantsUnavailable(Exception):
    """The registration service could not be asked about registrations or feedback."""


@dataclass(frozen=True)
class DeskRequest:
    """What a desk route works with: the request, the organiser whose session it is, the
    request's correlation id, the organiser APIs and the organiser's language."""

    request: Request
    organiser: Organiser
    correlation_id: str
    capacity: Capacity
    registrations: RegistrationDesk
    t: i18n.Translator


def t_of(request: Request) -> i18n.Translator:
    return i18n.request_translator(request)


async def desk_request(
    request: Request, wired: WiredDesk, organiser: OrganiserDep, correlation_id: CorrelationId
) -> DeskRequest:
    """Route dependency: the ``DeskRequest`` (the router has checked the session already)."""
    return DeskRequest(
        request,
        organiser,
        correlation_id,
        wired.capacity,
        wired.registrations,
        t_of(request),
    )


def event_uuid(event_id: str) -> UUID:
    """Route dependency: the event id in the path; ``EventNotFound`` (404) when it is not one."""
    parsed = parse_uuid(event_id)
    if parsed is None:
        raise EventNotFound(event_id)
    return parsed


DeskDep = Annotated[DeskRequest, Depends(desk_request)]
EventId = Annotated[UUID, Depends(event_uuid)]


async def from_registration(call: Awaitable[T]) -> T:
    try:
        return await call
    except RegistrationRefused as exc:
        # The organiser API refuses only a wrong internal token or a changed contract.
        log.warning("registration service refused the desk", status_code=exc.status_code)
        raise ParticipantsUnavailable() from exc
    except RegistrationUnavailable as exc:
        raise ParticipantsUnavailable() from exc


async def form_values(request: Request) -> dict[str, str]:
    data = await request.form()
    return {name: value for name, value in data.items() if isinstance(value, str)}


def unavailable_message(t: i18n.Translator) -> str:
    return t.gettext(
        "Die Veranstaltungsverwaltung (capacity) ist gerade nicht erreichbar. Es wurde nichts "
        "gespeichert, Ihre Eingaben stehen noch im Formular – bitte versuchen Sie es in "
        "einigen Minuten erneut."
    )


def refusal_message(exc: CapacityRefused, t: i18n.Translator) -> str:
    reason = exc.error.message(t.locale.value)
    return t.gettext("Capacity hat das abgelehnt: %(reason)s") % {"reason": reason}


def back_to_event(event_id: UUID, notice: str) -> RedirectResponse:
    """Back to the event's page, which says what was done (``NOTICES``)."""
    return see_other(f"{event_url(event_id)}?hinweis={notice}")


# --- overview ------------------------------------------------------------------------


@router.get("")
async def overview(desk: DeskDep) -> HTMLResponse:
    events = await desk.capacity.events(desk.correlation_id)
    rows = [DeskEvent.of(event, desk.t) for event in sorted(events, key=lambda e: e.starts_at)]
    return desk_page(desk.request, "events.html", {"events": rows})


# --- one event -----------------------------------------------------------------------


def event_context(
    request: Request, overview: EventOverview, notice: str | None = None
) -> dict[str, Any]:
    t = t_of(request)
    groups = None
    if overview.participants is not None:
        groups = [
            (
                status.value,
                group_heading(status, len(members), t),
                [ParticipantRow.of(p, t) for p in members],
            )
            for status, members in grouped(overview.participants)
        ]
    return {
        "event": DeskEvent.of(overview.event, t),
        "groups": groups,
        "headings": column_headings(t),
        "notice": t.gettext(NOTICES[notice]) if notice in NOTICES else None,
        "live_interval": LIVE_INTERVAL_MS,
    }


def capacity_form(event: EventSnapshot) -> DeskForm:
    """The event page's capacity field as it first shows: the current capacity."""
    return DeskForm({"capacity": str(event.capacity)})


def render_event(
    request: Request,
    overview: EventOverview,
    form: DeskForm | None = None,
    status_code: int = 200,
    notice: str | None = None,
) -> HTMLResponse:
    context = event_context(request, overview, notice)
    context["form"] = form or capacity_form(overview.event)
    return desk_page(request, "event.html", context, status_code)


async def overview_of(desk: DeskRequest, event_id: UUID) -> EventOverview:
    return await handlers.event_overview(
        ShowEvent(desk.organiser, desk.correlation_id, event_id), desk
    )


@router.get("/veranstaltungen/neu")
async def new_event(request: Request) -> HTMLResponse:
    return event_form_page(request, DeskForm({"waitlist_enabled": "ja"}), None)


def event_form_page(
    request: Request, form: DeskForm, event_id: UUID | None, status_code: int = 200
) -> HTMLResponse:
    t = t_of(request)
    kinds = [{"value": kind.value, "label": labels.kind_label(kind, t)} for kind in EventKind]
    if event_id is None:
        heading, action = t.gettext("Neue Veranstaltung"), f"{DESK}/veranstaltungen/neu"
    else:
        heading = t.gettext("Veranstaltung bearbeiten")
        action = f"{DESK}/veranstaltungen/{event_id}/bearbeiten"
    context = {
        "form": form,
        "event_id": event_id,
        "kinds": kinds,
        "heading": heading,
        "action": action,
    }
    return desk_page(request, "event_form.html", context, status_code)


def refused_form(
    request: Request, form: DeskForm, event_id: UUID | None, exc: CapacityRefused
) -> HTMLResponse:
    t = t_of(request)
    for problem in exc.error.errors:
        form = form.with_error(
            FORM_FIELDS.get(problem.field, problem.field), problem.message(t.locale.value)
        )
    return event_form_page(
        request, form.with_notice(refusal_message(exc, t)), event_id, exc.status_code
    )


async def save_event_form(
    desk: DeskRequest,
    event_id: UUID | None,
    save: Callable[[dict[str, str]], Awaitable[Response]],
) -> Response:
    """The event form sent (``event_id`` None: a new event): ``save`` checks and stores what
    was typed; when that fails, the form shows again with what was typed and why."""
    request, t = desk.request, desk.t
    values = await form_values(request)
    form = DeskForm(values)
    try:
        return await save(values)
    except InvalidInput as exc:
        return event_form_page(request, form.with_problems(exc.problems, t.locale), event_id, 422)
    except CapacityUnavailable:
        return event_form_page(request, form.with_notice(unavailable_message(t)), event_id, 503)
    except CapacityRefused as exc:
        return refused_form(request, form, event_id, exc)


@router.post("/veranstaltungen/neu")
async def create_event(desk: DeskDep) -> Response:
    async def save(values: dict[str, str]) -> Response:
        details, seats = validate_new_event(values)
        publish = values.get("action") == "publish"
        event = await handlers.create_event(
            CreateEvent(desk.organiser, desk.correlation_id, details, seats, publish), desk
        )
        return back_to_event(event.event_id, "veroeffentlicht" if publish else "entwurf")

    return await save_event_form(desk, None, save)


@router.get("/veranstaltungen/{event_id}")
async def event(
    desk: DeskDep, event_id: EventId, notice: Annotated[str | None, Query(alias="hinweis")] = None
) -> HTMLResponse:
    return render_event(desk.request, await overview_of(desk, event_id), notice=notice)


@router.get("/veranstaltungen/{event_id}/stand.json")
async def live_state(desk: DeskDep, event_id: EventId) -> JSONResponse:
    """What the event page's script polls: the counts, and the two live parts as HTML."""
    overview = await overview_of(desk, event_id)
    context = event_context(desk.request, overview)
    snapshot = overview.event
    body = {
        "status": snapshot.status.value,
        "capacity": snapshot.capacity,
        "seats_taken": snapshot.seats_taken,
        "seats_left": snapshot.seats_left,
        "waitlist_length": snapshot.waitlist_length,
        "counts_html": fragment(desk.request, "_counts.html", context),
        "participants_html": fragment(desk.request, "_participants.html", context),
    }
    return JSONResponse(body, headers={"Cache-Control": "no-store"})


def form_of(event: EventSnapshot) -> dict[str, str]:
    """An event's details as the form shows them (dates and times in Berlin time)."""

    def local(moment: datetime | None) -> tuple[str, str]:
        if moment is None:
            return "", ""
        at = moment.astimezone(labels.BERLIN)
        return at.strftime("%Y-%m-%d"), at.strftime("%H:%M")

    values = {
        "title": event.title,
        "kind": event.kind.value,
        "description": event.description,
        "venue": event.venue,
        "address": event.address,
        "city": event.city,
        "organiser_contact": event.organiser_contact,
        "waitlist_enabled": "ja" if event.waitlist_enabled else "",
    }
    for name, moment in (
        ("start", event.starts_at),
        ("end", event.ends_at),
        ("deadline", event.registration_deadline),
    ):
        values[f"{name}_date"], values[f"{name}_time"] = local(moment)
    return values


@router.get("/veranstaltungen/{event_id}/bearbeiten")
async def edit_event(desk: DeskDep, event_id: EventId) -> HTMLResponse:
    snapshot = await desk.capacity.event(event_id, desk.correlation_id)
    return event_form_page(desk.request, DeskForm(form_of(snapshot)), snapshot.event_id)


@router.post("/veranstaltungen/{event_id}/bearbeiten")
async def update_event(desk: DeskDep, event_id: EventId) -> Response:
    async def save(values: dict[str, str]) -> Response:
        details = validate_event(values)
        await handlers.revise_event(
            ReviseEvent(desk.organiser, desk.correlation_id, event_id, details), desk
        )
        return back_to_event(event_id, "gespeichert")

    return await save_event_form(desk, event_id, save)


async def change(desk: DeskRequest, event_id: UUID, action: EventAction) -> Response:
    """Publish, close, reopen or cancel; a refusal is shown on the event page (409)."""
    try:
        await handlers.change_event(
            ChangeEvent(desk.organiser, desk.correlation_id, event_id, action), desk
        )
    except CapacityRefused as exc:
        overview = await overview_of(desk, event_id)
        form = capacity_form(overview.event).with_notice(refusal_message(exc, desk.t))
        return render_event(desk.request, overview, form, exc.status_code)
    return back_to_event(event_id, ACTION_NOTICES[action])


@router.post("/veranstaltungen/{event_id}/veroeffentlichen")
async def publish(desk: DeskDep, event_id: EventId) -> Response:
    return await change(desk, event_id, EventAction.PUBLISH)


@router.post("/veranstaltungen/{event_id}/schliessen")
async def close(desk: DeskDep, event_id: EventId) -> Response:
    return await change(desk, event_id, EventAction.CLOSE)


@router.post("/veranstaltungen/{event_id}/wiedereroeffnen")
async def reopen(desk: DeskDep, event_id: EventId) -> Response:
    return await change(desk, event_id, EventAction.REOPEN)


@router.get("/veranstaltungen/{event_id}/absagen")
async def confirm_cancel_event(desk: DeskDep, event_id: EventId) -> HTMLResponse:
    snapshot = await desk.capacity.event(event_id, desk.correlation_id)
    context = {"event": DeskEvent.of(snapshot, desk.t)}
    return desk_page(desk.request, "cancel_event.html", context)


@router.post("/veranstaltungen/{event_id}/absagen")
async def cancel_event(desk: DeskDep, event_id: EventId) -> Response:
    return await change(desk, event_id, EventAction.CANCEL)


@router.post("/veranstaltungen/{event_id}/kapazitaet")
async def change_capacity(desk: DeskDep, event_id: EventId) -> Response:
    """New capacity; fewer seats than are taken is refused next to the field (409)."""
    t = desk.t
    value = (await form_values(desk.request)).get("capacity", "")
    form = DeskForm({"capacity": value})
    problems: list[Problem] = []
    seats = parse_capacity(value, problems)
    if seats is None:
        overview = await overview_of(desk, event_id)
        return render_event(desk.request, overview, form.with_problems(problems, t.locale), 422)
    try:
        await handlers.change_capacity(
            ChangeCapacity(desk.organiser, desk.correlation_id, event_id, seats), desk
        )
    except CapacityRefused as exc:
        overview = await overview_of(desk, event_id)
        taken = overview.event.seats_taken
        if seats < taken:
            error = t.ngettext(
                "%(num)d Platz ist schon vergeben; weniger Plätze sind nicht möglich.",
                "%(num)d Plätze sind schon vergeben; weniger Plätze sind nicht möglich.",
                taken,
            ) % {"num": taken}
        else:
            error = refusal_message(exc, t)
        return render_event(desk.request, overview, form.with_error("capacity", error), 409)
    return back_to_event(event_id, "kapazitaet")


# --- registrations -------------------------------------------------------------------


async def participant_rows(desk: DeskRequest, event_id: UUID) -> list[ParticipantRow]:
    participants = await from_registration(
        desk.registrations.participants(event_id, desk.correlation_id)
    )
    return [ParticipantRow.of(p, desk.t) for p in participants]


@router.get("/veranstaltungen/{event_id}/anmeldungen/{registration_id}/stornieren")
async def confirm_cancel_registration(
    desk: DeskDep, event_id: EventId, registration_id: str
) -> HTMLResponse:
    snapshot = await desk.capacity.event(event_id, desk.correlation_id)
    rows = await participant_rows(desk, event_id)
    row = next((r for r in rows if str(r.registration_id) == registration_id), None)
    if row is None or not row.active:
        return registration_gone(desk.request)
    context = {"event": DeskEvent.of(snapshot, desk.t), "row": row}
    return desk_page(desk.request, "cancel_registration.html", context)


def registration_gone(request: Request) -> HTMLResponse:
    t = t_of(request)
    return problem_page(
        request,
        t.gettext("Keine aktive Anmeldung"),
        t.gettext(
            "Zu dieser Veranstaltung gibt es keine aktive Anmeldung mit dieser Nummer. "
            "Vielleicht wurde sie schon storniert."
        ),
        404,
    )


@router.post("/veranstaltungen/{event_id}/anmeldungen/{registration_id}/stornieren")
async def cancel_registration(desk: DeskDep, event_id: EventId, registration_id: str) -> Response:
    parsed = parse_uuid(registration_id)
    if parsed is None:
        return registration_gone(desk.request)
    try:
        cancellation = await handlers.cancel_for_attendee(
            CancelForAttendee(desk.organiser, desk.correlation_id, parsed), desk
        )
    except RegistrationRefused:
        return registration_gone(desk.request)
    except RegistrationUnavailable as exc:
        raise ParticipantsUnavailable() from exc
    return back_to_event(
        event_id, "bereits-storniert" if cancellation.already_cancelled else "storniert"
    )


async def export_data(
    desk: DeskRequest, event_id: UUID
) -> tuple[list[str], list[list[str | int | None]], str]:
    rows = await participant_rows(desk, event_id)
    return (
        column_headings(desk.t),
        [row_cells(row) for row in rows],
        f"teilnehmende-{event_id}",
    )


@router.get("/veranstaltungen/{event_id}/teilnehmende.csv")
async def export_csv(desk: DeskDep, event_id: EventId) -> Response:
    headings, rows, name = await export_data(desk, event_id)
    return attachment(csv_document(headings, rows), CSV_TYPE, f"{name}.csv")


@router.get("/veranstaltungen/{event_id}/teilnehmende.xlsx")
async def export_xlsx(desk: DeskDep, event_id: EventId) -> Response:
    headings, rows, name = await export_data(desk, event_id)
    sheet = desk.t.gettext("Teilnehmende")
    return attachment(xlsx_document(sheet, headings, rows), XLSX_TYPE, f"{name}.xlsx")


@router.get("/veranstaltungen/{event_id}/barrierefreiheit")
async def accessibility_report(desk: DeskDep, event_id: EventId) -> HTMLResponse:
    """What the venue must provide: counts over the active registrations, no names."""
    t = desk.t
    snapshot = await desk.capacity.event(event_id, desk.correlation_id)
    report = await from_registration(
        desk.registrations.accessibility_report(event_id, desk.correlation_id)
    )
    needs = [(desk_need_label(need, t), report.count(need)) for need in AccessibilityNeed]
    context = {"event": DeskEvent.of(snapshot, t), "report": report, "needs": needs}
    return desk_page(desk.request, "accessibility.html", context)


@router.get("/rueckmeldungen")
async def feedback(desk: DeskDep) -> HTMLResponse:
    """Feedback sent through the accessibility statement."""
    t = desk.t
    entries = await from_registration(desk.registrations.feedback(desk.correlation_id))
    rows = [
        (entry, labels.moment(entry.received_at, t.locale), language_label(entry.locale, t))
        for entry in entries
    ]
    return desk_page(desk.request, "feedback.html", {"entries": rows})


# --- wiring --------------------------------------------------------------------------


async def not_found(request: Request, exc: Exception) -> Response:
    t = t_of(request)
    return problem_page(
        request,
        t.gettext("Veranstaltung nicht gefunden"),
        t.gettext("Diese Veranstaltung gibt es nicht (mehr)."),
        404,
    )


async def unavailable(request: Request, exc: Exception) -> Response:
    """A service the page needs did not answer: nothing was changed."""
    t = t_of(request)
    what = {
        CapacityUnavailable: t.gettext("Die Veranstaltungsverwaltung (capacity)"),
        ParticipantsUnavailable: t.gettext("Der Anmeldedienst (registration)"),
        OrganiserStoreUnavailable: t.gettext("Die Kontenverwaltung der Verwaltung"),
    }[type(exc)]
    message = t.gettext(
        "%(what)s ist gerade nicht erreichbar. Es wurde nichts geändert – bitte versuchen "
        "Sie es in einigen Minuten erneut."
    ) % {"what": what}
    return problem_page(request, t.gettext("Gerade nicht erreichbar"), message, 503)


def install(app: FastAPI) -> None:
    """The desk's routes, and its answers to a missing session and to services that fail."""
    app.include_router(desk_auth.router)
    app.include_router(router)
    app.add_exception_handler(LoginRequired, desk_auth.login_required)
    app.add_exception_handler(EventNotFound, not_found)
    for failure in (CapacityUnavailable, ParticipantsUnavailable, OrganiserStoreUnavailable):
        app.add_exception_handler(failure, unavailable)
