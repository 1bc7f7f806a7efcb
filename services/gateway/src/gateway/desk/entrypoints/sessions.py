"""The programme's sessions at the desk: who holds a seat and who waits for one (names from
the registration service, the lists from capacity), moving a person to another session by
hand, a session's capacity, and the exports per session (CSV, and XLSX with a sheet per
session)."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends, Query
from fastapi.responses import HTMLResponse, Response

from gateway.desk.domain.commands import AssignSession, ChangeSessionCapacity, ShowSessions
from gateway.desk.domain.programme import SessionNotFound, SessionRoster, roster_of
from gateway.desk.entrypoints.exports import (
    CSV_TYPE,
    XLSX_TYPE,
    Sheet,
    attachment,
    csv_document,
    sheet_titles,
    xlsx_workbook,
)
from gateway.desk.entrypoints.requests import (
    N_,
    DeskDep,
    DeskRequest,
    EventId,
    event_router,
    form_values,
    from_registration,
    not_found_answer,
    path_uuid,
    refusal_message,
    seats_taken_error,
    typed_capacity,
)
from gateway.desk.entrypoints.views import (
    DeskEvent,
    DeskForm,
    desk_page,
    roster_rows,
    see_other,
    session_cells,
    session_headings,
    session_url,
)
from gateway.desk.service_layer import handlers
from gateway.desk.service_layer.handlers import ProgrammeOverview
from gateway.desk.service_layer.ports import CapacityRefused
from gateway.domain import labels
from gateway.web.dependencies import parse_uuid

router = event_router()

# What a session's page says after an action (``?hinweis=``).
NOTICES = {
    "verschoben": N_("Die Person ist in das andere Forum verschoben."),
    "kapazitaet": N_("Die Kapazität des Forums ist geändert."),
}


async def session_uuid(session_id: str) -> UUID:
    """Route dependency: the session id in the path; ``SessionNotFound`` (404) else."""
    return path_uuid(session_id, SessionNotFound)


SessionId = Annotated[UUID, Depends(session_uuid)]


async def programme_of(desk: DeskRequest, event_id: UUID) -> ProgrammeOverview:
    query = ShowSessions(desk.organiser, desk.correlation_id, event_id)
    return await from_registration(handlers.programme_overview(query, desk))


def session_page(
    desk: DeskRequest,
    programme: ProgrammeOverview,
    session_id: UUID,
    form: DeskForm | None = None,
    status_code: int = 200,
    notice: str | None = None,
) -> HTMLResponse:
    """A session: its numbers, the capacity form, who holds a seat, the waiting list, and a
    form per person to move them to another session of the same slot."""
    t = desk.t
    roster = roster_of(programme.rosters, session_id)
    holders, waiting = roster_rows(roster, t)
    others = [s for s in roster.slot.sessions if s.session_id != session_id]
    context: dict[str, Any] = {
        "event": DeskEvent.of(programme.event, t),
        "roster": roster,
        "period": labels.period(roster.slot.starts_at, roster.slot.ends_at, t.locale),
        "url": session_url(programme.event.event_id, session_id),
        "holders": holders,
        "waiting": waiting,
        "others": others,
        "form": form or DeskForm({"capacity": str(roster.session.capacity)}),
        "notice": t.gettext(NOTICES[notice]) if notice in NOTICES else None,
    }
    return desk_page(desk.request, "session.html", context, status_code)


@router.get("/foren/{session_id}")
async def session(
    desk: DeskDep,
    event_id: EventId,
    session_id: SessionId,
    notice: Annotated[str | None, Query(alias="hinweis")] = None,
) -> HTMLResponse:
    return session_page(desk, await programme_of(desk, event_id), session_id, notice=notice)


def back_to_session(event_id: UUID, session_id: UUID, notice: str) -> Response:
    return see_other(f"{session_url(event_id, session_id)}?hinweis={notice}")


@router.post("/foren/{session_id}/verschieben")
async def move(desk: DeskDep, event_id: EventId, session_id: SessionId) -> Response:
    """Move ``registration_id`` from this session's page to the session ``ziel``; capacity's
    refusal (full, unknown, not confirmed) shows on this page, nothing changed."""
    values = await form_values(desk.request)
    registration_id = parse_uuid(values.get("registration_id", ""))
    target = parse_uuid(values.get("ziel", ""))
    if registration_id is None or target is None:
        programme = await programme_of(desk, event_id)
        form = DeskForm().with_notice(desk.t.gettext("Bitte wählen Sie ein Forum."))
        return session_page(desk, programme, session_id, form, 422)
    command = AssignSession(desk.organiser, desk.correlation_id, event_id, target, registration_id)
    try:
        await handlers.assign_session(command, desk)
    except CapacityRefused as exc:
        programme = await programme_of(desk, event_id)
        form = DeskForm().with_notice(refusal_message(exc, desk.t))
        return session_page(desk, programme, session_id, form, exc.status_code)
    return back_to_session(event_id, session_id, "verschoben")


def capacity_refusal(exc: CapacityRefused, desk: DeskRequest) -> str:
    """Capacity's own words about the programme (e.g. fewer seats than taken), else its
    refusal."""
    about = [p.message(desk.t.locale.value) for p in exc.error.errors if p.field == "programme"]
    return " ".join(about) if about else refusal_message(exc, desk.t)


@router.post("/foren/{session_id}/kapazitaet")
async def change_capacity(desk: DeskDep, event_id: EventId, session_id: SessionId) -> Response:
    """A session's new capacity (the whole programme is sent again with it); fewer seats
    than are taken is refused next to the field."""
    t = desk.t
    form, seats = await typed_capacity(desk)
    if seats is None:
        programme = await programme_of(desk, event_id)
        return session_page(desk, programme, session_id, form, 422)
    command = ChangeSessionCapacity(
        desk.organiser, desk.correlation_id, event_id, session_id, seats
    )
    try:
        await handlers.change_session_capacity(command, desk)
    except CapacityRefused as exc:
        programme = await programme_of(desk, event_id)
        taken = roster_of(programme.rosters, session_id).session.seats_taken
        error = seats_taken_error(taken, t) if seats < taken else capacity_refusal(exc, desk)
        return session_page(desk, programme, session_id, form.with_error("capacity", error), 409)
    return back_to_session(event_id, session_id, "kapazitaet")


# --- exports --------------------------------------------------------------------------


def export_name(roster: SessionRoster) -> str:
    return f"forum-{roster.session.session_id}"


def session_sheet(roster: SessionRoster, title: str, desk: DeskRequest) -> Sheet:
    return Sheet(title, session_headings(desk.t), session_cells(roster, desk.t))


@router.get("/foren/{session_id}/liste.csv")
async def export_csv(desk: DeskDep, event_id: EventId, session_id: SessionId) -> Response:
    roster = roster_of((await programme_of(desk, event_id)).rosters, session_id)
    content = csv_document(session_headings(desk.t), session_cells(roster, desk.t))
    return attachment(content, CSV_TYPE, f"{export_name(roster)}.csv")


@router.get("/foren/{session_id}/liste.xlsx")
async def export_xlsx(desk: DeskDep, event_id: EventId, session_id: SessionId) -> Response:
    roster = roster_of((await programme_of(desk, event_id)).rosters, session_id)
    (title,) = sheet_titles([roster.session.title])
    content = xlsx_workbook([session_sheet(roster, title, desk)])
    return attachment(content, XLSX_TYPE, f"{export_name(roster)}.xlsx")


@router.get("/foren.xlsx")
async def all_sessions_xlsx(desk: DeskDep, event_id: EventId) -> Response:
    """Every session of the programme, a sheet each (named after the session), in the
    programme's order."""
    rosters = (await programme_of(desk, event_id)).rosters
    titles = sheet_titles([roster.session.title for roster in rosters])
    sheets = [
        session_sheet(roster, title, desk) for roster, title in zip(rosters, titles, strict=True)
    ]
    return attachment(xlsx_workbook(sheets), XLSX_TYPE, f"foren-{event_id}.xlsx")


session_not_found = not_found_answer(
    N_("Forum nicht gefunden"),
    N_("Dieses Forum gibt es im Programm der Veranstaltung nicht (mehr)."),
)
