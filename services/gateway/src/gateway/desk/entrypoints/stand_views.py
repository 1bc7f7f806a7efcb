"""What the Markt's pages and exports show: the applications for a stand in the organiser's
language, the list's filter and counts, an application's history, the venue's sums."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from contracts.http.stands import (
    ApplicationDecision,
    ApplicationOrder,
    StandApplication,
    StandApplicationPage,
    StandNeed,
)
from contracts.messages import ApplicationState, EventSnapshot
from gateway.desk.domain.stands import STATE_ORDER, ApplicationFilter
from gateway.desk.entrypoints.views import Option, event_url, language_label, page_links, stamp
from gateway.domain import labels

Cell = str | int | None
NAMED_NEEDS = tuple(need for need in StandNeed if need is not StandNeed.OTHER)
"""The needs an export gives a column each; "other" is the column of what was written."""


def stands_url(event_id: UUID) -> str:
    """The Markt's list of applications in the desk."""
    return f"{event_url(event_id)}/markt"


def application_url(event_id: UUID, application_id: UUID) -> str:
    return f"{stands_url(event_id)}/{application_id}"


def state_label(state: ApplicationState, t: labels.Translator) -> str:
    return {
        ApplicationState.RECEIVED: t.gettext("Eingegangen"),
        ApplicationState.ACCEPTED: t.gettext("Angenommen"),
        ApplicationState.WAITLISTED: t.gettext("Warteliste"),
        ApplicationState.DECLINED: t.gettext("Abgelehnt"),
        ApplicationState.WITHDRAWN: t.gettext("Zurückgezogen"),
    }[state]


def stand_need_label(need: StandNeed, t: labels.Translator) -> str:
    return {
        StandNeed.TABLE: t.gettext("Tisch"),
        StandNeed.POWER: t.gettext("Strom"),
        StandNeed.PIN_BOARD: t.gettext("Stellwand"),
        StandNeed.SCREEN: t.gettext("Bildschirm"),
        StandNeed.OTHER: t.gettext("Weiterer Bedarf"),
    }[need]


def decision_label(decision: ApplicationDecision, t: labels.Translator) -> str:
    return {
        ApplicationDecision.ACCEPT: t.gettext("Annehmen"),
        ApplicationDecision.WAITLIST: t.gettext("Auf die Warteliste nehmen"),
        ApplicationDecision.DECLINE: t.gettext("Ablehnen"),
    }[decision]


def yes_no(value: bool, t: labels.Translator) -> str:
    return t.gettext("ja") if value else t.gettext("nein")


def stand_needs_text(application: StandApplication, t: labels.Translator) -> str:
    """What the stand needs, in one line; what was written under "other" with it."""
    named = [stand_need_label(need, t) for need in NAMED_NEEDS if need in application.needs]
    if application.needs_other:
        named.append(t.gettext("Weiterer Bedarf: %(text)s") % {"text": application.needs_other})
    elif StandNeed.OTHER in application.needs:
        named.append(stand_need_label(StandNeed.OTHER, t))
    return "; ".join(named)


@dataclass(frozen=True)
class ApplicationRow:
    """An application as the list shows it."""

    application: StandApplication
    url: str
    state: str
    needs: str
    received: str

    @classmethod
    def of(cls, application: StandApplication, t: labels.Translator) -> ApplicationRow:
        return cls(
            application=application,
            url=application_url(application.event_id, application.application_id),
            state=state_label(application.state, t),
            needs=stand_needs_text(application, t),
            received=stamp(application.received_at, t),
        )


@dataclass(frozen=True)
class HistoryLine:
    state: str
    at: str
    note: str


@dataclass(frozen=True)
class ApplicationView:
    """One application with everything the applicant sent and what happened to it."""

    row: ApplicationRow
    language: str
    received: str
    decided: str | None
    history: list[HistoryLine]

    @property
    def application(self) -> StandApplication:
        return self.row.application

    @property
    def decidable(self) -> bool:
        return self.application.state is not ApplicationState.WITHDRAWN

    @classmethod
    def of(cls, application: StandApplication, t: labels.Translator) -> ApplicationView:
        decided = application.decided_at
        return cls(
            row=ApplicationRow.of(application, t),
            language=language_label(application.locale, t),
            received=labels.moment(application.received_at, t.locale),
            decided=labels.moment(decided, t.locale) if decided else None,
            history=[
                HistoryLine(
                    state_label(entry.state, t), labels.moment(entry.at, t.locale), entry.note
                )
                for entry in sorted(application.history, key=lambda entry: entry.revision)
            ],
        )


def decision_options(chosen: str, t: labels.Translator) -> list[Option]:
    return [
        Option(decision.value, decision_label(decision, t), decision.value == chosen)
        for decision in ApplicationDecision
    ]


def stands_given(event: EventSnapshot, accepted: int, t: labels.Translator) -> str | None:
    """ "12 von 24 Ständen vergeben"; None without a call for stands."""
    if event.stand_call is None:
        return None
    stands = event.stand_call.stands
    return t.ngettext(
        "%(num)d von %(stands)d Stand vergeben",
        "%(num)d von %(stands)d Ständen vergeben",
        stands,
    ) % {"num": accepted, "stands": stands}


def need_sums(page: StandApplicationPage, t: labels.Translator) -> list[tuple[str, int]]:
    """How many accepted stands need what, every kind of need."""
    return [(stand_need_label(need, t), page.accepted_needs.get(need, 0)) for need in StandNeed]


def application_list(
    event: EventSnapshot,
    page: StandApplicationPage,
    selection: ApplicationFilter,
    t: labels.Translator,
) -> dict[str, Any]:
    """The Markt's list: one page of rows, its caption, the counts, the filter's choices and
    the page links."""
    url = stands_url(event.event_id)

    def link(number: int) -> str:
        query = urlencode(selection.params(number))
        return f"{url}?{query}#bewerbungen" if query else f"{url}#bewerbungen"

    accepted = page.counts.get(ApplicationState.ACCEPTED, 0)
    last = selection.last_page(page.total)
    if page.total == 0:
        caption = (
            t.gettext("Keine Bewerbung passt zu Suche und Filter.")
            if selection.filtered
            else t.gettext("Noch keine Bewerbungen.")
        )
    elif not page.items:
        caption = t.gettext(
            "Auf dieser Seite ist keine Bewerbung mehr: Es gibt %(last)d Seiten."
        ) % {"last": last}
    else:
        order = {
            ApplicationOrder.OLDEST: t.gettext(
                "Bewerbungen %(first)d–%(to)d von %(num)d, die ältesten zuerst"
            ),
            ApplicationOrder.NEWEST: t.gettext(
                "Bewerbungen %(first)d–%(to)d von %(num)d, die neuesten zuerst"
            ),
        }[selection.order]
        caption = order % {
            "first": page.offset + 1,
            "to": page.offset + len(page.items),
            "num": page.total,
        }
    organisations = [Option("", t.gettext("Alle"), not selection.organisation)] + [
        Option(name, name, name == selection.organisation) for name in page.organisations
    ]
    orders = [
        Option(order.value, label, order is selection.order)
        for order, label in (
            (ApplicationOrder.OLDEST, t.gettext("Die ältesten zuerst")),
            (ApplicationOrder.NEWEST, t.gettext("Die neuesten zuerst")),
        )
    ]
    return {
        "page": page,
        "selection": selection,
        "url": url,
        "stands_given": stands_given(event, accepted, t),
        "counts": [(state_label(state, t), page.counts.get(state, 0)) for state in STATE_ORDER],
        "need_sums": need_sums(page, t),
        "state_options": [
            Option(
                state.value,
                f"{state_label(state, t)} ({page.counts.get(state, 0)})",
                state in selection.states,
            )
            for state in STATE_ORDER
        ],
        "need_options": [
            Option(need.value, stand_need_label(need, t), need in selection.needs)
            for need in StandNeed
        ],
        "organisation_options": organisations,
        "order_options": orders,
        "rows": [ApplicationRow.of(application, t) for application in page.items],
        "caption": caption,
        "reset_url": f"{url}#bewerbungen",
        **page_links(selection.page, last, link),
    }


def export_headings(t: labels.Translator) -> list[str]:
    """The columns of the Markt's exports, in ``export_cells`` order."""
    return [
        t.gettext("Status"),
        t.gettext("Projekt"),
        t.gettext("Kommune oder Organisation"),
        t.gettext("Kontaktperson"),
        t.gettext("E-Mail"),
        t.gettext("Standpersonal"),
        *(stand_need_label(need, t) for need in NAMED_NEEDS),
        stand_need_label(StandNeed.OTHER, t),
        t.gettext("Veröffentlichung erlaubt"),
        t.gettext("Eingegangen am"),
    ]


def export_cells(application: StandApplication, t: labels.Translator) -> list[Cell]:
    """An application's row: each named need "ja" or empty, what else it needs as written."""
    other = application.needs_other or (
        yes_no(True, t) if StandNeed.OTHER in application.needs else ""
    )
    return [
        state_label(application.state, t),
        application.project_title,
        application.organisation,
        application.contact_name,
        application.email,
        application.staff,
        *(yes_no(True, t) if need in application.needs else "" for need in NAMED_NEEDS),
        other,
        yes_no(application.publish_consent, t),
        stamp(application.received_at, t),
    ]


def summary_cells(page: StandApplicationPage, t: labels.Translator) -> list[Cell]:
    """Under the rows: the accepted stands, their staff and needs summed, column by column."""
    return [
        t.gettext("Angenommen, zusammen"),
        page.counts.get(ApplicationState.ACCEPTED, 0),
        None,
        None,
        None,
        page.accepted_staff,
        *(page.accepted_needs.get(need, 0) for need in NAMED_NEEDS),
        page.accepted_needs.get(StandNeed.OTHER, 0),
        None,
        None,
    ]


def summary_headings(t: labels.Translator) -> list[str]:
    return [t.gettext("Angenommene Stände"), t.gettext("Anzahl")]


def summary_rows(page: StandApplicationPage, t: labels.Translator) -> list[list[Cell]]:
    """The venue's sheet: how many stands are accepted, their staff, what they need."""
    rows: list[list[Cell]] = [
        [t.gettext("Stände"), page.counts.get(ApplicationState.ACCEPTED, 0)],
        [t.gettext("Standpersonal"), page.accepted_staff],
    ]
    return rows + [[label, count] for label, count in need_sums(page, t)]
