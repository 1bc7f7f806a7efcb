"""The Markt der guten Ideen on the public site: applying for a stand while the event's call
for stands is open, the applicant's page behind the link of the receipt mail (what was sent,
the state, withdrawing), and a stand's staff member's registration behind their personal
link (the normal registration form; the seat comes from the stand's contingent)."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Annotated, Any, TypeVar
from urllib.parse import quote

from fastapi import HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from contracts.http.stands import PUBLIC_DESCRIPTION_MAX_LENGTH, ExhibitorLink
from gateway.bootstrap import Gateway
from gateway.domain import labels
from gateway.domain.commands import ApplyForStand, OpenStandLink, WithdrawApplication
from gateway.domain.model import Listing
from gateway.domain.stands import CallState
from gateway.domain.validation import InvalidInput, validate_stand_application
from gateway.service_layer import handlers
from gateway.service_layer.ports import (
    RegistrationRefused,
    RegistrationUnavailable,
    StandLinkInvalid,
)
from gateway.site.pages import (
    HONEYPOT,
    SOLUTION_FIELD,
    admitted,
    challenged,
    in_language,
    listing_or_404,
    not_saved_notice,
    private_page,
    registration_fields,
    site_router,
    take_registration,
    text,
    with_challenge,
)
from gateway.site.views import (
    ApplicationView,
    CharacterCount,
    EventView,
    RegistrationForm,
    StandApplicationForm,
    application_url,
    render,
    staff_options,
    stand_need_options,
)
from gateway.web import i18n
from gateway.web.dependencies import CorrelationId, GatewayDep, idempotency_key

T = TypeVar("T")
router = site_router()

APPLICATION_FORM = "/veranstaltungen/{event_id}/markt/bewerbung"
JUST_SENT = "neu"
"""The query the applicant's page is first shown with, right after the form was sent."""


def applicant_url(token: str) -> str:
    return f"/markt/bewerbung/{quote(token, safe='')}"


def exhibitor_url(token: str) -> str:
    return f"/markt/team/{quote(token, safe='')}"


def notice_page(
    request: Request,
    heading: str,
    paragraphs: list[str],
    status_code: int,
    *,
    event: EventView | None = None,
    retry: str | None = None,
    private: bool = True,
) -> HTMLResponse:
    """Why a Markt page cannot do what it is for: the call is not open, a link is wrong, the
    registration service does not answer, the stand is no longer accepted."""
    context = {"heading": heading, "paragraphs": paragraphs, "event": event, "retry": retry}
    if private:
        return private_page(request, "markt_notice.html", context, status_code)
    return render(request, "markt_notice.html", context, status_code)


# --- applying ------------------------------------------------------------------------


def call_not_open(request: Request, event: EventView) -> HTMLResponse | None:
    """The page that says why the event takes no application now; ``None`` while it does."""
    t = i18n.request_translator(request)
    call = event.stand_call
    if call is None:
        message = t.gettext(
            "Bei dieser Veranstaltung gibt es keinen Markt der guten Ideen, für den Sie sich "
            "bewerben können."
        )
        heading = t.gettext("Keine Bewerbung für einen Stand möglich")
        return notice_page(request, heading, [message], 404, event=event, private=False)
    if call.state is CallState.OPEN:
        return None
    if call.state is CallState.UPCOMING:
        heading = t.gettext("Die Bewerbung ist noch nicht möglich")
        message = t.gettext("Bewerbungen für einen Stand nehmen wir ab %(opens)s entgegen.") % {
            "opens": call.opens
        }
    else:
        heading = t.gettext("Die Bewerbungsfrist ist abgelaufen")
        message = t.gettext(
            "Bewerbungen für einen Stand waren bis %(closes)s möglich. Eine Bewerbung ist "
            "nicht mehr möglich."
        ) % {"closes": call.closes}
    return notice_page(request, heading, [message], 409, event=event, private=False)


def application_page(
    request: Request,
    event: EventView,
    form: StandApplicationForm,
    status_code: int = 200,
) -> HTMLResponse:
    t = i18n.request_translator(request)
    context = {
        "event": event,
        "form": form,
        "needs": stand_need_options(t),
        "staff": staff_options(t),
        "count": CharacterCount.of(PUBLIC_DESCRIPTION_MAX_LENGTH, t),
        "limit": PUBLIC_DESCRIPTION_MAX_LENGTH,
        "honeypot_field": HONEYPOT,
    }
    url = application_url(event.event_id)
    return render(request, "stand_application.html", context, status_code, canonical_path=url)


def application_form(data: FormData) -> StandApplicationForm:
    """The application form as typed."""
    return StandApplicationForm(
        project_title=text(data, "project_title"),
        organisation=text(data, "organisation"),
        description=text(data, "description"),
        contact_name=text(data, "contact_name"),
        email=text(data, "email"),
        staff=text(data, "staff"),
        needs=tuple(value for value in data.getlist("needs") if isinstance(value, str)),
        needs_other=text(data, "needs_other"),
        publish_consent=bool(text(data, "publish_consent")),
        privacy_consent=bool(text(data, "privacy_consent")),
        idempotency_key=idempotency_key(text(data, "idempotency_key")),
        altcha=text(data, SOLUTION_FIELD),
    )


def open_call(request: Request, gateway: Gateway, event_id: str) -> EventView | HTMLResponse:
    """The event whose call for stands takes applications now, else the page saying why."""
    listing = listing_or_404(request, gateway, event_id)
    event = EventView.of(listing, gateway.clock(), i18n.request_translator(request))
    return call_not_open(request, event) or event


@router.get(APPLICATION_FORM)
async def application_form_page(request: Request, event_id: str, gateway: GatewayDep) -> Response:
    event = open_call(request, gateway, event_id)
    if isinstance(event, HTMLResponse):
        return event
    return application_page(request, event, StandApplicationForm())


@router.post(APPLICATION_FORM)
async def apply(
    request: Request, event_id: str, gateway: GatewayDep, correlation_id: CorrelationId
) -> Response:
    """Check the application, admit it like a registration (the budget, else the challenge),
    pass it on, then 303 to the applicant's page."""
    event = open_call(request, gateway, event_id)
    if isinstance(event, HTMLResponse):
        return event
    locale = i18n.request_locale(request)
    t = i18n.request_translator(request)
    data = await request.form()
    form = application_form(data)
    if text(data, HONEYPOT):
        return application_page(request, event, form.with_notice(not_saved_notice(t)), 400)
    try:
        applicant = validate_stand_application(
            project_title=form.project_title,
            organisation=form.organisation,
            description=form.description,
            contact_name=form.contact_name,
            email=form.email,
            staff=form.staff,
            needs=form.needs,
            needs_other=form.needs_other,
            publish_consent=form.publish_consent,
            privacy_consent=form.privacy_consent,
            locale=locale,
        )
    except InvalidInput as exc:
        return application_page(request, event, form.with_problems(exc.problems, locale), 422)
    required = admitted(request, event.event_id, applicant.email, form)
    if required is not None:
        asked = application_page(request, event, with_challenge(form, required), 428)
        return challenged(asked, required)
    command = ApplyForStand(event.event_id, applicant, form.idempotency_key, correlation_id)
    try:
        receipt = await handlers.apply_for_stand(command, gateway.stands)
    except RegistrationUnavailable:
        notice = t.gettext(
            "Die Bewerbung ist gerade nicht erreichbar. Ihre Angaben wurden nicht gespeichert – "
            "bitte versuchen Sie es in einigen Minuten erneut."
        )
        return application_page(request, event, form.with_notice(notice), 503)
    except RegistrationRefused as exc:
        refused = form.with_refusal(exc.error, locale)
        return application_page(request, event, refused, exc.status_code)
    return RedirectResponse(f"{applicant_url(receipt.token)}?{JUST_SENT}=1", status_code=303)


# --- behind a link from a mail ---------------------------------------------------------


async def by_stand_link(request: Request, call: Awaitable[T], unavailable: str) -> T | HTMLResponse:
    """What a Markt link's call answers, or the page that says why not (``unavailable``
    when the registration service cannot be reached)."""
    t = i18n.request_translator(request)
    try:
        return await call
    except StandLinkInvalid as exc:
        message = in_language(t.locale, exc.message_de, exc.message_en)
        hint = t.gettext(
            "Prüfen Sie bitte, ob Sie den Link vollständig aufgerufen haben: Manche "
            "E-Mail-Programme brechen lange Links auf zwei Zeilen um."
        )
        return notice_page(request, t.gettext("Link ungültig"), [message, hint], 404)
    except RegistrationUnavailable:
        heading = t.gettext("Im Moment nicht erreichbar")
        return notice_page(request, heading, [unavailable], 503, retry=request.url.path)
    except RegistrationRefused as exc:
        heading = t.gettext("Das hat leider nicht geklappt")
        return notice_page(request, heading, [exc.error.message(t.locale.value)], exc.status_code)


def event_of(gateway: Gateway, event_id: Any, t: labels.Translator) -> EventView | None:
    listing = gateway.catalog.get(event_id)
    return EventView.of(listing, gateway.clock(), t) if listing else None


@router.get("/markt/bewerbung/{token}")
async def application(
    request: Request,
    token: str,
    gateway: GatewayDep,
    correlation_id: CorrelationId,
    just_sent: Annotated[str, Query(alias=JUST_SENT)] = "",
) -> HTMLResponse:
    """The applicant's page: what was sent, the state in words, the latest note, and the
    button to withdraw while there is something to withdraw."""
    t = i18n.request_translator(request)
    found = await by_stand_link(
        request,
        handlers.stand_application(OpenStandLink(token, correlation_id), gateway.stands),
        t.gettext(
            "Ihre Bewerbung kann gerade nicht abgerufen werden. Sie ist davon nicht betroffen – "
            "bitte versuchen Sie es in einigen Minuten erneut."
        ),
    )
    if isinstance(found, HTMLResponse):
        return found
    context = {
        "application": ApplicationView.of(found, t),
        "event": event_of(gateway, found.event_id, t),
        "withdraw_url": f"{applicant_url(token)}/zurueckziehen",
        "just_sent": bool(just_sent),
    }
    return private_page(request, "application.html", context)


@router.post("/markt/bewerbung/{token}/zurueckziehen")
async def withdraw(
    request: Request, token: str, gateway: GatewayDep, correlation_id: CorrelationId
) -> HTMLResponse:
    """Withdraw; a second time (reload, double click) says it was withdrawn already."""
    t = i18n.request_translator(request)
    withdrawn = await by_stand_link(
        request,
        handlers.withdraw_application(WithdrawApplication(token, correlation_id), gateway.stands),
        t.gettext(
            "Die Bewerbung kann gerade nicht zurückgezogen werden, weil die Anmeldung nicht "
            "erreichbar ist. Es wurde nichts geändert – bitte versuchen Sie es in einigen "
            "Minuten erneut."
        ),
    )
    if isinstance(withdrawn, HTMLResponse):
        return withdrawn
    context = {
        "headline": labels.withdrawal_headline(withdrawn, t),
        "already": withdrawn.already_withdrawn,
        "application": ApplicationView.of(withdrawn.application, t),
        "event": event_of(gateway, withdrawn.application.event_id, t),
        "application_url": applicant_url(token),
    }
    return private_page(request, "application_withdrawn.html", context)


# --- a stand's staff member ------------------------------------------------------------


async def exhibitor_target(
    request: Request, gateway: Gateway, token: str, correlation_id: str
) -> tuple[ExhibitorLink, Listing] | HTMLResponse:
    """The stand a personal link is for and its event while it takes the staff member's
    registration, else the page that says why not."""
    t = i18n.request_translator(request)
    link = await by_stand_link(
        request,
        handlers.exhibitor_link(OpenStandLink(token, correlation_id), gateway.stands),
        t.gettext(
            "Die Anmeldung ist gerade nicht erreichbar. Bitte versuchen Sie es in einigen "
            "Minuten erneut."
        ),
    )
    if isinstance(link, HTMLResponse):
        return link
    listing = gateway.catalog.get(link.event_id)
    if listing is None:
        raise HTTPException(status_code=404, detail=t.gettext("Veranstaltung nicht gefunden"))
    event = EventView.of(listing, gateway.clock(), t)
    if listing.cancelled:
        heading = t.gettext("Die Veranstaltung wurde abgesagt")
        message = t.gettext(
            "Die Veranstaltung wurde abgesagt, eine Anmeldung ist nicht mehr möglich."
        )
        return notice_page(request, heading, [message], 409, event=event)
    if not link.accepted:
        heading = t.gettext("Der Stand ist nicht angenommen")
        message = t.gettext(
            "Ihr persönlicher Link gilt nur für einen angenommenen Stand. Die Bewerbung für "
            "„%(project)s“ ist zurückgezogen oder nicht (mehr) angenommen, deshalb ist über "
            "diesen Link keine Anmeldung möglich. Bei Fragen wenden Sie sich bitte an die "
            "Person, die den Stand angemeldet hat, oder an das Veranstaltungsteam."
        ) % {"project": link.project_title}
        return notice_page(request, heading, [message], 409, event=event)
    return link, listing


def exhibitor_page(
    request: Request,
    gateway: Gateway,
    token: str,
    link: ExhibitorLink,
    listing: Listing,
    form: RegistrationForm,
    status_code: int = 200,
) -> HTMLResponse:
    t = i18n.request_translator(request)
    context = {
        "event": EventView.of(listing, gateway.clock(), t),
        "link": link,
        "form": form,
        "action": exhibitor_url(token),
        **registration_fields(t),
    }
    return private_page(request, "exhibitor.html", context, status_code)


@router.get("/markt/team/{token}")
async def exhibitor(
    request: Request, token: str, gateway: GatewayDep, correlation_id: CorrelationId
) -> HTMLResponse:
    """A stand's staff member's registration, the Kommune prefilled."""
    target = await exhibitor_target(request, gateway, token, correlation_id)
    if isinstance(target, HTMLResponse):
        return target
    link, listing = target
    form = RegistrationForm(organisation=link.organisation)
    return exhibitor_page(request, gateway, token, link, listing, form)


@router.post("/markt/team/{token}")
async def register_exhibitor(
    request: Request, token: str, gateway: GatewayDep, correlation_id: CorrelationId
) -> Response:
    """The registration with the personal link, then the status page like any other."""
    target = await exhibitor_target(request, gateway, token, correlation_id)
    if isinstance(target, HTMLResponse):
        return target
    link, listing = target

    async def again(form: RegistrationForm, status_code: int) -> HTMLResponse:
        return exhibitor_page(request, gateway, token, link, listing, form, status_code)

    return await take_registration(
        request, gateway, listing, correlation_id, again, exhibitor_token=token
    )
