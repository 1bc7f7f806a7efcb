"""The public site: German and English, server-rendered, usable without JavaScript."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar
from urllib.parse import urlsplit
from uuid import UUID

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from markupsafe import Markup
from starlette.datastructures import FormData

from contracts.http.errors import Problem
from contracts.http.registration import RegistrationState, RegistrationStatus
from contracts.messages import EventKind, Locale, SessionPlace, SlotSnapshot
from gateway.bootstrap import Gateway
from gateway.domain import labels
from gateway.domain.commands import (
    CancelRegistration,
    ChangeChoices,
    OpenCancelLink,
    RegisterAttendee,
    SendFeedback,
    ShowPlaces,
    ShowRegistration,
    ShowStands,
)
from gateway.domain.model import Listing
from gateway.domain.programme import (
    choice_fields,
    choice_slots,
    choices_open,
    places_key,
    prefilled,
    still_moving,
    validate_ranking,
)
from gateway.domain.registration import live
from gateway.domain.validation import InvalidInput, validate_attendee, validate_feedback
from gateway.service_layer import handlers
from gateway.service_layer.ports import (
    CancelLinkExpired,
    CancelLinkUnusable,
    RegistrationRefused,
    RegistrationUnavailable,
)
from gateway.site.views import (
    ChallengeState,
    ChoicesForm,
    EventView,
    FeedbackForm,
    RegistrationForm,
    StandView,
    kind_options,
    need_options,
    place_views,
    render,
    role_options,
)
from gateway.web import i18n
from gateway.web.dependencies import (
    CorrelationId,
    GatewayDep,
    find_listing,
    get_correlation_id,
    idempotency_key,
    parse_uuid,
)
from gateway.web.security import (
    ChallengeRequired,
    admission_of,
    client_address,
    verify_csrf,
)

T = TypeVar("T")


def site_router() -> APIRouter:
    """A router of the public site's pages: HTML, left out of the API's OpenAPI document,
    every form CSRF-checked."""
    return APIRouter(
        include_in_schema=False,
        default_response_class=HTMLResponse,
        dependencies=[Depends(verify_csrf)],
    )


router = site_router()

NO_STORE = {"Cache-Control": "no-store"}
LANGUAGE_COOKIE_SECONDS = 365 * 24 * 3600
# A text input people never see (``_fields.html``); bots that fill every field fill it too.
HONEYPOT = "website"
# The hidden field the form's check (``static/pow.js``) puts the solved challenge in
# (ALTCHA's name for it).
SOLUTION_FIELD = "altcha"
# How often the status page asks for news (milliseconds): a decision takes seconds, a
# waiting-list place moves when someone else cancels.
# A confirmed registration waiting for a better-ranked session moves as slowly.
POLL_INTERVAL_MS = {
    RegistrationStatus.PENDING: 1000,
    RegistrationStatus.WAITLISTED: 10000,
    RegistrationStatus.CONFIRMED: 10000,
}
# The registration form's fields in the order they stand on the page (the error summary's
# order); the ranked choices of the programme come after the role.
FIELDS_BEFORE_CHOICES = ("name", "email", "organisation", "role")
FIELDS_AFTER_CHOICES = (
    "accessibility_needs",
    "accessibility_other",
    "health_data_consent",
    "privacy_consent",
)


def in_language(locale: Locale, german: str, english: str) -> str:
    """One of the two texts another service sent along, for ``locale``."""
    return english if locale is Locale.EN else german


def not_saved_notice(t: labels.Translator) -> str:
    return t.gettext(
        "Ihre Angaben konnten nicht verarbeitet werden. Bitte laden Sie die Seite neu und "
        "versuchen Sie es noch einmal."
    )


def text(data: FormData, name: str) -> str:
    value = data.get(name)
    return value if isinstance(value, str) else ""


def typed_choices(data: FormData, slots: list[SlotSnapshot]) -> dict[str, str]:
    """The ranked selects as sent (field name → session id)."""
    return {name: text(data, name) for name in choice_fields(slots)}


def in_form_order(problems: list[Problem], slots: list[SlotSnapshot]) -> list[Problem]:
    order = [*FIELDS_BEFORE_CHOICES, *choice_fields(slots), *FIELDS_AFTER_CHOICES]
    return sorted(problems, key=lambda p: order.index(p.field) if p.field in order else len(order))


def listing_or_404(request: Request, gateway: Gateway, event_id: str) -> Listing:
    listing = find_listing(gateway, event_id)
    if listing is None:
        t = i18n.request_translator(request)
        raise HTTPException(status_code=404, detail=t.gettext("Veranstaltung nicht gefunden"))
    return listing


def registration_fields(t: labels.Translator) -> dict[str, Any]:
    """What the registration form's fields (``_registration_form.html``) show besides the
    form: the roles, the accessibility needs, the honeypot's name."""
    return {"roles": role_options(t), "needs": need_options(t), "honeypot_field": HONEYPOT}


async def shown_stands(
    request: Request, gateway: Gateway, listing: Listing
) -> list[StandView] | None:
    """The accepted stands the event page lists under its call for stands (``None``: the
    event has no call, or the list cannot be had now)."""
    if listing.snapshot.stand_call is None or listing.cancelled:
        return None
    query = ShowStands(listing.event_id, await get_correlation_id(request))
    found = await handlers.public_stands(
        query, gateway.stands, gateway.stand_lists, gateway.clock()
    )
    return None if found is None else [StandView.of(stand) for stand in found]


async def event_page(
    request: Request,
    gateway: Gateway,
    listing: Listing,
    form: RegistrationForm,
    status_code: int = 200,
) -> HTMLResponse:
    t = i18n.request_translator(request)
    event = EventView.of(listing, gateway.clock(), t)
    context = {
        "event": event,
        "form": form,
        "stands": await shown_stands(request, gateway, listing),
        **registration_fields(t),
    }
    return render(request, "event.html", context, status_code, canonical_path=event.url)


@router.get("/")
async def events(
    request: Request,
    gateway: GatewayDep,
    kind_filter: Annotated[str, Query(alias="art")] = "",
    city_filter: Annotated[str, Query(alias="ort")] = "",
) -> HTMLResponse:
    """Upcoming events, filtered by kind (``?art=``) and city (``?ort=``); an unknown value
    filters nothing."""
    t = i18n.request_translator(request)
    now = gateway.clock()
    cities = gateway.catalog.cities(now)
    kind = EventKind(kind_filter) if kind_filter in {k.value for k in EventKind} else None
    city = city_filter if city_filter in cities else None
    listings = gateway.catalog.upcoming(now, kind=kind, city=city)
    context = {
        "events": [EventView.of(listing, now, t) for listing in listings],
        "kinds": kind_options(t),
        "cities": cities,
        "kind": kind.value if kind else "",
        "city": city or "",
        "filtered": kind is not None or city is not None,
    }
    return render(request, "events.html", context, canonical_path="/")


@router.get("/veranstaltungen/{event_id}")
async def event(request: Request, event_id: str, gateway: GatewayDep) -> HTMLResponse:
    listing = listing_or_404(request, gateway, event_id)
    return await event_page(request, gateway, listing, RegistrationForm())


@router.post("/veranstaltungen/{event_id}/anmeldung")
async def register(
    request: Request, event_id: str, gateway: GatewayDep, correlation_id: CorrelationId
) -> Response:
    listing = listing_or_404(request, gateway, event_id)

    async def again(form: RegistrationForm, status_code: int) -> HTMLResponse:
        return await event_page(request, gateway, listing, form, status_code)

    return await take_registration(request, gateway, listing, correlation_id, again)


ShowForm = Callable[[RegistrationForm, int], Awaitable[HTMLResponse]]
"""The page a registration form came from, again with what was typed and the status."""


def registration_form(data: FormData, slots: list[SlotSnapshot]) -> RegistrationForm:
    """The registration form as typed."""
    return RegistrationForm(
        name=text(data, "name"),
        email=text(data, "email"),
        organisation=text(data, "organisation"),
        role=text(data, "role"),
        accessibility_needs=tuple(
            value for value in data.getlist("accessibility_needs") if isinstance(value, str)
        ),
        accessibility_other=text(data, "accessibility_other"),
        health_data_consent=bool(text(data, "health_data_consent")),
        privacy_consent=bool(text(data, "privacy_consent")),
        idempotency_key=idempotency_key(text(data, "idempotency_key")),
        choices=typed_choices(data, slots),
        altcha=text(data, SOLUTION_FIELD),
    )


def admitted(
    request: Request, event_id: UUID, email: str, form: ChallengeState
) -> ChallengeRequired | None:
    """Whether the form may go on (``None``) or, beyond the client address's budget, the
    challenge to answer it with (``challenged``)."""
    try:
        admission_of(request).admit(
            client_address(request), str(event_id), email, form.altcha or None
        )
    except ChallengeRequired as exc:
        return exc
    return None


C = TypeVar("C", bound=ChallengeState)


def with_challenge(form: C, required: ChallengeRequired) -> C:
    """The form again, every value kept, with the challenge to solve before it goes on."""
    return form.with_challenge(
        required.challenge.to_json(), required.retry_after, required.solution_refused
    )


def challenged(response: HTMLResponse, required: ChallengeRequired) -> HTMLResponse:
    """Not 429: nothing is refused, the form asks for one more step (and keeps every value)."""
    response.headers["Retry-After"] = str(required.retry_after)
    return response


def registration_unavailable_notice(t: labels.Translator) -> str:
    return t.gettext(
        "Die Anmeldung ist gerade nicht erreichbar. Ihre Angaben wurden nicht gespeichert – "
        "bitte versuchen Sie es in einigen Minuten erneut."
    )


async def take_registration(
    request: Request,
    gateway: Gateway,
    listing: Listing,
    correlation_id: str,
    again: ShowForm,
    exhibitor_token: str | None = None,
) -> Response:
    """A registration form sent for ``listing``: checked, admitted (the budget, else the
    challenge), passed on, then 303 to the status page; else ``again`` with what was typed
    and why not.  ``exhibitor_token``: a stand's staff member's personal link."""
    locale = i18n.request_locale(request)
    t = i18n.request_translator(request)
    data = await request.form()
    slots = choice_slots(listing.snapshot)
    form = registration_form(data, slots)
    if text(data, HONEYPOT):
        return await again(form.with_notice(not_saved_notice(t)), 400)
    problems: list[Problem] = []
    try:
        attendee = validate_attendee(
            name=form.name,
            email=form.email,
            organisation=form.organisation,
            privacy_consent=form.privacy_consent,
            role=form.role,
            accessibility_needs=form.accessibility_needs,
            accessibility_other=form.accessibility_other,
            health_data_consent=form.health_data_consent,
            locale=locale.value,
        )
    except InvalidInput as exc:
        problems += exc.problems
    try:
        ranking = validate_ranking(slots, form.choices)
    except InvalidInput as exc:
        problems += exc.problems
    if problems:
        return await again(form.with_problems(in_form_order(problems, slots), locale), 422)
    required = admitted(request, listing.event_id, attendee.email, form)
    if required is not None:
        return challenged(await again(with_challenge(form, required), 428), required)
    command = RegisterAttendee(
        listing.event_id,
        attendee,
        form.idempotency_key,
        correlation_id,
        choices=ranking,
        exhibitor_token=exhibitor_token,
    )
    try:
        registered = await handlers.register(command, gateway.registrations)
    except RegistrationUnavailable:
        return await again(form.with_notice(registration_unavailable_notice(t)), 503)
    except RegistrationRefused as exc:
        return await again(form.with_refusal(exc.error, locale), exc.status_code)
    return RedirectResponse(f"/anmeldung/{registered.submission.registration_id}", status_code=303)


async def lookup(
    gateway: Gateway, registration_id: str, correlation_id: str
) -> RegistrationState | None:
    parsed = parse_uuid(registration_id)
    if parsed is None:
        return None
    return await handlers.registration_state(
        ShowRegistration(parsed, correlation_id), gateway.registrations
    )


@router.get("/anmeldung/{registration_id}")
async def registration(
    request: Request, registration_id: str, gateway: GatewayDep, correlation_id: CorrelationId
) -> HTMLResponse:
    t = i18n.request_translator(request)
    try:
        state = await lookup(gateway, registration_id, correlation_id)
    except (RegistrationUnavailable, RegistrationRefused):
        message = t.gettext(
            "Der Stand Ihrer Anmeldung kann gerade nicht abgerufen werden. Ihre Anmeldung ist "
            "davon nicht betroffen – bitte versuchen Sie es in einigen Minuten erneut."
        )
        unavailable = {"registration_id": registration_id, "message": message}
        return render(request, "registration_unavailable.html", unavailable, 503)
    if state is None:
        raise HTTPException(status_code=404, detail=t.gettext("Anmeldung nicht gefunden"))
    event = event_of(gateway, state, t)
    programme = await programme_of(gateway, state, correlation_id)
    watching = live(state) or programme.moving
    context: dict[str, Any] = {
        "state": state,
        "live": watching,
        "poll_interval": POLL_INTERVAL_MS.get(state.status, 1000),
        "headline": labels.status_headline(state, t),
        "explanation": labels.status_explanation(state, t),
        "cancel_hint": labels.cancel_hint(state, t),
        "event": event,
        "places": place_views(event.programme, programme.places, t)
        if event and programme.places is not None
        else None,
        "programme": programme,
    }
    response = render(request, "registration.html", context)
    response.headers.update(NO_STORE)
    return response


def event_of(gateway: Gateway, state: RegistrationState, t: labels.Translator) -> EventView | None:
    listing = gateway.catalog.get(state.event_id)
    return EventView.of(listing, gateway.clock(), t) if listing else None


@dataclass(frozen=True)
class Programme:
    """What the status page shows of a registration's places in the programme.

    ``asked``: the event has choice slots and the registration holds a seat, so capacity was
    asked; ``places``: its answer (``None``: capacity could not tell, the page shows the
    day's status alone)."""

    asked: bool = False
    places: list[SessionPlace] | None = None

    @property
    def key(self) -> str:
        return places_key(self.places)

    @property
    def moving(self) -> bool:
        return self.asked and still_moving(self.places)


async def programme_of(
    gateway: Gateway, state: RegistrationState, correlation_id: str
) -> Programme:
    listing = gateway.catalog.get(state.event_id)
    if (
        listing is None
        or not choice_slots(listing.snapshot)
        or state.status is not RegistrationStatus.CONFIRMED
    ):
        return Programme()
    query = ShowPlaces(state.event_id, state.registration_id, correlation_id)
    return Programme(True, await handlers.programme_places(query, gateway.places))


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
    body: dict[str, Any] = {
        "registration_id": str(state.registration_id),
        "status": state.status.value,
        "waitlist_position": state.waitlist_position,
        "cancel_reason": state.cancel_reason,
    }
    programme = await programme_of(gateway, state, correlation_id)
    if programme.asked:
        places = programme.places
        body["sessions"] = None if places is None else [p.model_dump(mode="json") for p in places]
        body["sessions_key"] = programme.key
    return JSONResponse(body, headers=NO_STORE)


def private_page(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    """A page behind a cancel link: never cached, never indexed (the link is the key)."""
    response = render(request, template, context, status_code)
    response.headers.update(NO_STORE)
    return response


def link_problem(request: Request, exc: CancelLinkUnusable) -> HTMLResponse:
    t = i18n.request_translator(request)
    expired = isinstance(exc, CancelLinkExpired)
    context = {
        "heading": t.gettext("Abmeldelink abgelaufen")
        if expired
        else t.gettext("Abmeldelink ungültig"),
        "message": in_language(t.locale, exc.message_de, exc.message_en),
        "kind": "expired" if expired else "invalid",
        "token": None,
    }
    return private_page(request, "cancellation_problem.html", context, 410 if expired else 404)


def cancellation_unavailable(request: Request, token: str, message: str) -> HTMLResponse:
    t = i18n.request_translator(request)
    context = {
        "heading": t.gettext("Stornierung gerade nicht möglich"),
        "message": message,
        "kind": "unavailable",
        "token": token,
    }
    return private_page(request, "cancellation_problem.html", context, 503)


def cancellation_refused(request: Request, exc: RegistrationRefused) -> HTMLResponse:
    t = i18n.request_translator(request)
    context = {
        "heading": t.gettext("Stornierung nicht möglich"),
        "message": exc.error.message(t.locale.value),
        "kind": "refused",
        "token": None,
    }
    return private_page(request, "cancellation_problem.html", context, exc.status_code)


async def by_link(
    request: Request, token: str, call: Awaitable[T], unavailable: str
) -> T | HTMLResponse:
    """What a cancel link's call answers, or the page that says why it could not be done
    (``unavailable`` when the registration service cannot be reached)."""
    try:
        return await call
    except CancelLinkUnusable as exc:
        return link_problem(request, exc)
    except RegistrationUnavailable:
        return cancellation_unavailable(request, token, unavailable)
    except RegistrationRefused as exc:
        return cancellation_refused(request, exc)


@router.get("/abmeldung/{token}")
async def cancellation(
    request: Request, token: str, gateway: GatewayDep, correlation_id: CorrelationId
) -> HTMLResponse:
    """Ask whether to cancel the registration a mail's cancel link is for."""
    t = i18n.request_translator(request)
    state = await by_link(
        request,
        token,
        handlers.cancellation_target(OpenCancelLink(token, correlation_id), gateway.registrations),
        t.gettext(
            "Ihre Anmeldung kann gerade nicht abgerufen werden. Es wurde nichts geändert – "
            "bitte versuchen Sie es in einigen Minuten erneut."
        ),
    )
    if isinstance(state, HTMLResponse):
        return state
    context: dict[str, Any] = {
        "state": state,
        "token": token,
        "headline": labels.status_headline(state, t),
        "explanation": labels.status_explanation(state, t),
        "event": event_of(gateway, state, t),
        "choices_closed": choices_closed(gateway, state, t),
    }
    return private_page(request, "cancellation.html", context)


@router.post("/abmeldung/{token}")
async def cancel(
    request: Request, token: str, gateway: GatewayDep, correlation_id: CorrelationId
) -> HTMLResponse:
    """Cancel; a second time (reload, double click) says it was cancelled already."""
    t = i18n.request_translator(request)
    cancelled = await by_link(
        request,
        token,
        handlers.cancel(CancelRegistration(token, correlation_id), gateway.registrations),
        t.gettext(
            "Die Stornierung ist gerade nicht möglich, weil die Anmeldung nicht erreichbar ist. "
            "Es wurde nichts geändert, Ihre Anmeldung besteht weiter – bitte versuchen Sie es "
            "in einigen Minuten erneut."
        ),
    )
    if isinstance(cancelled, HTMLResponse):
        return cancelled
    context: dict[str, Any] = {
        "cancellation": cancelled,
        "headline": labels.cancellation_headline(cancelled, t),
        "explanation": labels.cancellation_explanation(cancelled, t),
        "event": event_of(gateway, cancelled, t),
    }
    return private_page(request, "cancelled.html", context)


def choices_closed(gateway: Gateway, state: RegistrationState, t: labels.Translator) -> str | None:
    """Why the ranking of the sessions can no longer be changed; ``None`` while it can."""
    listing = gateway.catalog.get(state.event_id)
    if listing is None or not choice_slots(listing.snapshot):
        return t.gettext("Für diese Veranstaltung gibt es keine Foren zur Wahl.")
    if not state.active:
        return t.gettext(
            "Ihre Anmeldung ist storniert oder wurde nicht angenommen. Ihre Wahl der Foren "
            "lässt sich deshalb nicht mehr ändern."
        )
    event = listing.snapshot
    if listing.cancelled:
        return t.gettext("Die Veranstaltung wurde abgesagt.")
    if not choices_open(event, gateway.clock()) and event.choice_deadline is not None:
        return t.gettext(
            "Die Wahl der Foren ist seit %(deadline)s geschlossen. Es gilt Ihre bisherige "
            "Wahl; die Plätze, die Sie haben, zeigt der Stand Ihrer Anmeldung."
        ) % {"deadline": labels.moment(event.choice_deadline, t.locale)}
    return None


def choices_page(
    request: Request,
    gateway: Gateway,
    token: str,
    state: RegistrationState,
    form: ChoicesForm,
    status_code: int = 200,
) -> HTMLResponse:
    t = i18n.request_translator(request)
    closed = choices_closed(gateway, state, t)
    context: dict[str, Any] = {
        "state": state,
        "token": token,
        "event": event_of(gateway, state, t),
        "form": form,
        "closed": closed,
    }
    return private_page(request, "choices.html", context, status_code)


def choices_unavailable_text(t: labels.Translator) -> str:
    return t.gettext(
        "Ihre Wahl kann gerade nicht geändert werden, weil die Anmeldung nicht erreichbar ist. "
        "Es wurde nichts geändert – bitte versuchen Sie es in einigen Minuten erneut."
    )


def slots_of(gateway: Gateway, state: RegistrationState) -> list[SlotSnapshot]:
    """The choice slots of the registration's event (none while the catalog lacks it)."""
    listing = gateway.catalog.get(state.event_id)
    return choice_slots(listing.snapshot) if listing else []


async def by_choice_link(request: Request, token: str, call: Awaitable[T]) -> T | HTMLResponse:
    """``by_link`` for the change of choice: its own words when registration is down."""
    t = i18n.request_translator(request)
    return await by_link(request, token, call, choices_unavailable_text(t))


@router.get("/wahl/{token}")
async def choices(
    request: Request, token: str, gateway: GatewayDep, correlation_id: CorrelationId
) -> HTMLResponse:
    """The ranking of the sessions behind the mail's link, prefilled, to change it (until
    the event's choice deadline)."""
    query = OpenCancelLink(token, correlation_id)
    target = await by_choice_link(
        request, token, handlers.choice_target(query, gateway.registrations)
    )
    if isinstance(target, HTMLResponse):
        return target
    state, ranking = target
    form = ChoicesForm(choices=prefilled(slots_of(gateway, state), ranking))
    return choices_page(request, gateway, token, state, form)


@router.post("/wahl/{token}")
async def change_choices(
    request: Request, token: str, gateway: GatewayDep, correlation_id: CorrelationId
) -> Response:
    """Pass the new ranking on, then to the status page, which shows the places."""
    locale = i18n.request_locale(request)
    t = i18n.request_translator(request)
    query = OpenCancelLink(token, correlation_id)
    state = await by_choice_link(
        request, token, handlers.cancellation_target(query, gateway.registrations)
    )
    if isinstance(state, HTMLResponse):
        return state
    slots = slots_of(gateway, state)
    form = ChoicesForm(choices=typed_choices(await request.form(), slots))
    if choices_closed(gateway, state, t) is not None:
        return choices_page(request, gateway, token, state, form, 409)
    try:
        ranking = validate_ranking(slots, form.choices)
    except InvalidInput as exc:
        return choices_page(
            request, gateway, token, state, form.with_problems(exc.problems, locale), 422
        )
    command = ChangeChoices(token, ranking, correlation_id)
    try:
        await handlers.change_choices(command, gateway.registrations)
    except CancelLinkUnusable as exc:
        return link_problem(request, exc)
    except RegistrationUnavailable:
        unavailable = form.with_notice(choices_unavailable_text(t))
        return choices_page(request, gateway, token, state, unavailable, 503)
    except RegistrationRefused as exc:
        refused = form.with_refusal(exc.error, locale)
        return choices_page(request, gateway, token, state, refused, exc.status_code)
    return RedirectResponse(f"/anmeldung/{state.registration_id}", status_code=303)


@router.get(i18n.SWITCH_PATH + "/{code}")
async def switch_language(
    request: Request, code: str, back_to: Annotated[str, Query(alias="zurueck")] = "/"
) -> Response:
    """Remember the chosen language (a year) and go back to the page it was chosen on."""
    if code not in {locale.value for locale in Locale}:
        raise HTTPException(status_code=404)
    response = RedirectResponse(i18n.local_path(back_to), status_code=303)
    response.set_cookie(
        i18n.LOCALE_COOKIE,
        code,
        max_age=LANGUAGE_COOKIE_SECONDS,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return response


def legal_content(gateway: Gateway, page: str, locale: Locale) -> Markup:
    """The operator's HTML fragment for ``page`` (trusted content), German if there is no
    translation."""
    directory = gateway.settings.content_dir
    path = directory / f"{page}.{locale.value}.html"
    if not path.is_file():
        path = directory / f"{page}.{Locale.DE.value}.html"
    return Markup(path.read_text(encoding="utf-8"))  # noqa: S704 - the operator's own HTML


def legal_page(
    request: Request, gateway: Gateway, page: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    content = legal_content(gateway, page, i18n.request_locale(request))
    return render(
        request,
        f"{page}.html",
        {"content": content, **context},
        status_code,
        canonical_path=f"/{page}",
    )


@router.get("/datenschutz")
async def privacy(request: Request, gateway: GatewayDep) -> HTMLResponse:
    return legal_page(request, gateway, "datenschutz", {})


@router.get("/impressum")
async def imprint(request: Request, gateway: GatewayDep) -> HTMLResponse:
    return legal_page(request, gateway, "impressum", {})


def referring_page(request: Request) -> str:
    """The path of the page the visitor came from, when it is one of ours."""
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc != request.url.netloc or referer.path == "/barrierefreiheit":
        return ""
    return i18n.local_path(referer.path) if referer.path else ""


def accessibility_page(
    request: Request, gateway: Gateway, form: FeedbackForm, status_code: int = 200
) -> HTMLResponse:
    context = {"form": form, "honeypot_field": HONEYPOT}
    return legal_page(request, gateway, "barrierefreiheit", context, status_code)


@router.get("/barrierefreiheit")
async def accessibility(request: Request, gateway: GatewayDep) -> HTMLResponse:
    return accessibility_page(request, gateway, FeedbackForm(page=referring_page(request)))


@router.post("/barrierefreiheit/rueckmeldung")
async def accessibility_feedback(
    request: Request, gateway: GatewayDep, correlation_id: CorrelationId
) -> Response:
    """Feedback on barriers: to the registration service, then a thank-you page."""
    locale = i18n.request_locale(request)
    t = i18n.request_translator(request)
    data = await request.form()
    form = FeedbackForm(
        message=text(data, "message"),
        name=text(data, "name"),
        email=text(data, "email"),
        page=text(data, "page"),
    )
    if text(data, HONEYPOT):
        return accessibility_page(request, gateway, form.with_notice(not_saved_notice(t)), 400)
    try:
        feedback = validate_feedback(
            message=form.message, name=form.name, email=form.email, page=form.page, locale=locale
        )
    except InvalidInput as exc:
        return accessibility_page(request, gateway, form.with_problems(exc.problems, locale), 422)
    try:
        await handlers.send_feedback(SendFeedback(feedback, correlation_id), gateway.registrations)
    except RegistrationUnavailable:
        notice = t.gettext(
            "Ihre Rückmeldung kann gerade nicht übermittelt werden und wurde nicht gespeichert. "
            "Ihr Text steht noch im Formular – bitte versuchen Sie es in einigen Minuten erneut."
        )
        return accessibility_page(request, gateway, form.with_notice(notice), 503)
    except RegistrationRefused as exc:
        refused = form.with_refusal(exc.error, locale)
        return accessibility_page(request, gateway, refused, exc.status_code)
    return RedirectResponse("/barrierefreiheit/danke", status_code=303)


@router.get("/barrierefreiheit/danke")
async def accessibility_thanks(request: Request) -> HTMLResponse:
    return render(request, "feedback_sent.html", {})
