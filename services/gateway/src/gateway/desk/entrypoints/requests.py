"""What every desk route works with: the request with its organiser, correlation id, the
organiser APIs and the organiser's language; the event id in the path; the answers shared
by the event's pages (capacity refused or cannot be reached, the registration service
cannot be asked)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, TypeVar
from uuid import UUID

import structlog
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from contracts.http.errors import Problem
from gateway.desk.domain.fields import parse_capacity
from gateway.desk.domain.organisers import Organiser
from gateway.desk.entrypoints.auth import OrganiserDep, current_organiser
from gateway.desk.entrypoints.dependencies import WiredDesk
from gateway.desk.entrypoints.views import (
    DESK,
    DeskForm,
    event_url,
    problem_page,
    see_other,
)
from gateway.desk.service_layer.ports import (
    Capacity,
    CapacityRefused,
    EventNotFound,
    RegistrationDesk,
)
from gateway.service_layer.ports import RegistrationRefused, RegistrationUnavailable
from gateway.web import i18n
from gateway.web.dependencies import CorrelationId, parse_uuid
from gateway.web.security import verify_csrf

T = TypeVar("T")
log = structlog.get_logger(__name__)


def event_router() -> APIRouter:
    """A router for the pages below an event (``/verwaltung/veranstaltungen/{event_id}/…``):
    each needs an organiser's session, each change the form's CSRF token."""
    return APIRouter(
        prefix=f"{DESK}/veranstaltungen/{{event_id}}",
        include_in_schema=False,
        default_response_class=HTMLResponse,
        dependencies=[Depends(current_organiser), Depends(verify_csrf)],
    )


def N_(text: str) -> str:
    """Marks a German text for translation where it is looked up later (``NOTICES``); babel's
    extraction knows the name."""
    return text


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


def path_uuid(value: str, unknown: Callable[[str], Exception]) -> UUID:
    """An id in the path; ``unknown(value)`` is raised (a 404) when it is not one."""
    parsed = parse_uuid(value)
    if parsed is None:
        raise unknown(value)
    return parsed


async def event_uuid(event_id: str) -> UUID:
    """Route dependency: the event id in the path; ``EventNotFound`` (404) when it is not one."""
    return path_uuid(event_id, EventNotFound)


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


async def from_registration_batches(batches: AsyncIterator[T]) -> AsyncIterator[T]:
    """``from_registration`` for each batch a paging call yields."""
    try:
        async for batch in batches:
            yield batch
    except RegistrationRefused as exc:
        log.warning("registration service refused the desk", status_code=exc.status_code)
        raise ParticipantsUnavailable() from exc
    except RegistrationUnavailable as exc:
        raise ParticipantsUnavailable() from exc


async def form_values(request: Request) -> dict[str, str]:
    data = await request.form()
    return {name: value for name, value in data.items() if isinstance(value, str)}


async def typed_capacity(desk: DeskRequest) -> tuple[DeskForm, int | None]:
    """A capacity form as sent: the form (its problem next to the field) and the seats, None
    when they cannot be read."""
    value = (await form_values(desk.request)).get("capacity", "")
    problems: list[Problem] = []
    seats = parse_capacity(value, problems)
    return DeskForm({"capacity": value}).with_problems(problems, desk.t.locale), seats


def unavailable_message(t: i18n.Translator) -> str:
    return t.gettext(
        "Die Veranstaltungsverwaltung (capacity) ist gerade nicht erreichbar. Es wurde nichts "
        "gespeichert, Ihre Eingaben stehen noch im Formular – bitte versuchen Sie es in "
        "einigen Minuten erneut."
    )


def refusal_message(exc: CapacityRefused, t: i18n.Translator) -> str:
    reason = exc.error.message(t.locale.value)
    return t.gettext("Capacity hat das abgelehnt: %(reason)s") % {"reason": reason}


def not_found_answer(
    heading: str, message: str
) -> Callable[[Request, Exception], Awaitable[Response]]:
    """An exception handler: a 404 page with ``heading`` and ``message`` (German texts
    marked with ``N_``, shown in the organiser's language)."""

    async def answer(request: Request, exc: Exception) -> Response:
        t = t_of(request)
        return problem_page(request, t.gettext(heading), t.gettext(message), 404)

    return answer


def seats_taken_error(taken: int, t: i18n.Translator) -> str:
    """Next to a capacity field: fewer seats than are taken cannot be."""
    return t.ngettext(
        "%(num)d Platz ist schon vergeben; weniger Plätze sind nicht möglich.",
        "%(num)d Plätze sind schon vergeben; weniger Plätze sind nicht möglich.",
        taken,
    ) % {"num": taken}


def back_to_event(event_id: UUID, notice: str) -> RedirectResponse:
    """Back to the event's page, which says what was done (``NOTICES``)."""
    return see_other(f"{event_url(event_id)}?hinweis={notice}")
