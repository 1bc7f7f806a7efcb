"""The organiser desk ``/verwaltung``: events, their registrations, exports, feedback.

Every change goes to the service that owns the record: capacity's organiser API for
events, the registration service's organiser API for registrations.  The gateway keeps
organiser accounts and sessions only (``desk_auth``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime
from typing import Annotated, Any, TypeVar
from uuid import UUID

import structlog
from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from contracts.attendees import AccessibilityNeed
from contracts.http.capacity import MAX_SLOTS
from contracts.messages import EventKind, EventSnapshot
from gateway.desk.domain import stand_call
from gateway.desk.domain.commands import (
    CancelForAttendee,
    ChangeCapacity,
    ChangeEvent,
    CreateEvent,
    EventAction,
    ReviseEvent,
    ShowChanges,
    ShowEvent,
)
from gateway.desk.domain.fields import form_moment
from gateway.desk.domain.model import (
    ParticipantFilter,
    validate_event,
    validate_new_event,
)
from gateway.desk.domain.programme import (
    SessionNotFound,
    programme_values,
    row_layout,
    wants_more_rows,
)
from gateway.desk.domain.stands import ApplicationNotFound
from gateway.desk.entrypoints import auth as desk_auth
from gateway.desk.entrypoints import sessions as desk_sessions
from gateway.desk.entrypoints import stands as desk_stands
from gateway.desk.entrypoints.auth import LoginRequired, current_organiser
from gateway.desk.entrypoints.exports import (
    CSV_TYPE,
    XLSX_TYPE,
    attachment,
    csv_stream,
    streamed_attachment,
    xlsx_document,
)
from gateway.desk.entrypoints.requests import (
    N_,
    DeskDep,
    DeskRequest,
    EventId,
    ParticipantsUnavailable,
    back_to_event,
    form_values,
    from_registration,
    from_registration_batches,
    not_found_answer,
    refusal_message,
    seats_taken_error,
    t_of,
    typed_capacity,
    unavailable_message,
)
from gateway.desk.entrypoints.views import (
    DESK,
    DeskEvent,
    DeskForm,
    ParticipantRow,
    column_headings,
    desk_need_label,
    desk_page,
    fragment,
    language_label,
    participant_list,
    problem_page,
    programme_lines,
    row_cells,
)
from gateway.desk.service_layer import handlers
from gateway.desk.service_layer.handlers import EventOverview
from gateway.desk.service_layer.ports import (
    CapacityRefused,
    CapacityUnavailable,
    EventNotFound,
    OrganiserStoreUnavailable,
)
from gateway.domain import labels
from gateway.domain.validation import InvalidInput
from gateway.service_layer.ports import RegistrationRefused, RegistrationUnavailable
from gateway.web.dependencies import parse_uuid
from gateway.web.security import verify_csrf

T = TypeVar("T")
log = structlog.get_logger(__name__)
router = APIRouter(
    prefix=DESK,
    include_in_schema=False,
    default_response_class=HTMLResponse,
    dependencies=[Depends(current_organiser), Depends(verify_csrf)],
)


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
    "choice_deadline": "choice_deadline_date",
    **stand_call.CAPACITY_FIELDS,
}
LIVE_INTERVAL_MS = 5000


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
    return {
        "event": DeskEvent.of(overview.event, t),
        "programme": programme_lines(overview.event, t),
        "headings": column_headings(t),
        "notice": t.gettext(NOTICES[notice]) if notice in NOTICES else None,
        "live_interval": LIVE_INTERVAL_MS,
        **participant_list(overview.event.event_id, overview.page, overview.selection, t),
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


async def overview_of(
    desk: DeskRequest, event_id: UUID, selection: ParticipantFilter | None = None
) -> EventOverview:
    return await handlers.event_overview(
        ShowEvent(desk.organiser, desk.correlation_id, event_id, selection or ParticipantFilter()),
        desk,
    )


def selection_of(request: Request) -> ParticipantFilter:
    """The participants the page's query asks for (``seite``, ``suche``, ``status``,
    ``rolle``, ``bedarf``)."""
    return ParticipantFilter.of(dict(request.query_params))


@router.get("/veranstaltungen/neu")
async def new_event(request: Request) -> HTMLResponse:
    return event_form_page(request, DeskForm({"waitlist_enabled": "ja"}), None)


def event_form_page(
    request: Request,
    form: DeskForm,
    event_id: UUID | None,
    status_code: int = 200,
    rows_added: bool = False,
) -> HTMLResponse:
    """The event form; its programme rows as it was sent with, more where it asked for
    them (``rows_added``: nothing was saved)."""
    t = t_of(request)
    kinds = [{"value": kind.value, "label": labels.kind_label(kind, t)} for kind in EventKind]
    if event_id is None:
        heading, action = t.gettext("Neue Veranstaltung"), f"{DESK}/veranstaltungen/neu"
    else:
        heading = t.gettext("Veranstaltung bearbeiten")
        action = f"{DESK}/veranstaltungen/{event_id}/bearbeiten"
    slots = row_layout(form.values)
    context = {
        "form": form,
        "event_id": event_id,
        "kinds": kinds,
        "heading": heading,
        "action": action,
        "slots": slots,
        "more_slots": len(slots) < MAX_SLOTS,
        "rows_added": rows_added,
    }
    return desk_page(request, "event_form.html", context, status_code)


def refused_form(
    request: Request, form: DeskForm, event_id: UUID | None, exc: CapacityRefused
) -> HTMLResponse:
    t = t_of(request)
    messages: dict[str, list[str]] = {}
    for problem in exc.error.errors:
        field = FORM_FIELDS.get(problem.field, problem.field)
        messages.setdefault(field, []).append(problem.message(t.locale.value))
    for field, said in messages.items():
        form = form.with_error(field, " ".join(said))
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
    if wants_more_rows(values):
        return event_form_page(request, form, event_id, rows_added=True)
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
    """The event; one page of its participants (``seite``, ``PAGE_SIZE`` a page, newest
    first), searched (``suche``) and filtered (``status``, ``rolle``, ``bedarf``) by the
    registration service."""
    overview = await overview_of(desk, event_id, selection_of(desk.request))
    return render_event(desk.request, overview, notice=notice)


@router.get("/veranstaltungen/{event_id}/stand.json")
async def live_state(
    desk: DeskDep,
    event_id: EventId,
    since: Annotated[str, Query(alias="seit", max_length=64)] = "",
    seen: Annotated[str, Query(alias="zahlen", max_length=200)] = "",
) -> JSONResponse:
    """What the event page's script polls: the counts, how many registrations arrived after
    ``seit`` (the page's newest), and – only on the first page without search or filter,
    when something changed (new ones, or the counts per status differ from ``zahlen``) –
    that page's table again.  Elsewhere a short notice ("3 neue Anmeldungen – anzeigen")."""
    selection = selection_of(desk.request)
    query = ShowChanges(
        desk.organiser, desk.correlation_id, event_id, selection, moment_of(since), seen
    )
    changes = await handlers.event_changes(query, desk)
    snapshot = changes.event
    t = desk.t
    context: dict[str, Any] = {
        "event": DeskEvent.of(snapshot, t),
        "headings": column_headings(t),
        "new_count": 0 if changes.page is not None else changes.new,
    }
    body: dict[str, Any] = {
        "status": snapshot.status.value,
        "capacity": snapshot.capacity,
        "seats_taken": snapshot.seats_taken,
        "seats_left": snapshot.seats_left,
        "waitlist_length": snapshot.waitlist_length,
        "new_since": changes.new,
        "counts_html": fragment(desk.request, "_counts.html", context),
        "notice_html": fragment(desk.request, "_new.html", context),
    }
    if changes.page is not None:
        listed = participant_list(event_id, changes.page, selection, t)
        body["participants_html"] = fragment(desk.request, "_participants.html", context | listed)
        body["since"] = listed["since"]
        body["seen"] = listed["seen"]
    return JSONResponse(body, headers={"Cache-Control": "no-store"})


def moment_of(value: str) -> datetime | None:
    """An ISO time with its zone, as the page got it; anything else: None."""
    try:
        moment = datetime.fromisoformat(value) if value else None
    except ValueError:
        return None
    return moment if moment is not None and moment.tzinfo is not None else None


def form_of(event: EventSnapshot) -> dict[str, str]:
    """An event's details as the form shows them (dates and times in Berlin time)."""
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
        values[f"{name}_date"], values[f"{name}_time"] = form_moment(moment)
    return values | programme_values(event) | stand_call.stand_call_values(event.stand_call)


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
    form, seats = await typed_capacity(desk)
    if seats is None:
        overview = await overview_of(desk, event_id)
        return render_event(desk.request, overview, form, 422)
    try:
        await handlers.change_capacity(
            ChangeCapacity(desk.organiser, desk.correlation_id, event_id, seats), desk
        )
    except CapacityRefused as exc:
        overview = await overview_of(desk, event_id)
        taken = overview.event.seats_taken
        error = seats_taken_error(taken, t) if seats < taken else refusal_message(exc, t)
        return render_event(desk.request, overview, form.with_error("capacity", error), 409)
    return back_to_event(event_id, "kapazitaet")


# --- registrations -------------------------------------------------------------------


@router.get("/veranstaltungen/{event_id}/anmeldungen/{registration_id}/stornieren")
async def confirm_cancel_registration(
    desk: DeskDep, event_id: EventId, registration_id: str
) -> HTMLResponse:
    """Asks before cancelling; the registration service is asked for this one registration
    of the event, not for the whole list."""
    snapshot = await desk.capacity.event(event_id, desk.correlation_id)
    parsed = parse_uuid(registration_id)
    if parsed is None:
        return registration_gone(desk.request)
    participant = await from_registration(
        desk.registrations.participant(event_id, parsed, desk.correlation_id)
    )
    if participant is None or not participant.active:
        return registration_gone(desk.request)
    row = ParticipantRow.of(participant, desk.t)
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


def export_name(event_id: UUID) -> str:
    return f"teilnehmende-{event_id}"


async def export_rows(
    desk: DeskRequest, event_id: UUID
) -> AsyncIterator[list[list[str | int | None]]]:
    """The participants' cells, a batch at a time as the registration service sends them."""
    batches = handlers.all_participants(event_id, desk.correlation_id, desk)
    async for batch in from_registration_batches(batches):
        yield [row_cells(ParticipantRow.of(p, desk.t)) for p in batch]


@router.get("/veranstaltungen/{event_id}/teilnehmende.csv")
async def export_csv(desk: DeskDep, event_id: EventId) -> Response:
    """Streamed: rows are written as their batch arrives (``EXPORT_BATCH`` at a time); the
    first batch is asked for before the answer starts, so a registration service that is
    down still gets the 503 page."""
    rows = export_rows(desk, event_id)
    first: list[list[str | int | None]] = await anext(rows, [])
    return streamed_attachment(
        csv_stream(column_headings(desk.t), first, rows),
        CSV_TYPE,
        f"{export_name(event_id)}.csv",
    )


@router.get("/veranstaltungen/{event_id}/teilnehmende.xlsx")
async def export_xlsx(desk: DeskDep, event_id: EventId) -> Response:
    """Built in memory (a workbook is a zip written at the end), from batches."""
    rows = [row async for batch in export_rows(desk, event_id) for row in batch]
    sheet = desk.t.gettext("Teilnehmende")
    document = xlsx_document(sheet, column_headings(desk.t), rows)
    return attachment(document, XLSX_TYPE, f"{export_name(event_id)}.xlsx")


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


not_found = not_found_answer(
    N_("Veranstaltung nicht gefunden"), N_("Diese Veranstaltung gibt es nicht (mehr).")
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
    app.include_router(desk_sessions.router)
    app.include_router(desk_stands.router)
    app.add_exception_handler(SessionNotFound, desk_sessions.session_not_found)
    app.add_exception_handler(ApplicationNotFound, desk_stands.application_not_found)
    app.add_exception_handler(LoginRequired, desk_auth.login_required)
    app.add_exception_handler(EventNotFound, not_found)
    for failure in (CapacityUnavailable, ParticipantsUnavailable, OrganiserStoreUnavailable):
        app.add_exception_handler(failure, unavailable)
