"""The Markt der guten Ideen at the desk: the applications for a stand (counts, filters,
pages), one application with its history, the decisions and their refusals, the exports
for the venue; against a fake of the registration service's applications API."""

from __future__ import annotations

import csv
import io
import re
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit
from uuid import UUID

import httpx
import pytest
from openpyxl import load_workbook

from contracts.http.errors import ApiError
from contracts.http.stands import (
    ApplicationDecision,
    ApplicationHistoryEntry,
    ApplicationOrder,
    NewDecision,
    StandApplication,
    StandApplicationPage,
    StandNeed,
)
from contracts.messages import ApplicationState, Locale, StandCall
from gateway.desk.adapters.registration_http import HttpRegistrationDesk
from gateway.desk.domain.stands import ApplicationFilter
from gateway.desk.service_layer.ports import StandsUnavailable
from gateway.service_layer.ports import RegistrationRefused, RegistrationUnavailable

from .conftest import FakeRegistrationDesk
from .test_desk_pages import assert_accessible

RECEIVED_AT = datetime(2026, 2, 2, 8, 30, tzinfo=UTC)  # 09:30 in Berlin
DECIDED_AT = datetime(2026, 2, 9, 16, 15, tzinfo=UTC)  # 17:15 in Berlin
CALL = StandCall(
    opens_at=datetime(2026, 1, 10, 8, 0, tzinfo=UTC),
    closes_at=datetime(2026, 2, 26, 22, 0, tzinfo=UTC),
    stands=24,
    description="Ein Tisch, Strom auf Wunsch.",
)


def refused(status: int, code: str, de: str, en: str) -> RegistrationRefused:
    return RegistrationRefused(status, ApiError(code=code, message_de=de, message_en=en))


class FakeStandDesk(FakeRegistrationDesk):
    """The registration service's organiser API with the applications for stands: it
    filters, counts and pages like the service's query and refuses what the service
    refuses (more accepted than the call has stands, a withdrawn application)."""

    def __init__(self) -> None:
        super().__init__()
        self.applications: list[StandApplication] = []
        self.stands: dict[UUID, int] = {}
        self.decisions: list[tuple[UUID, NewDecision]] = []
        self.application_calls: list[tuple[ApplicationFilter, int, int]] = []
        self.capacity_down = False

    def apply(self, event_id: UUID, **fields: Any) -> StandApplication:
        state = fields.pop("state", ApplicationState.RECEIVED)
        received_at = fields.pop("received_at", RECEIVED_AT)
        values: dict[str, Any] = {
            "application_id": uuid.uuid4(),
            "event_id": event_id,
            "state": state,
            "project_title": "Nachbarschaftsgarten",
            "organisation": "Stadt Ulm",
            "description": "Ein Garten für alle.\n\nMit Beeten für Schulen.",
            "contact_name": "Erika Mustermann",
            "email": "erika@example.org",
            "staff": 2,
            "publish_consent": True,
            "received_at": received_at,
            "revision": 1,
            "history": [ApplicationHistoryEntry(revision=1, state=state, at=received_at)],
            **fields,
        }
        application = StandApplication(**values)
        self.applications.append(application)
        return application

    def _of(self, event_id: UUID) -> list[StandApplication]:
        self._answer()
        return [a for a in self.applications if a.event_id == event_id]

    async def stand_applications(
        self,
        event_id: UUID,
        selection: ApplicationFilter,
        correlation_id: str,
        *,
        limit: int,
        offset: int,
    ) -> StandApplicationPage:
        self.application_calls.append((selection, limit, offset))
        every = self._of(event_id)
        text = selection.text.casefold()
        found = [
            a
            for a in every
            if (
                not text
                or any(
                    text in v.casefold()
                    for v in (a.project_title, a.organisation, a.contact_name, a.email)
                )
            )
            and (not selection.states or a.state in selection.states)
            and (not selection.needs or set(selection.needs) & set(a.needs))
            and (not selection.organisation or a.organisation == selection.organisation)
        ]
        found.sort(
            key=lambda a: (a.received_at, str(a.application_id)),
            reverse=selection.order is ApplicationOrder.NEWEST,
        )
        accepted = [a for a in every if a.state is ApplicationState.ACCEPTED]
        return StandApplicationPage(
            event_id=event_id,
            items=found[offset : offset + limit],
            total=len(found),
            offset=offset,
            limit=limit,
            counts=dict(Counter(a.state for a in every)),
            accepted_needs=dict(Counter(need for a in accepted for need in a.needs)),
            accepted_staff=sum(a.staff for a in accepted),
            organisations=sorted({a.organisation for a in every}),
        )

    async def stand_application(
        self, event_id: UUID, application_id: UUID, correlation_id: str
    ) -> StandApplication | None:
        return next((a for a in self._of(event_id) if a.application_id == application_id), None)

    async def decide_stand_application(
        self, event_id: UUID, application_id: UUID, decision: NewDecision, correlation_id: str
    ) -> StandApplication:
        self._answer()
        if self.capacity_down:
            raise StandsUnavailable()
        current = await self.stand_application(event_id, application_id, correlation_id)
        if current is None:
            raise refused(404, "not_found", "Nicht gefunden", "Not found")
        if current.state is ApplicationState.WITHDRAWN:
            raise refused(409, "withdrawn", "Zurückgezogen", "Withdrawn")
        state = decision.decision.state
        taken = sum(1 for a in self._of(event_id) if a.state is ApplicationState.ACCEPTED)
        accepting = state is ApplicationState.ACCEPTED and current.state is not state
        if accepting and taken >= self.stands.get(event_id, 0):
            raise refused(
                409,
                "stands_full",
                "Alle Stände des Aufrufs sind vergeben",
                "Every stand of the call is taken",
            )
        self.decisions.append((application_id, decision))
        revision = current.revision + 1
        entry = ApplicationHistoryEntry(
            revision=revision, state=state, at=DECIDED_AT, note=decision.note
        )
        newer = current.model_copy(
            update={
                "state": state,
                "revision": revision,
                "note": decision.note,
                "decided_at": DECIDED_AT,
                "history": [*current.history, entry],
            }
        )
        self.applications[self.applications.index(current)] = newer
        return newer


@pytest.fixture
def registration_desk() -> FakeStandDesk:
    return FakeStandDesk()


@pytest.fixture
async def desk_client(client, organiser, log_in):
    assert (await log_in(client)).status_code == 303
    return client


@pytest.fixture
def market(capacity, registration_desk):
    """An event whose Markt calls for 24 stands."""
    event = capacity.add(stand_call=CALL)
    registration_desk.stands[event.event_id] = CALL.stands
    return event


def markt(event_id: UUID) -> str:
    return f"/verwaltung/veranstaltungen/{event_id}/markt"


def row_titles(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="[^"]+/markt/[^"]+">([^<]+)</a></th>', html)


def fact(html: str, term: str) -> str:
    found = re.search(rf"<dt>{re.escape(term)}</dt><dd>(.*?)</dd>", html, re.S)
    assert found, f"no {term!r} on the page"
    return found.group(1)


async def decide(client, event_id, application_id, **data):
    """Send the application page's decision form."""
    url = f"{markt(event_id)}/{application_id}"
    page = await client.get(url)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token, "the application page has no form"
    return await client.post(f"{url}/entscheidung", data={**data, "csrf_token": token.group(1)})


# --- the list ----------------------------------------------------------------------------


async def test_the_event_page_links_to_the_markt_only_when_it_calls_for_stands(
    desk_client, capacity, market
):
    without = capacity.add()

    with_call = await desk_client.get(f"/verwaltung/veranstaltungen/{market.event_id}")
    no_call = await desk_client.get(f"/verwaltung/veranstaltungen/{without.event_id}")

    assert f'href="{markt(market.event_id)}"' in with_call.text
    assert "Aufruf für 24 Stände." in with_call.text
    assert "/markt" not in no_call.text


async def test_the_list_counts_the_states_the_stands_given_and_the_staff_seats(
    desk_client, registration_desk, market
):
    for n in range(3):
        registration_desk.apply(
            market.event_id,
            state=ApplicationState.ACCEPTED,
            project_title=f"Angenommen {n}",
            received_at=RECEIVED_AT + timedelta(minutes=n),
            staff=n + 1,
            needs=(StandNeed.TABLE, StandNeed.POWER) if n else (StandNeed.TABLE,),
        )
    later = RECEIVED_AT + timedelta(hours=1)
    registration_desk.apply(
        market.event_id, state=ApplicationState.WAITLISTED, staff=3, received_at=later
    )
    registration_desk.apply(
        market.event_id, project_title="Neu", needs=(StandNeed.SCREEN,), received_at=later
    )
    registration_desk.apply(market.event_id, state=ApplicationState.WITHDRAWN, received_at=later)

    page = await desk_client.get(markt(market.event_id))

    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    assert fact(page.text, "Stände") == "3 von 24 Ständen vergeben"
    assert fact(page.text, "Plätze für das Standpersonal") == "6"
    assert fact(page.text, "Eingegangen") == "1"
    assert fact(page.text, "Angenommen") == "3"
    assert fact(page.text, "Warteliste") == "1"
    assert fact(page.text, "Abgelehnt") == "0"
    assert fact(page.text, "Zurückgezogen") == "1"
    # what the accepted stands need, not what the others asked for
    assert re.search(r'<th scope="row">Tisch</th><td>3</td>', page.text)
    assert re.search(r'<th scope="row">Strom</th><td>2</td>', page.text)
    assert re.search(r'<th scope="row">Bildschirm</th><td>0</td>', page.text)
    assert "Bewerbungen 1–6 von 6, die ältesten zuerst" in page.text
    assert row_titles(page.text)[:3] == ["Angenommen 0", "Angenommen 1", "Angenommen 2"]
    assert f'href="{markt(market.event_id)}.csv"' in page.text
    assert f'href="{markt(market.event_id)}.xlsx"' in page.text
    assert_accessible(page.text)


async def test_an_event_without_a_call_says_so(desk_client, capacity):
    event = capacity.add()

    page = await desk_client.get(markt(event.event_id))

    assert fact(page.text, "Stände") == "Kein Aufruf für Stände"
    assert "Noch keine Bewerbungen." in page.text


async def test_filters_go_to_the_service_and_stay_in_the_form(
    desk_client, registration_desk, market
):
    registration_desk.apply(
        market.event_id, project_title="Repair-Café", organisation="Gemeinde Au"
    )
    registration_desk.apply(
        market.event_id,
        project_title="Lesepaten",
        organisation="Stadt Ulm",
        needs=(StandNeed.POWER,),
        state=ApplicationState.WAITLISTED,
    )
    registration_desk.apply(
        market.event_id,
        project_title="Quartiersbus",
        organisation="Stadt Ulm",
        needs=(StandNeed.TABLE,),
        state=ApplicationState.DECLINED,
    )

    page = await desk_client.get(
        markt(market.event_id),
        params=[
            ("status", "waitlisted"),
            ("status", "declined"),
            ("status", "unbekannt"),
            ("bedarf", "power"),
            ("kommune", "Stadt Ulm"),
            ("suche", "  lese  "),
        ],
    )

    assert row_titles(page.text) == ["Lesepaten"]
    selection, limit, offset = registration_desk.application_calls[-1]
    assert selection.states == (ApplicationState.WAITLISTED, ApplicationState.DECLINED)
    assert selection.needs == (StandNeed.POWER,)
    assert (selection.organisation, selection.text) == ("Stadt Ulm", "lese")
    assert (limit, offset) == (50, 0)
    assert 'id="filter-status-waitlisted" name="status" value="waitlisted" checked' in page.text
    assert 'id="filter-status-declined" name="status" value="declined" checked' in page.text
    assert 'id="filter-status-received" name="status" value="received">' in page.text
    assert 'id="filter-bedarf-power" name="bedarf" value="power" checked' in page.text
    # every Kommune that applied is a choice, the chosen one selected
    assert '<option value="Gemeinde Au">Gemeinde Au</option>' in page.text
    assert '<option value="Stadt Ulm" selected>Stadt Ulm</option>' in page.text
    assert 'value="lese"' in page.text
    assert "Warteliste (1)" in page.text  # the counts stay the whole event's
    assert "Suche und Filter zurücksetzen" in page.text
    assert_accessible(page.text)


async def test_nothing_found_says_so(desk_client, registration_desk, market):
    registration_desk.apply(market.event_id)

    page = await desk_client.get(markt(market.event_id), params={"suche": "gibtsnicht"})

    assert "Keine Bewerbung passt zu Suche und Filter." in page.text
    assert row_titles(page.text) == []


async def test_hundreds_are_paged_by_the_service_with_the_filter_kept(
    desk_client, registration_desk, market
):
    for n in range(1, 121):
        registration_desk.apply(
            market.event_id,
            project_title=f"Projekt {n:03d}",
            received_at=RECEIVED_AT + timedelta(minutes=n),
        )

    first = await desk_client.get(markt(market.event_id), params={"status": "received"})
    last = await desk_client.get(
        markt(market.event_id), params={"status": "received", "seite": "3"}
    )
    newest = await desk_client.get(markt(market.event_id), params={"reihenfolge": "newest"})

    assert len(row_titles(first.text)) == 50
    assert row_titles(first.text)[0] == "Projekt 001"
    assert "Bewerbungen 1–50 von 120, die ältesten zuerst" in first.text
    nav = re.search(r'<nav class="pagination" aria-label="([^"]+)">(.*?)</nav>', first.text, re.S)
    assert nav and nav.group(1) == "Seiten der Bewerbungsliste"
    links = re.findall(r'href="([^"]+)"', nav.group(2))
    assert all(parse_qs(urlsplit(link).query)["status"] == ["received"] for link in links)
    assert any("seite=3" in link for link in links)
    assert row_titles(last.text) == [f"Projekt {n:03d}" for n in range(101, 121)]
    assert "Bewerbungen 101–120 von 120" in last.text
    assert registration_desk.application_calls[1][1:] == (50, 100)
    assert row_titles(newest.text)[0] == "Projekt 120"
    assert "die neuesten zuerst" in newest.text


async def test_the_list_needs_a_login(client, market):
    answer = await client.get(markt(market.event_id))

    assert answer.status_code == 303
    location = urlsplit(answer.headers["location"])
    assert location.path == "/verwaltung/anmelden"
    assert parse_qs(location.query)["weiter"] == [markt(market.event_id)]


async def test_the_list_says_when_the_registration_service_is_down(
    desk_client, registration_desk, market
):
    registration_desk.failure = RegistrationUnavailable("down")

    page = await desk_client.get(markt(market.event_id))

    assert page.status_code == 503
    assert "Der Anmeldedienst (registration) ist gerade nicht erreichbar" in page.text


# --- one application ---------------------------------------------------------------------


async def test_an_application_shows_what_was_sent_and_its_history(
    desk_client, registration_desk, market
):
    application = registration_desk.apply(
        market.event_id,
        state=ApplicationState.WAITLISTED,
        needs=(StandNeed.TABLE, StandNeed.OTHER),
        needs_other="Zwei Stühle",
        publish_consent=False,
        locale=Locale.EN,
        decided_at=DECIDED_AT,
        history=[
            ApplicationHistoryEntry(revision=1, state=ApplicationState.RECEIVED, at=RECEIVED_AT),
            ApplicationHistoryEntry(
                revision=2,
                state=ApplicationState.WAITLISTED,
                at=DECIDED_AT,
                note="Wir melden uns, sobald ein Stand frei wird.",
            ),
        ],
    )

    page = await desk_client.get(f"{markt(market.event_id)}/{application.application_id}")

    assert page.status_code == 200
    assert "<h1>Nachbarschaftsgarten</h1>" in page.text
    assert fact(page.text, "Status") == "Warteliste"
    assert fact(page.text, "Kommune oder Organisation") == "Stadt Ulm"
    assert fact(page.text, "Kontaktperson") == "Erika Mustermann"
    assert "mailto:erika@example.org" in page.text
    assert fact(page.text, "Standpersonal") == "2 Personen"
    assert fact(page.text, "Bedarf") == "Tisch; Weiterer Bedarf: Zwei Stühle"
    assert fact(page.text, "Veröffentlichung erlaubt").startswith("nein")
    assert fact(page.text, "Sprache der E-Mails") == "Englisch"
    assert "<p>Ein Garten für alle.</p>" in page.text
    assert "<p>Mit Beeten für Schulen.</p>" in page.text
    history = page.text.split('id="verlauf"', 1)[1].split("</table>", 1)[0]
    assert re.search(r"Eingegangen</th>\s*<td>Mo\., 02\.02\.2026, 09:30 Uhr</td>", history)
    assert re.search(r"Warteliste</th>\s*<td>Mo\., 09\.02\.2026, 17:15 Uhr</td>", history)
    assert "Wir melden uns, sobald ein Stand frei wird." in history
    assert f'action="{markt(market.event_id)}/{application.application_id}/entscheidung"' in (
        page.text
    )
    for value in ("accept", "waitlist", "decline"):
        assert f'<input type="radio" id="decision-{value}" name="decision" value="{value}">' in (
            page.text
        )
    assert '<textarea id="note" name="note"' in page.text
    assert "Entscheidung speichern" in page.text
    assert_accessible(page.text)


async def test_a_withdrawn_application_has_no_decision_form(desk_client, registration_desk, market):
    application = registration_desk.apply(market.event_id, state=ApplicationState.WITHDRAWN)

    page = await desk_client.get(f"{markt(market.event_id)}/{application.application_id}")

    assert "Darüber lässt sich nichts mehr entscheiden." in page.text
    assert 'name="decision"' not in page.text


@pytest.mark.parametrize("application_id", [str(uuid.uuid4()), "keine-nummer"])
async def test_an_unknown_application_is_a_404(desk_client, market, application_id):
    page = await desk_client.get(f"{markt(market.event_id)}/{application_id}")

    assert page.status_code == 404
    assert "Bewerbung nicht gefunden" in page.text


async def test_the_application_page_in_english(desk_client, registration_desk, market):
    application = registration_desk.apply(market.event_id, needs=(StandNeed.PIN_BOARD,))
    desk_client.cookies.set("lang", "en")

    page = await desk_client.get(f"{markt(market.event_id)}/{application.application_id}")
    listed = await desk_client.get(markt(market.event_id))

    assert fact(page.text, "Status") == "Received"
    assert fact(page.text, "Need") == "Pin board"
    assert "Put on the waiting list" in page.text
    assert "Save decision" in page.text
    assert fact(listed.text, "Stands") == "0 of 24 stands given"
    assert "Applications 1–1 of 1, oldest first" in listed.text


# --- deciding ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("decision", "state", "notice"),
    [
        ("accept", ApplicationState.ACCEPTED, "Die Bewerbung ist angenommen."),
        ("waitlist", ApplicationState.WAITLISTED, "Die Bewerbung steht auf der Warteliste."),
        ("decline", ApplicationState.DECLINED, "Die Bewerbung ist abgelehnt."),
    ],
)
async def test_each_decision_is_sent_with_its_note_and_shown_after_a_redirect(
    desk_client, registration_desk, market, decision, state, notice
):
    application = registration_desk.apply(market.event_id)
    url = f"{markt(market.event_id)}/{application.application_id}"

    answer = await decide(
        desk_client,
        market.event_id,
        application.application_id,
        decision=decision,
        note="  Wir freuen uns auf Sie!  ",
    )

    assert answer.status_code == 303
    hinweis = parse_qs(urlsplit(answer.headers["location"]).query)["hinweis"]
    assert urlsplit(answer.headers["location"]).path == url
    ((decided_id, sent),) = registration_desk.decisions
    assert decided_id == application.application_id
    assert sent == NewDecision(
        decision=ApplicationDecision(decision), note="Wir freuen uns auf Sie!"
    )
    page = await desk_client.get(answer.headers["location"])
    assert notice in page.text
    assert hinweis
    assert (
        fact(page.text, "Status")
        == {
            ApplicationState.ACCEPTED: "Angenommen",
            ApplicationState.WAITLISTED: "Warteliste",
            ApplicationState.DECLINED: "Abgelehnt",
        }[state]
    )
    assert "Wir freuen uns auf Sie!" in page.text.split('id="verlauf"', 1)[1]


async def test_all_stands_taken_is_refused_clearly_and_the_note_stays(
    desk_client, capacity, registration_desk
):
    event = capacity.add(stand_call=CALL.model_copy(update={"stands": 2}))
    registration_desk.stands[event.event_id] = 2
    for _ in range(2):
        registration_desk.apply(event.event_id, state=ApplicationState.ACCEPTED)
    application = registration_desk.apply(event.event_id)

    answer = await decide(
        desk_client,
        event.event_id,
        application.application_id,
        decision="accept",
        note="Herzlich willkommen & bis bald",
    )

    assert answer.status_code == 409
    assert (
        "Alle 2 Stände sind vergeben – lehnen Sie eine andere Bewerbung ab oder setzen Sie "
        "diese auf die Warteliste." in answer.text
    )
    assert 'role="alert"' in answer.text
    assert ">Herzlich willkommen &amp; bis bald</textarea>" in answer.text
    assert 'id="decision-accept" name="decision" value="accept" checked' in answer.text
    assert registration_desk.decisions == []
    assert_accessible(answer.text)


async def test_all_stands_taken_in_english(desk_client, capacity, registration_desk):
    event = capacity.add(stand_call=CALL.model_copy(update={"stands": 1}))
    registration_desk.stands[event.event_id] = 1
    registration_desk.apply(event.event_id, state=ApplicationState.ACCEPTED)
    application = registration_desk.apply(event.event_id)
    desk_client.cookies.set("lang", "en")

    answer = await decide(
        desk_client, event.event_id, application.application_id, decision="accept", note="Hi"
    )

    assert answer.status_code == 409
    assert (
        "The stand is taken (1 of 1) – decline another application or put this one on the "
        "waiting list." in answer.text
    )
    assert ">Hi</textarea>" in answer.text


async def test_a_withdrawn_application_cannot_be_decided(desk_client, registration_desk, market):
    application = registration_desk.apply(market.event_id)
    page = await desk_client.get(f"{markt(market.event_id)}/{application.application_id}")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    # the applicant withdraws while the page is open
    index = registration_desk.applications.index(application)
    registration_desk.applications[index] = application.model_copy(
        update={"state": ApplicationState.WITHDRAWN}
    )

    answer = await desk_client.post(
        f"{markt(market.event_id)}/{application.application_id}/entscheidung",
        data={"decision": "decline", "note": "Schade", "csrf_token": token},
    )

    assert answer.status_code == 409
    assert "Die Bewerbung ist inzwischen zurückgezogen worden." in answer.text
    assert fact(answer.text, "Status") == "Zurückgezogen"
    assert registration_desk.decisions == []


async def test_capacity_down_is_said_and_the_note_stays(desk_client, registration_desk, market):
    application = registration_desk.apply(market.event_id)
    registration_desk.capacity_down = True

    answer = await decide(
        desk_client, market.event_id, application.application_id, decision="accept", note="Ja!"
    )

    assert answer.status_code == 503
    assert "Die Platzverwaltung (capacity), die die Stände zählt, ist gerade nicht" in answer.text
    assert "Es wurde nichts entschieden" in answer.text
    assert ">Ja!</textarea>" in answer.text


async def test_no_decision_chosen_or_a_note_too_long_is_asked_again(
    desk_client, registration_desk, market
):
    application = registration_desk.apply(market.event_id)

    none_chosen = await decide(
        desk_client, market.event_id, application.application_id, note="Bitte melden"
    )
    too_long = await decide(
        desk_client, market.event_id, application.application_id, decision="accept", note="x" * 2001
    )

    assert none_chosen.status_code == too_long.status_code == 422
    assert (
        '<a href="#decision">Bitte wählen Sie: annehmen, auf die Warteliste setzen oder '
        "ablehnen.</a>" in none_chosen.text
    )
    assert ">Bitte melden</textarea>" in none_chosen.text
    assert '<a href="#note">Höchstens 2000 Zeichen.</a>' in too_long.text
    assert registration_desk.decisions == []


async def test_a_decision_needs_the_csrf_token(desk_client, registration_desk, market):
    application = registration_desk.apply(market.event_id)

    answer = await desk_client.post(
        f"{markt(market.event_id)}/{application.application_id}/entscheidung",
        data={"decision": "accept", "note": ""},
    )

    assert answer.status_code == 403
    assert registration_desk.decisions == []


async def test_a_decision_needs_a_login(client, registration_desk, market, csrf):
    application = registration_desk.apply(market.event_id)

    answer = await client.post(
        f"{markt(market.event_id)}/{application.application_id}/entscheidung",
        data={"decision": "accept", "csrf_token": csrf},
    )

    assert answer.status_code == 303
    assert urlsplit(answer.headers["location"]).path == "/verwaltung/anmelden"
    assert registration_desk.decisions == []


# --- exports for the venue ---------------------------------------------------------------


@pytest.fixture
def applied(registration_desk, market):
    """Three accepted stands, one waitlisted, one declined (its needs not counted)."""
    desk = registration_desk
    desk.apply(
        market.event_id,
        state=ApplicationState.ACCEPTED,
        project_title="=Garten",
        staff=3,
        needs=(StandNeed.TABLE, StandNeed.POWER),
        received_at=RECEIVED_AT,
    )
    desk.apply(
        market.event_id,
        state=ApplicationState.ACCEPTED,
        project_title="Lesepaten",
        organisation="Gemeinde Au",
        staff=1,
        needs=(StandNeed.TABLE, StandNeed.OTHER),
        needs_other="Zwei Stühle",
        publish_consent=False,
        received_at=RECEIVED_AT + timedelta(hours=1),
    )
    desk.apply(
        market.event_id,
        state=ApplicationState.ACCEPTED,
        project_title="Quartiersbus",
        staff=2,
        needs=(StandNeed.SCREEN,),
        received_at=RECEIVED_AT + timedelta(hours=2),
    )
    desk.apply(
        market.event_id,
        state=ApplicationState.WAITLISTED,
        project_title="Repair-Café",
        needs=(StandNeed.POWER,),
        received_at=RECEIVED_AT + timedelta(hours=3),
    )
    desk.apply(
        market.event_id,
        state=ApplicationState.DECLINED,
        project_title="Werbung",
        needs=(StandNeed.POWER, StandNeed.SCREEN),
        received_at=RECEIVED_AT + timedelta(hours=4),
    )
    return market


HEADINGS = [
    "Status",
    "Projekt",
    "Kommune oder Organisation",
    "Kontaktperson",
    "E-Mail",
    "Standpersonal",
    "Tisch",
    "Strom",
    "Stellwand",
    "Bildschirm",
    "Weiterer Bedarf",
    "Veröffentlichung erlaubt",
    "Eingegangen am",
]


async def test_the_csv_has_a_row_per_application_and_the_accepted_needs_summed(
    desk_client, applied
):
    answer = await desk_client.get(f"{markt(applied.event_id)}.csv")

    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert f'filename="markt-{applied.event_id}.csv"' in answer.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == HEADINGS
    assert rows[1] == [
        "Angenommen",
        "'=Garten",
        "Stadt Ulm",
        "Erika Mustermann",
        "erika@example.org",
        "3",
        "ja",
        "ja",
        "",
        "",
        "",
        "ja",
        "02.02.2026, 09:30",
    ]
    assert rows[2][1] == "Lesepaten"
    assert rows[2][10:12] == ["Zwei Stühle", "nein"]
    assert [row[0] for row in rows[4:6]] == ["Warteliste", "Abgelehnt"]
    assert rows[6] == []
    # three stands, six staff, tables 2, power 1, pin boards 0, screens 1, other 1
    assert rows[7] == [
        "Angenommen, zusammen",
        "3",
        "",
        "",
        "",
        "6",
        "2",
        "1",
        "0",
        "1",
        "1",
        "",
        "",
    ]
    assert len(rows) == 8


async def test_the_xlsx_has_the_applications_and_a_sheet_of_the_accepted_needs(
    desk_client, applied
):
    answer = await desk_client.get(f"{markt(applied.event_id)}.xlsx")

    assert answer.status_code == 200
    workbook = load_workbook(io.BytesIO(answer.content))
    assert workbook.sheetnames == ["Bewerbungen", "Angenommene Stände"]
    listed = [[cell.value for cell in row] for row in workbook["Bewerbungen"].iter_rows()]
    assert listed[0] == HEADINGS
    assert [row[1] for row in listed[1:]] == [
        "'=Garten",
        "Lesepaten",
        "Quartiersbus",
        "Repair-Café",
        "Werbung",
    ]
    assert listed[1][5] == 3
    summed = {
        row[0].value: row[1].value for row in workbook["Angenommene Stände"].iter_rows(min_row=2)
    }
    assert summed == {
        "Stände": 3,
        "Standpersonal": 6,
        "Tisch": 2,
        "Strom": 1,
        "Stellwand": 0,
        "Bildschirm": 1,
        "Weiterer Bedarf": 1,
    }


async def test_the_exports_in_english(desk_client, applied):
    desk_client.cookies.set("lang", "en")

    answer = await desk_client.get(f"{markt(applied.event_id)}.xlsx")

    workbook = load_workbook(io.BytesIO(answer.content))
    assert workbook.sheetnames == ["Applications", "Accepted stands"]
    headings = [cell.value for cell in workbook["Applications"][1]]
    assert headings[:3] == ["Status", "Project", "Municipality or organisation"]
    assert workbook["Applications"]["A2"].value == "Accepted"


async def test_the_exports_of_more_than_a_batch_ask_page_by_page(
    desk_client, registration_desk, market
):
    for n in range(501):
        registration_desk.apply(
            market.event_id,
            project_title=f"Projekt {n}",
            received_at=RECEIVED_AT + timedelta(minutes=n),
        )

    answer = await desk_client.get(f"{markt(market.event_id)}.csv")

    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 1 + 501 + 2
    assert [call[1:] for call in registration_desk.application_calls] == [(500, 0), (500, 500)]


async def test_the_exports_need_a_login(client, applied):
    for suffix in (".csv", ".xlsx"):
        answer = await client.get(f"{markt(applied.event_id)}{suffix}")
        assert answer.status_code == 303
        assert urlsplit(answer.headers["location"]).path == "/verwaltung/anmelden"


# --- the adapter -------------------------------------------------------------------------

EVENT_ID = uuid.uuid4()
APPLICATION_ID = uuid.uuid4()
APPLICATION = {
    "application_id": str(APPLICATION_ID),
    "event_id": str(EVENT_ID),
    "state": "received",
    "project_title": "Garten",
    "organisation": "Stadt Ulm",
    "description": "Ein Garten",
    "contact_name": "Erika",
    "email": "erika@example.org",
    "staff": 1,
    "publish_consent": True,
    "received_at": "2026-02-02T08:30:00Z",
    "revision": 1,
}


def adapter(handler) -> HttpRegistrationDesk:
    return HttpRegistrationDesk(
        httpx.AsyncClient(transport=httpx.MockTransport(handler), base_url="http://svc")
    )


def error(status: int, code: str) -> httpx.Response:
    return httpx.Response(status, json={"code": code, "message_de": "de", "message_en": "en"})


async def test_the_adapter_asks_for_a_page_with_every_filter():
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(
            200, json={"event_id": str(EVENT_ID), "items": [APPLICATION], "total": 1}
        )

    selection = ApplicationFilter(
        text="Garten",
        states=(ApplicationState.RECEIVED, ApplicationState.WAITLISTED),
        needs=(StandNeed.POWER,),
        organisation="Stadt Ulm",
        order=ApplicationOrder.NEWEST,
    )
    page = await adapter(handler).stand_applications(
        EVENT_ID, selection, "corr", limit=50, offset=100
    )

    assert page.items[0].application_id == APPLICATION_ID
    (request,) = seen
    assert request.url.path == f"/events/{EVENT_ID}/stand-applications"
    assert parse_qs(request.url.query.decode()) == {
        "limit": ["50"],
        "offset": ["100"],
        "order": ["newest"],
        "q": ["Garten"],
        "state": ["received", "waitlisted"],
        "need": ["power"],
        "organisation": ["Stadt Ulm"],
    }


async def test_the_adapter_reads_not_found_refusals_and_capacity_down():
    assert (
        await adapter(lambda r: error(404, "not_found")).stand_application(
            EVENT_ID, APPLICATION_ID, "c"
        )
        is None
    )
    with pytest.raises(RegistrationRefused):
        await adapter(lambda r: httpx.Response(404)).stand_application(
            EVENT_ID, APPLICATION_ID, "c"
        )

    decision = NewDecision(decision=ApplicationDecision.ACCEPT, note="Hallo")
    sent: list[httpx.Request] = []

    def accepted(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={**APPLICATION, "state": "accepted", "revision": 2})

    decided = await adapter(accepted).decide_stand_application(
        EVENT_ID, APPLICATION_ID, decision, "corr"
    )
    assert decided.state is ApplicationState.ACCEPTED
    assert sent[0].url.path == f"/events/{EVENT_ID}/stand-applications/{APPLICATION_ID}/decision"
    assert sent[0].headers["x-correlation-id"] == "corr"
    assert NewDecision.model_validate_json(sent[0].content) == decision


def failing(answer: httpx.Response | Exception):
    def handler(request: httpx.Request) -> httpx.Response:
        if isinstance(answer, Exception):
            raise answer
        return answer

    return handler


@pytest.mark.parametrize(
    ("answer", "raised"),
    [
        (error(409, "stands_full"), RegistrationRefused),
        (error(409, "withdrawn"), RegistrationRefused),
        (error(503, "capacity_unavailable"), StandsUnavailable),
        (httpx.Response(503), RegistrationUnavailable),
        (error(500, "capacity_unavailable"), RegistrationUnavailable),
        (httpx.ConnectError("no"), RegistrationUnavailable),
    ],
)
async def test_the_adapter_tells_a_refusal_from_capacity_down_and_from_itself_down(answer, raised):
    decision = NewDecision(decision=ApplicationDecision.ACCEPT, note="Hallo")

    with pytest.raises(raised) as caught:
        await adapter(failing(answer)).decide_stand_application(
            EVENT_ID, APPLICATION_ID, decision, "c"
        )

    if raised is RegistrationRefused:
        assert caught.value.code == answer.json()["code"]
