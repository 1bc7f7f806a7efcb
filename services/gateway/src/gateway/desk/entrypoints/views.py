"""What the desk's templates show: events, registrations and forms in the organiser's
language, and how desk pages are answered (never cached, never indexed)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Self
from urllib.parse import urlencode
from uuid import UUID

from babel.dates import format_datetime
from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse

from contracts.attendees import AccessibilityNeed, AttendeeRole
from contracts.http.registration import Participant, ParticipantPage, RegistrationStatus
from contracts.messages import (
    CloseReason,
    EventSnapshot,
    EventStatus,
    Locale,
    SessionSnapshot,
    SlotSnapshot,
)
from gateway.desk.domain.model import PARTICIPANT_GROUPS, ParticipantFilter, page_numbers
from gateway.desk.domain.programme import RosterEntry, SessionRoster
from gateway.desk.service_layer.handlers import counts_seen
from gateway.domain import labels
from gateway.web import i18n
from gateway.web.rendering import FormState, Pages

DESK = "/verwaltung"
DESK_PAGES = Pages(Path(__file__).resolve().parent.parent / "templates")
LOGIN_PATH = f"{DESK}/anmelden"
PRIVATE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow"}
# Registration times in the table and the exports: short, and sortable by eye.
REGISTERED_PATTERNS = {Locale.DE: "dd.MM.yyyy, HH:mm", Locale.EN: "yyyy-MM-dd, HH:mm"}


def stamp(moment: datetime, t: labels.Translator) -> str:
    """When something arrived, in the tables and exports: Berlin time, short, sortable by eye."""
    return format_datetime(
        moment, REGISTERED_PATTERNS[t.locale], tzinfo=labels.BERLIN, locale=t.locale.value
    )


def desk_target(value: str | None) -> str:
    """Where to go after logging in: a desk page on this site, else the overview."""
    path = i18n.local_path(value)
    inside = path == DESK or path.startswith(f"{DESK}/") or path.startswith(f"{DESK}?")
    return path if inside and not path.startswith(LOGIN_PATH) else DESK


def login_url(target: str) -> str:
    return f"{LOGIN_PATH}?{urlencode({'weiter': target})}"


def event_url(event_id: UUID) -> str:
    """An event's page in the desk."""
    return f"{DESK}/veranstaltungen/{event_id}"


def session_url(event_id: UUID, session_id: UUID) -> str:
    """A session's page in the desk: who holds a seat, who waits."""
    return f"{event_url(event_id)}/foren/{session_id}"


@dataclass(frozen=True)
class DeskForm(FormState):
    """A desk form as typed: ``form["title"]`` is what was typed into ``title``."""

    values: Mapping[str, str] = field(default_factory=dict)

    def __getitem__(self, name: str) -> str:
        return self.values.get(name, "")

    def with_error(self, name: str, message: str) -> Self:
        return replace(self, errors={**self.errors, name: message})


def event_status_label(event: EventSnapshot, t: labels.Translator) -> str:
    if event.status is EventStatus.CLOSED:
        return {
            CloseReason.FULL: t.gettext("Geschlossen – ausgebucht"),
            CloseReason.DEADLINE: t.gettext("Geschlossen – Anmeldeschluss erreicht"),
        }.get(event.close_reason or CloseReason.MANUAL, t.gettext("Geschlossen – von Hand"))
    return {
        EventStatus.DRAFT: t.gettext("Entwurf"),
        EventStatus.OPEN: t.gettext("Anmeldung offen"),
        EventStatus.CANCELLED: t.gettext("Abgesagt"),
    }[event.status]


@dataclass(frozen=True)
class DeskEvent:
    """An event as the organisers see it, with the actions its state allows."""

    event: EventSnapshot
    kind_label: str
    period: str
    status_label: str
    deadline: str | None

    @classmethod
    def of(cls, event: EventSnapshot, t: labels.Translator) -> DeskEvent:
        deadline = event.registration_deadline
        return cls(
            event=event,
            kind_label=labels.kind_label(event.kind, t),
            period=labels.period(event.starts_at, event.ends_at, t.locale),
            status_label=event_status_label(event, t),
            deadline=labels.moment(deadline, t.locale) if deadline else None,
        )

    @property
    def event_id(self) -> UUID:
        return self.event.event_id

    @property
    def url(self) -> str:
        return event_url(self.event_id)

    @property
    def is_draft(self) -> bool:
        return self.event.status is EventStatus.DRAFT

    @property
    def is_open(self) -> bool:
        return self.event.status is EventStatus.OPEN

    @property
    def is_closed(self) -> bool:
        return self.event.status is EventStatus.CLOSED

    @property
    def is_cancelled(self) -> bool:
        return self.event.status is EventStatus.CANCELLED


def registration_status_label(participant: Participant, t: labels.Translator) -> str:
    if participant.status is RegistrationStatus.CANCELLED:
        return {
            "attendee": t.gettext("Storniert von der Person selbst"),
            "cancelled_by_organiser": t.gettext("Storniert vom Veranstaltungsteam"),
            "event_cancelled": t.gettext("Storniert, Veranstaltung abgesagt"),
            "stand_released": t.gettext("Storniert, der Stand findet nicht statt"),
        }.get(participant.cancel_reason or "", t.gettext("Storniert"))
    return {
        RegistrationStatus.PENDING: t.gettext("In Bearbeitung"),
        RegistrationStatus.CONFIRMED: t.gettext("Bestätigt"),
        RegistrationStatus.WAITLISTED: t.gettext("Warteliste"),
        RegistrationStatus.REJECTED: t.gettext("Abgelehnt"),
    }[participant.status]


def group_heading(status: RegistrationStatus, count: int, t: labels.Translator) -> str:
    """The caption of one group of the participants table."""
    texts = {
        RegistrationStatus.CONFIRMED: t.ngettext(
            "Bestätigt (%(num)d Person)", "Bestätigt (%(num)d Personen)", count
        ),
        RegistrationStatus.WAITLISTED: t.ngettext(
            "Warteliste (%(num)d Person)", "Warteliste (%(num)d Personen)", count
        ),
        RegistrationStatus.PENDING: t.ngettext(
            "In Bearbeitung (%(num)d Person)", "In Bearbeitung (%(num)d Personen)", count
        ),
        RegistrationStatus.CANCELLED: t.ngettext(
            "Storniert (%(num)d Person)", "Storniert (%(num)d Personen)", count
        ),
        RegistrationStatus.REJECTED: t.ngettext(
            "Abgelehnt (%(num)d Person)", "Abgelehnt (%(num)d Personen)", count
        ),
    }
    return texts[status] % {"num": count}


def desk_need_label(need: AccessibilityNeed, t: labels.Translator) -> str:
    """The site's label, but "other" as a heading rather than a request to describe it."""
    if need is AccessibilityNeed.OTHER:
        return t.gettext("Anderer Bedarf")
    return labels.need_label(need, t)


def needs_text(participant: Participant, t: labels.Translator) -> str:
    named = [
        desk_need_label(need, t)
        for need in participant.accessibility_needs
        if need is not AccessibilityNeed.OTHER
    ]
    if participant.accessibility_other:
        named.append(
            t.gettext("Anderer Bedarf: %(text)s") % {"text": participant.accessibility_other}
        )
    elif AccessibilityNeed.OTHER in participant.accessibility_needs:
        named.append(desk_need_label(AccessibilityNeed.OTHER, t))
    return "; ".join(named)


def language_label(locale: Locale, t: labels.Translator) -> str:
    return {Locale.DE: t.gettext("Deutsch"), Locale.EN: t.gettext("Englisch")}[locale]


@dataclass(frozen=True)
class ParticipantRow:
    """One registration in the organiser's language: the table and the exports show these
    columns in this order."""

    registration_id: UUID
    active: bool
    name: str
    email: str
    organisation: str
    role: str
    status: str
    waitlist_position: int | None
    registered_at: str
    language: str
    accessibility: str

    @classmethod
    def unknown(cls, registration_id: UUID, t: labels.Translator) -> ParticipantRow:
        """A registration capacity lists but the registration service did not (yet)."""
        return cls(
            registration_id=registration_id,
            active=True,
            name=t.gettext("Anmeldung %(id)s (nicht im Anmeldedienst gefunden)")
            % {"id": registration_id},
            email="",
            organisation="",
            role="",
            status="",
            waitlist_position=None,
            registered_at="",
            language="",
            accessibility="",
        )

    @classmethod
    def of(cls, participant: Participant, t: labels.Translator) -> ParticipantRow:
        return cls(
            registration_id=participant.registration_id,
            active=participant.active,
            name=participant.name,
            email=participant.email,
            organisation=participant.organisation,
            role=labels.role_label(participant.role, t),
            status=registration_status_label(participant, t),
            waitlist_position=participant.waitlist_position,
            registered_at=stamp(participant.created_at, t),
            language=language_label(participant.locale, t),
            accessibility=needs_text(participant, t),
        )


def column_headings(t: labels.Translator) -> list[str]:
    """The headings of the participant columns, in ``ParticipantRow`` order."""
    return [
        t.gettext("Name"),
        t.gettext("E-Mail"),
        t.gettext("Organisation"),
        t.gettext("Rolle"),
        t.gettext("Status"),
        t.gettext("Wartelistenplatz"),
        t.gettext("Angemeldet am"),
        t.gettext("Sprache"),
        t.gettext("Barrierefreiheit"),
    ]


def row_cells(row: ParticipantRow) -> list[str | int | None]:
    """A row's values in the order of ``column_headings``."""
    return [
        row.name,
        row.email,
        row.organisation,
        row.role,
        row.status,
        row.waitlist_position,
        row.registered_at,
        row.language,
        row.accessibility,
    ]


@dataclass(frozen=True)
class SessionLine:
    """A session of the programme with its numbers, as the event page lists it."""

    session: SessionSnapshot
    url: str


@dataclass(frozen=True)
class SlotLine:
    slot: SlotSnapshot
    period: str
    sessions: list[SessionLine]


def programme_lines(event: EventSnapshot, t: labels.Translator) -> list[SlotLine]:
    return [
        SlotLine(
            slot,
            labels.period(slot.starts_at, slot.ends_at, t.locale),
            [SessionLine(s, session_url(event.event_id, s.session_id)) for s in slot.sessions],
        )
        for slot in event.programme
    ]


@dataclass(frozen=True)
class RosterRow:
    """A person on a session's list: who, and the place on its waiting list."""

    person: ParticipantRow
    place: int | None

    @classmethod
    def of(cls, entry: RosterEntry, t: labels.Translator) -> RosterRow:
        if entry.participant is None:
            return cls(ParticipantRow.unknown(entry.registration_id, t), entry.place)
        return cls(ParticipantRow.of(entry.participant, t), entry.place)


def roster_rows(
    roster: SessionRoster, t: labels.Translator
) -> tuple[list[RosterRow], list[RosterRow]]:
    """Who holds a seat, and the waiting list in order."""
    return (
        [RosterRow.of(entry, t) for entry in roster.holders],
        [RosterRow.of(entry, t) for entry in roster.waiting],
    )


def session_headings(t: labels.Translator) -> list[str]:
    """The columns of a session's export, in ``session_cells`` order."""
    return [
        t.gettext("Liste"),
        t.gettext("Wartelistenplatz"),
        t.gettext("Name"),
        t.gettext("E-Mail"),
        t.gettext("Organisation"),
        t.gettext("Rolle"),
        t.gettext("Sprache"),
        t.gettext("Barrierefreiheit"),
    ]


def session_cells(roster: SessionRoster, t: labels.Translator) -> list[list[str | int | None]]:
    """A session's export: the holders, then the waiting list with each one's place."""
    holders, waiting = roster_rows(roster, t)
    listed = [(t.gettext("Platz im Forum"), row) for row in holders] + [
        (t.gettext("Warteliste"), row) for row in waiting
    ]
    return [
        [
            which,
            row.place,
            row.person.name,
            row.person.email,
            row.person.organisation,
            row.person.role,
            row.person.language,
            row.person.accessibility,
        ]
        for which, row in listed
    ]


def organiser_context(request: Request) -> dict[str, Any]:
    return {"organiser": getattr(request.state, "organiser", None)}


def desk_page(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    """A page of the desk: personal data on it, so never stored by a cache or indexed."""
    response = DESK_PAGES.render(
        request, f"desk/{template}", {**organiser_context(request), **context}, status_code
    )
    response.headers.update(PRIVATE)
    return response


def fragment(request: Request, template: str, context: dict[str, Any]) -> str:
    """A piece of a desk page as HTML (for the live updates), in the request's language."""
    full = {
        "request": request,
        **i18n.template_context(request),
        **organiser_context(request),
        **context,
    }
    return DESK_PAGES.fragment(f"desk/{template}", full)


def problem_page(request: Request, heading: str, message: str, status_code: int) -> HTMLResponse:
    return desk_page(
        request,
        "problem.html",
        {"heading": heading, "message": message, "status_code": status_code},
        status_code,
    )


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303, headers=PRIVATE)


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    selected: bool


@dataclass(frozen=True)
class PageLink:
    """One entry of the pagination: a page (``number``, its ``url``) or a gap (None)."""

    number: int | None
    url: str = ""
    current: bool = False


def _options(choices: list[tuple[str, str]], chosen: str, everything: str) -> list[Option]:
    return [Option("", everything, not chosen)] + [
        Option(value, label, value == chosen) for value, label in choices
    ]


def participant_list(
    event_id: UUID, page: ParticipantPage | None, selection: ParticipantFilter, t: labels.Translator
) -> dict[str, Any]:
    """The event page's participant list: one page of rows, its caption, the search form's
    choices, the page links, and what the live updates start from."""
    url = event_url(event_id)

    def link(number: int) -> str:
        query = urlencode(selection.params(number))
        return f"{url}?{query}#teilnehmende" if query else f"{url}#teilnehmende"

    counts = page.counts if page else {}
    chosen = selection.status.value if selection.status else ""
    statuses = _options(
        [
            (status.value, group_heading(status, counts.get(status, 0), t))
            for status in PARTICIPANT_GROUPS
        ],
        chosen,
        t.gettext("Alle"),
    )
    roles = _options(
        [(role.value, labels.role_label(role, t)) for role in AttendeeRole],
        selection.role.value if selection.role else "",
        t.gettext("Alle"),
    )
    needs = _options(
        [(need.value, desk_need_label(need, t)) for need in AccessibilityNeed],
        selection.need.value if selection.need else "",
        t.gettext("Alle"),
    )
    context: dict[str, Any] = {
        "page": page,
        "selection": selection,
        "status_options": statuses,
        "role_options": roles,
        "need_options": needs,
        "live_url": f"{url}/stand.json?{urlencode(selection.params())}".rstrip("?"),
        "since": page.latest_at.isoformat() if page and page.latest_at else "",
        "seen": counts_seen(counts),
        "rows": [],
        "pages": [],
        "reset_url": f"{url}#teilnehmende",
    }
    if page is None:
        return context
    last = selection.last_page(page.total)
    first_row = page.offset + 1
    if page.total == 0:
        caption = (
            t.gettext("Keine Anmeldung passt zu Suche und Filter.")
            if selection.filtered
            else t.gettext("Noch keine Anmeldungen.")
        )
    elif not page.items:
        caption = t.gettext("Auf dieser Seite ist niemand mehr: Es gibt %(last)d Seiten.") % {
            "last": last
        }
    else:
        caption = t.gettext("Anmeldungen %(first)d–%(to)d von %(num)d, die neuesten zuerst") % {
            "first": first_row,
            "to": page.offset + len(page.items),
            "num": page.total,
        }
    context |= {
        "rows": [ParticipantRow.of(p, t) for p in page.items],
        "caption": caption,
        **page_links(selection.page, last, link),
    }
    return context


def page_links(current: int, last: int, link: Callable[[int], str]) -> dict[str, Any]:
    """What the pagination shows (``pages``, ``previous_url``, ``next_url``): nothing when
    everything fits on one page."""
    pages = []
    if last > 1:
        pages = [
            PageLink(number, link(number), number == current)
            if number is not None
            else PageLink(None)
            for number in page_numbers(current, last)
        ]
    return {
        "pages": pages,
        "previous_url": link(current - 1) if 1 < current <= last else "",
        "next_url": link(current + 1) if current < last else "",
    }
