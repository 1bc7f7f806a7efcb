"""The Markt der guten Ideen at the desk: the applications for a stand (searched, filtered,
counted and paged by the registration service), one application with its history and the
decision (accept, waiting list, decline, with a note for the applicant's mail), and the
exports for the venue (CSV, XLSX) with the accepted stands' needs summed."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends, Query
from fastapi.responses import HTMLResponse, Response

from contracts.http.stands import (
    NOTE_MAX_LENGTH,
    ApplicationDecision,
    ApplicationErrorCode,
    StandApplicationPage,
)
from contracts.messages import EventSnapshot
from gateway.desk.domain.commands import DecideStandApplication, ShowStandApplication, ShowStands
from gateway.desk.domain.stands import ApplicationFilter, ApplicationNotFound, decision_from_form
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
    ParticipantsUnavailable,
    event_router,
    form_values,
    from_registration,
    not_found_answer,
    path_uuid,
)
from gateway.desk.entrypoints.stand_views import (
    ApplicationView,
    application_list,
    application_url,
    decision_options,
    export_cells,
    export_headings,
    stands_url,
    summary_cells,
    summary_headings,
    summary_rows,
)
from gateway.desk.entrypoints.views import DeskEvent, DeskForm, desk_page, see_other
from gateway.desk.service_layer import handlers
from gateway.desk.service_layer.handlers import StandReview
from gateway.desk.service_layer.ports import CapacityUnavailable, StandsUnavailable
from gateway.domain.validation import InvalidInput
from gateway.service_layer.ports import RegistrationRefused, RegistrationUnavailable
from gateway.web import i18n

router = event_router()

# What an application's page says after a decision (``?hinweis=``).
NOTICES = {
    "angenommen": N_(
        "Die Bewerbung ist angenommen. Die Kontaktperson bekommt eine E-Mail mit Ihrer Nachricht."
    ),
    "warteliste": N_(
        "Die Bewerbung steht auf der Warteliste. Die Kontaktperson bekommt eine E-Mail mit "
        "Ihrer Nachricht."
    ),
    "abgelehnt": N_(
        "Die Bewerbung ist abgelehnt. Die Kontaktperson bekommt eine E-Mail mit Ihrer Nachricht."
    ),
}
DECISION_NOTICES = {
    ApplicationDecision.ACCEPT: "angenommen",
    ApplicationDecision.WAITLIST: "warteliste",
    ApplicationDecision.DECLINE: "abgelehnt",
}


async def application_uuid(application_id: str) -> UUID:
    """Route dependency: the application id in the path; ``ApplicationNotFound`` (404) else."""
    return path_uuid(application_id, ApplicationNotFound)


ApplicationId = Annotated[UUID, Depends(application_uuid)]


@router.get("/markt")
async def stands(desk: DeskDep, event_id: EventId) -> HTMLResponse:
    """One page of the applications (``seite``, ``PAGE_SIZE`` a page, the oldest first
    unless ``reihenfolge=newest``), searched (``suche``) and filtered (``status`` and
    ``bedarf``, each repeatable, ``kommune``) by the registration service."""
    selection = ApplicationFilter.of(desk.request.query_params.multi_items())
    query = ShowStands(desk.organiser, desk.correlation_id, event_id, selection)
    overview = await from_registration(handlers.stands_overview(query, desk))
    context = {
        "event": DeskEvent.of(overview.event, desk.t),
        **application_list(overview.event, overview.page, selection, desk.t),
    }
    return desk_page(desk.request, "stands.html", context)


async def review_of(desk: DeskRequest, event_id: UUID, application_id: UUID) -> StandReview:
    query = ShowStandApplication(desk.organiser, desk.correlation_id, event_id, application_id)
    return await from_registration(handlers.stand_review(query, desk))


def application_page(
    desk: DeskRequest,
    review: StandReview,
    form: DeskForm | None = None,
    status_code: int = 200,
    notice: str | None = None,
) -> HTMLResponse:
    """The application, its history and the decision form (as typed, after a refusal)."""
    t = desk.t
    form = form or DeskForm()
    application = review.application
    context: dict[str, Any] = {
        "event": DeskEvent.of(review.event, t),
        "view": ApplicationView.of(application, t),
        "form": form,
        "decisions": decision_options(form["decision"], t),
        "list_url": stands_url(review.event.event_id),
        "action": f"{application_url(review.event.event_id, application.application_id)}"
        "/entscheidung",
        "note_limit": NOTE_MAX_LENGTH,
        "notice": t.gettext(NOTICES[notice]) if notice in NOTICES else None,
    }
    return desk_page(desk.request, "stand_application.html", context, status_code)


@router.get("/markt/{application_id}")
async def application(
    desk: DeskDep,
    event_id: EventId,
    application_id: ApplicationId,
    notice: Annotated[str | None, Query(alias="hinweis")] = None,
) -> HTMLResponse:
    review = await review_of(desk, event_id, application_id)
    return application_page(desk, review, notice=notice)


def stands_full_message(
    event: EventSnapshot, refusal: RegistrationRefused, t: i18n.Translator
) -> str:
    if event.stand_call is None:
        return refusal.error.message(t.locale.value)
    stands = event.stand_call.stands
    return t.ngettext(
        "Der Stand ist vergeben (%(num)d von %(num)d) – lehnen Sie eine andere Bewerbung ab "
        "oder setzen Sie diese auf die Warteliste.",
        "Alle %(num)d Stände sind vergeben – lehnen Sie eine andere Bewerbung ab oder setzen "
        "Sie diese auf die Warteliste.",
        stands,
    ) % {"num": stands}


def refusal_message(event: EventSnapshot, refusal: RegistrationRefused, t: i18n.Translator) -> str:
    if refusal.code == ApplicationErrorCode.STANDS_FULL:
        return stands_full_message(event, refusal, t)
    if refusal.code == ApplicationErrorCode.WITHDRAWN:
        return t.gettext(
            "Die Bewerbung ist inzwischen zurückgezogen worden. Darüber lässt sich nichts mehr "
            "entscheiden."
        )
    return t.gettext("Der Anmeldedienst hat das abgelehnt: %(reason)s") % {
        "reason": refusal.error.message(t.locale.value)
    }


def not_decided(failure: Exception, t: i18n.Translator) -> str:
    """A service the decision needs did not answer: which one, and that the note is kept."""
    if isinstance(failure, StandsUnavailable):
        return t.gettext(
            "Die Platzverwaltung (capacity), die die Stände zählt, ist gerade nicht erreichbar. "
            "Es wurde nichts entschieden, Ihre Nachricht steht noch im Formular – bitte "
            "versuchen Sie es in einigen Minuten erneut."
        )
    return t.gettext(
        "Der Anmeldedienst (registration) ist gerade nicht erreichbar. Es wurde nichts "
        "entschieden, Ihre Nachricht steht noch im Formular – bitte versuchen Sie es in "
        "einigen Minuten erneut."
    )


async def current_review(desk: DeskRequest, review: StandReview) -> StandReview:
    """The application as it is now (after a refusal); as it was when it cannot be had."""
    try:
        return await review_of(desk, review.event.event_id, review.application.application_id)
    except (ParticipantsUnavailable, CapacityUnavailable):
        return review


@router.post("/markt/{application_id}/entscheidung")
async def decide(desk: DeskDep, event_id: EventId, application_id: ApplicationId) -> Response:
    """Accept, waitlist or decline (``decision``) with a note for the applicant (``note``);
    then back to the application, which says what was done.  A refusal (all stands taken,
    withdrawn, a service down) shows on the application with the form as it was typed."""
    t = desk.t
    values = await form_values(desk.request)
    form = DeskForm({"decision": values.get("decision", ""), "note": values.get("note", "")})
    review = await review_of(desk, event_id, application_id)
    try:
        decision, note = decision_from_form(values)
    except InvalidInput as exc:
        return application_page(desk, review, form.with_problems(exc.problems, t.locale), 422)
    command = DecideStandApplication(
        desk.organiser, desk.correlation_id, event_id, application_id, decision, note
    )
    try:
        await handlers.decide_stand_application(command, desk)
    except RegistrationRefused as exc:
        if exc.code == ApplicationErrorCode.NOT_FOUND:
            raise ApplicationNotFound(str(application_id)) from exc
        message = refusal_message(review.event, exc, t)
        return application_page(
            desk, await current_review(desk, review), form.with_notice(message), exc.status_code
        )
    except (StandsUnavailable, RegistrationUnavailable) as exc:
        return application_page(desk, review, form.with_notice(not_decided(exc, t)), 503)
    url = application_url(event_id, application_id)
    return see_other(f"{url}?hinweis={DECISION_NOTICES[decision]}")


# --- exports for the venue -----------------------------------------------------------


async def export_pages(desk: DeskRequest, event_id: UUID) -> list[StandApplicationPage]:
    """Every application, oldest first; the event must exist (else the 404 page)."""
    await desk.capacity.event(event_id, desk.correlation_id)
    return await from_registration(
        handlers.all_stand_applications(event_id, desk.correlation_id, desk)
    )


def export_name(event_id: UUID) -> str:
    return f"markt-{event_id}"


@router.get("/markt.csv")
async def export_csv(desk: DeskDep, event_id: EventId) -> Response:
    """A row per application, then (after an empty line) the accepted stands summed."""
    t = desk.t
    pages = await export_pages(desk, event_id)
    rows = [export_cells(application, t) for page in pages for application in page.items]
    content = csv_document(export_headings(t), [*rows, [], summary_cells(pages[-1], t)])
    return attachment(content, CSV_TYPE, f"{export_name(event_id)}.csv")


@router.get("/markt.xlsx")
async def export_xlsx(desk: DeskDep, event_id: EventId) -> Response:
    """A sheet of the applications, a sheet of what the accepted stands need."""
    t = desk.t
    pages = await export_pages(desk, event_id)
    rows = [export_cells(application, t) for page in pages for application in page.items]
    listed, summed = sheet_titles([t.gettext("Bewerbungen"), t.gettext("Angenommene Stände")])
    content = xlsx_workbook(
        [
            Sheet(listed, export_headings(t), rows),
            Sheet(summed, summary_headings(t), summary_rows(pages[-1], t)),
        ]
    )
    return attachment(content, XLSX_TYPE, f"{export_name(event_id)}.xlsx")


application_not_found = not_found_answer(
    N_("Bewerbung nicht gefunden"),
    N_("Zu dieser Veranstaltung gibt es keine Bewerbung für einen Stand mit dieser Nummer."),
)
