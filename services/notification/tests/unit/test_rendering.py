"""The rendered message: texts in de and en, headers, and an .ics calendars can read."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.headerregistry import Address

import icalendar
import pytest

from contracts.messages import (
    Locale,
    RegistrationRejected,
    RejectionReason,
    ReleaseReason,
    SeatConfirmed,
    SeatReleased,
    SessionMoveReason,
    SessionPlace,
    SessionReleaseReason,
    SessionSeatAssigned,
    SessionSeatReleased,
    SessionWait,
    Waitlisted,
)
from notification.adapters.rendering import to_message
from notification.domain.model import EventInfo, compose
from services.notification.tests.events import AFTERNOON, FORUM, MORNING, programme

SENDER = "Quartier Veranstaltungen <veranstaltungen@quartier.example>"
TOKEN = "ImQ5YjQxZDc2Ig.aB3xYw.kT9v-Ls1_qPz0"
CANCEL_URL = f"https://veranstaltungen.quartier.example/abmeldung/{TOKEN}"


@pytest.fixture
def render(world):
    def render(decision, *, locale=Locale.DE, event=None, cancel_token=TOKEN, sequence=0):
        contact = world.known_contact(decision.registration_id, locale, cancel_token)
        if event is None and decision.event_id in world.store.events:
            event = world.store.events[decision.event_id]
        mail = compose(
            decision,
            contact,
            event,
            correlation_id="corr-42",
            public_base_url="https://veranstaltungen.quartier.example/",
            calendar_sequence=sequence,
        )
        return to_message(
            mail,
            sender=SENDER,
            recipient=Address(contact.name, addr_spec=contact.email),
            now=datetime(2026, 2, 1, 12, 1, tzinfo=UTC),
        )

    return render


def test_a_german_confirmation(world, render):
    decision = world.decision(SeatConfirmed)

    message = render(decision)

    assert message["Subject"] == "Anmeldebestätigung: Fachtag Quartiersentwicklung"
    assert message["From"] == SENDER
    assert message["To"].addresses[0].addr_spec == "joerg.mueller@kreis.example"
    assert message["Message-ID"] == f"<{decision.decision_id}@quartier.example>"
    assert message["X-Correlation-ID"] == "corr-42"
    body = message.get_body(("plain",)).get_content()
    assert body.startswith("Guten Tag Dr. Jörg Müller-Lüdenscheidt,\n")
    assert "Wann: Donnerstag, 12. März 2026, 10:00–16:30 Uhr" in body
    assert "Wo:   Altes Rathaus, Potsdam" in body
    assert f"https://veranstaltungen.quartier.example/anmeldung/{decision.registration_id}" in body
    assert "{{" not in body


def test_an_english_confirmation(world, render):
    message = render(world.decision(SeatConfirmed), locale=Locale.EN)

    assert message["Subject"] == "Registration confirmed: Fachtag Quartiersentwicklung"
    body = message.get_body(("plain",)).get_content()
    assert body.startswith("Dear Dr. Jörg Müller-Lüdenscheidt,\n")
    assert "When:  Thursday, 12 March 2026, 10:00–16:30 CET" in body


def body(message):
    return message.get_body(("plain",)).get_content()


def calendar_entry(message):
    [attachment] = list(message.iter_attachments())
    raw = attachment.get_payload(decode=True)
    [entry] = icalendar.Calendar.from_ical(raw).walk("VEVENT")
    return raw, entry


HOSPITALHOF = {"venue": "Hospitalhof", "address": "Büchsenstraße 33", "city": "Stuttgart"}
WHERE = {Locale.DE: "Wo:   ", Locale.EN: "Where: "}
SHOWN_WITH_PLACE = [
    (SeatConfirmed, {}),
    (SeatConfirmed, {"from_waitlist": True}),
    (Waitlisted, {"position": 3}),
    (SeatReleased, {"reason": ReleaseReason.CANCELLED_BY_ATTENDEE}),
    (SeatReleased, {"reason": ReleaseReason.CANCELLED_BY_ORGANISER}),
    (SeatReleased, {"reason": ReleaseReason.EVENT_CANCELLED}),
    (SeatReleased, {"reason": ReleaseReason.STAND_RELEASED}),
]


@pytest.mark.parametrize("locale", [Locale.DE, Locale.EN])
@pytest.mark.parametrize(("decision_type", "fields"), SHOWN_WITH_PLACE)
def test_the_mail_names_the_street_address_of_the_venue(
    world, render, locale, decision_type, fields
):
    event = world.known_event(**HOSPITALHOF)

    text = body(render(world.decision(decision_type, event=event, **fields), locale=locale))

    assert f"\n{WHERE[locale]}Hospitalhof, Büchsenstraße 33, Stuttgart\n" in text


@pytest.mark.parametrize("locale", [Locale.DE, Locale.EN])
@pytest.mark.parametrize(("decision_type", "fields"), SHOWN_WITH_PLACE)
def test_without_an_address_the_mail_names_venue_and_city(
    world, render, locale, decision_type, fields
):
    event = world.known_event(**{**HOSPITALHOF, "address": ""})

    text = body(render(world.decision(decision_type, event=event, **fields), locale=locale))

    [line] = [line for line in text.splitlines() if line.startswith(WHERE[locale])]
    assert line == f"{WHERE[locale]}Hospitalhof, Stuttgart"


def attachments(message):
    return [part.get_filename() for part in message.iter_attachments()]


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        (
            Locale.DE,
            "Falls Sie nicht teilnehmen können, sagen Sie bitte ab, damit jemand von der "
            f"Warteliste\nnachrücken kann:\n{CANCEL_URL}\n",
        ),
        (
            Locale.EN,
            "If you cannot attend, please cancel so that someone from the waiting list can "
            f"take\nyour seat:\n{CANCEL_URL}\n",
        ),
    ],
)
def test_a_confirmation_asks_to_cancel_if_not_coming(world, render, locale, words):
    message = render(world.decision(SeatConfirmed), locale=locale)

    assert words in body(message)
    assert "nachgerückt" not in body(message)
    assert "moved up" not in body(message)


@pytest.mark.parametrize(
    ("locale", "subject", "words", "cancel"),
    [
        (
            Locale.DE,
            "Von der Warteliste nachgerückt: Fachtag Quartiersentwicklung",
            "Sie sind von der Warteliste nachgerückt – Ihr Platz ist bestätigt.",
            "Falls Sie nicht teilnehmen können, sagen Sie bitte ab",
        ),
        (
            Locale.EN,
            "Moved up from the waiting list: Fachtag Quartiersentwicklung",
            "You have moved up from the waiting list – your seat is confirmed.",
            "If you cannot attend, please cancel",
        ),
    ],
)
def test_a_promotion_from_the_waiting_list_says_so(world, render, locale, subject, words, cancel):
    message = render(world.decision(SeatConfirmed, from_waitlist=True), locale=locale)

    assert message["Subject"] == subject
    text = body(message)
    assert words in text
    assert cancel in text
    assert CANCEL_URL in text
    assert attachments(message) == ["termin.ics"]


def test_a_promotion_carries_the_calendar_entry_of_the_seat(world, render):
    decision = world.decision(SeatConfirmed, from_waitlist=True)

    [attachment] = list(render(decision).iter_attachments())

    [entry] = icalendar.Calendar.from_ical(attachment.get_payload(decode=True)).walk("VEVENT")
    assert entry["UID"] == f"{decision.registration_id}@quartier.example"
    assert entry.decoded("DTSTART") == datetime(2026, 3, 12, 9, 0, tzinfo=UTC)
    assert entry["SUMMARY"] == "Fachtag Quartiersentwicklung"


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        (
            Locale.DE,
            "Wenn Sie nicht mehr teilnehmen möchten, können Sie sich hier von der Warteliste\n"
            f"abmelden:\n{CANCEL_URL}\n",
        ),
        (
            Locale.EN,
            "If you no longer wish to attend, you can leave the waiting list here:\n"
            f"{CANCEL_URL}\n",
        ),
    ],
)
def test_a_waiting_list_mail_offers_to_leave_the_list(world, render, locale, words):
    message = render(world.decision(Waitlisted, position=2), locale=locale)

    assert words in body(message)


@pytest.mark.parametrize("decision_type", [SeatConfirmed, Waitlisted])
def test_without_a_cancel_token_the_mail_goes_without_the_link(world, render, decision_type):
    fields = {"position": 1} if decision_type is Waitlisted else {}
    message = render(world.decision(decision_type, **fields), cancel_token=None)

    text = body(message)
    assert "/abmeldung/" not in text
    assert "abmelden" not in text
    assert "sagen Sie bitte ab" not in text
    assert text.endswith(
        "\n\nMit freundlichen Grüßen\nIhr Veranstaltungsteam\n\n--\n"
        "Diese E-Mail wurde automatisch versandt.\n"
    )


def test_the_cancel_token_is_escaped_in_the_link(world, render):
    message = render(world.decision(SeatConfirmed), cancel_token="a/b?c=d e")

    assert "https://veranstaltungen.quartier.example/abmeldung/a%2Fb%3Fc%3Dd%20e\n" in body(message)


@pytest.mark.parametrize(
    ("locale", "was_waitlisted", "subject", "words"),
    [
        (
            Locale.DE,
            False,
            "Abmeldung eingegangen: Fachtag Quartiersentwicklung",
            "Ihr Platz bei „Fachtag Quartiersentwicklung“ ist freigegeben",
        ),
        (
            Locale.DE,
            True,
            "Abmeldung eingegangen: Fachtag Quartiersentwicklung",
            "Sie stehen nicht mehr auf der Warteliste für „Fachtag Quartiersentwicklung“.",
        ),
        (
            Locale.EN,
            False,
            "Cancellation received: Fachtag Quartiersentwicklung",
            'Your seat at "Fachtag Quartiersentwicklung" has been released',
        ),
        (
            Locale.EN,
            True,
            "Cancellation received: Fachtag Quartiersentwicklung",
            'You are no longer on the waiting list for "Fachtag Quartiersentwicklung".',
        ),
    ],
)
def test_a_cancellation_is_confirmed_without_link_or_calendar(
    world, render, locale, was_waitlisted, subject, words
):
    decision = world.decision(
        SeatReleased, reason=ReleaseReason.CANCELLED_BY_ATTENDEE, was_waitlisted=was_waitlisted
    )

    message = render(decision, locale=locale)

    assert message["Subject"] == subject
    text = body(message)
    assert ("Ihre Abmeldung ist eingegangen." if locale is Locale.DE else "received your") in text
    assert words in text
    assert "/abmeldung/" not in text
    assert TOKEN not in text
    assert attachments(message) == []


@pytest.mark.parametrize(
    ("locale", "was_waitlisted", "subject", "words"),
    [
        (
            Locale.DE,
            False,
            "Veranstaltung abgesagt: Fachtag Quartiersentwicklung",
            "Die Veranstaltung „Fachtag Quartiersentwicklung“ wurde abgesagt.\n\n"
            "Ihre Anmeldung ist damit hinfällig",
        ),
        (
            Locale.DE,
            True,
            "Veranstaltung abgesagt: Fachtag Quartiersentwicklung",
            "Die Veranstaltung „Fachtag Quartiersentwicklung“ wurde abgesagt.\n\n"
            "Ihr Platz auf der Warteliste ist damit hinfällig.",
        ),
        (
            Locale.EN,
            False,
            "Event cancelled: Fachtag Quartiersentwicklung",
            'the event "Fachtag Quartiersentwicklung" has been cancelled.\n\n'
            "Your registration has therefore lapsed",
        ),
        (
            Locale.EN,
            True,
            "Event cancelled: Fachtag Quartiersentwicklung",
            'the event "Fachtag Quartiersentwicklung" has been cancelled.\n\n'
            "Your place on the waiting list has therefore lapsed.",
        ),
    ],
)
def test_a_cancelled_event_is_announced_without_link_or_calendar(
    world, render, locale, was_waitlisted, subject, words
):
    decision = world.decision(
        SeatReleased, reason=ReleaseReason.EVENT_CANCELLED, was_waitlisted=was_waitlisted
    )

    message = render(decision, locale=locale)

    assert message["Subject"] == subject
    text = body(message)
    assert words in text
    assert ("Donnerstag, 12. März 2026" if locale is Locale.DE else "Thursday, 12 March") in text
    assert "/abmeldung/" not in text
    assert attachments(message) == []


CONTACT = "Team Quartier, quartier@example.org, 0711 123456"


@pytest.mark.parametrize(
    ("locale", "was_waitlisted", "subject", "words"),
    [
        (
            Locale.DE,
            False,
            "Anmeldung storniert: Fachtag Quartiersentwicklung",
            "Ihre Anmeldung zu „Fachtag Quartiersentwicklung“ wurde vom Veranstaltungsteam "
            "storniert.\n\nIhr Platz ist damit freigegeben; bitte entfernen Sie den Termin aus "
            "Ihrem Kalender.",
        ),
        (
            Locale.DE,
            True,
            "Anmeldung storniert: Fachtag Quartiersentwicklung",
            "Ihre Anmeldung zu „Fachtag Quartiersentwicklung“ wurde vom Veranstaltungsteam "
            "storniert.\n\nSie stehen damit nicht mehr auf der Warteliste.",
        ),
        (
            Locale.EN,
            False,
            "Registration cancelled: Fachtag Quartiersentwicklung",
            'your registration for "Fachtag Quartiersentwicklung" has been cancelled by the '
            "event team.\n\nYour seat has been released; please remove the date from your "
            "calendar.",
        ),
        (
            Locale.EN,
            True,
            "Registration cancelled: Fachtag Quartiersentwicklung",
            'your registration for "Fachtag Quartiersentwicklung" has been cancelled by the '
            "event team.\n\nYou are therefore no longer on the waiting list.",
        ),
    ],
)
def test_an_organiser_cancellation_names_the_team_to_ask_without_link_or_calendar(
    world, render, locale, was_waitlisted, subject, words
):
    event = world.known_event(organiser_contact=CONTACT)
    decision = world.decision(
        SeatReleased,
        event=event,
        reason=ReleaseReason.CANCELLED_BY_ORGANISER,
        was_waitlisted=was_waitlisted,
    )

    message = render(decision, locale=locale)

    assert message["Subject"] == subject
    text = body(message)
    assert words in text
    ask = (
        "Bei Fragen wenden Sie sich bitte an das Veranstaltungsteam:"
        if locale is Locale.DE
        else "If you have any questions, please contact the event team:"
    )
    assert f"{ask}\n{CONTACT}\n" in text
    assert "/abmeldung/" not in text
    assert TOKEN not in text
    assert attachments(message) == []


def test_an_organiser_cancellation_without_a_contact_still_points_to_the_team(world, render):
    decision = world.decision(SeatReleased, reason=ReleaseReason.CANCELLED_BY_ORGANISER)

    text = body(render(decision))

    assert "Bei Fragen wenden Sie sich bitte an das Veranstaltungsteam.\n" in text
    assert "{{" not in text


@pytest.mark.parametrize(
    ("locale", "subject", "line"),
    [
        (Locale.DE, "Warteliste: Fachtag Quartiersentwicklung", "Ihr Platz auf der Warteliste: 4"),
        (
            Locale.EN,
            "Waiting list: Fachtag Quartiersentwicklung",
            "Your place on the waiting list: 4",
        ),
    ],
)
def test_a_waiting_list_mail_tells_the_position(world, render, locale, subject, line):
    message = render(world.decision(Waitlisted, position=4), locale=locale)

    assert message["Subject"] == subject
    assert line in message.get_body(("plain",)).get_content()
    assert list(message.iter_attachments()) == []


@pytest.mark.parametrize(
    ("reason", "words"),
    [
        (RejectionReason.EVENT_FULL, "ausgebucht, und es gibt keine Warteliste"),
        (RejectionReason.EVENT_CLOSED, "bereits geschlossen"),
        (RejectionReason.EVENT_CANCELLED, "wurde leider abgesagt"),
        (RejectionReason.CONTINGENT_FULL, "die Plätze für das Team dieses Stands"),
    ],
)
def test_a_rejection_gives_the_reason(world, render, reason, words):
    message = render(world.decision(RegistrationRejected, reason=reason))

    assert message["Subject"] == "Anmeldung nicht möglich: Fachtag Quartiersentwicklung"
    assert words in body(message)
    assert "/abmeldung/" not in body(message)
    assert list(message.iter_attachments()) == []


def test_a_rejection_for_an_unknown_event_needs_no_event(world, render):
    unknown = EventInfo.from_snapshot(world.snapshot())
    decision = world.decision(
        RegistrationRejected, event=unknown, reason=RejectionReason.UNKNOWN_EVENT
    )

    message = render(decision, locale=Locale.EN)

    assert message["Subject"] == "Registration not possible"
    assert "could not find the event" in message.get_body(("plain",)).get_content()


def test_a_title_cannot_inject_headers(world, render):
    event = world.known_event(title="Fachtag\r\nBcc: alle@example.org")

    message = render(world.decision(SeatConfirmed, event=event))

    assert message["Subject"] == "Anmeldebestätigung: Fachtag Bcc: alle@example.org"
    assert message["Bcc"] is None


def test_the_confirmation_carries_a_calendar_entry(world, render):
    decision = world.decision(SeatConfirmed)

    message = render(decision)

    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_param("method") == "PUBLISH"
    assert attachment.get_content_charset() == "utf-8"
    assert attachment.get_filename() == "termin.ics"
    raw = attachment.get_payload(decode=True)
    assert b"\r\nDTSTART:20260312T090000Z\r\n" in raw
    calendar = icalendar.Calendar.from_ical(raw)
    assert calendar["METHOD"] == "PUBLISH"
    [entry] = calendar.walk("VEVENT")
    assert entry["UID"] == f"{decision.registration_id}@quartier.example"
    assert entry.decoded("DTSTART") == datetime(2026, 3, 12, 9, 0, tzinfo=UTC)
    assert entry.decoded("DTEND") == datetime(2026, 3, 12, 15, 30, tzinfo=UTC)
    assert entry.decoded("DTSTART").utcoffset().total_seconds() == 0
    assert entry["SUMMARY"] == "Fachtag Quartiersentwicklung"
    assert entry["LOCATION"] == "Altes Rathaus, Potsdam"
    assert entry["DESCRIPTION"] == "Ein Tag über gute Nachbarschaft."
    assert entry.decoded("DTSTAMP") == decision.decided_at


@pytest.mark.parametrize("from_waitlist", [False, True])
def test_the_calendar_entry_locates_the_event_by_venue_address_and_city(
    world, render, from_waitlist
):
    event = world.known_event(**HOSPITALHOF)
    decision = world.decision(SeatConfirmed, event=event, from_waitlist=from_waitlist)

    raw, entry = calendar_entry(render(decision))

    assert entry["LOCATION"] == "Hospitalhof, Büchsenstraße 33, Stuttgart"
    assert "LOCATION:Hospitalhof\\, Büchsenstraße 33\\, Stuttgart\r\n".encode() in raw


def test_without_an_address_the_calendar_entry_has_venue_and_city(world, render):
    event = world.known_event(**{**HOSPITALHOF, "address": "  "})

    raw, entry = calendar_entry(render(world.decision(SeatConfirmed, event=event)))

    assert entry["LOCATION"] == "Hospitalhof, Stuttgart"
    assert b"LOCATION:Hospitalhof\\, Stuttgart\r\n" in raw


@pytest.mark.parametrize(
    ("address", "city", "location"),
    [
        (
            "Büchsenstraße 33, 70174 Stuttgart",
            "Stuttgart",
            "Hospitalhof, Büchsenstraße 33, 70174 Stuttgart",
        ),
        ("Ulmer Straße 5", "Ulm", "Hospitalhof, Ulmer Straße 5, Ulm"),
    ],
)
def test_the_city_is_named_once_even_when_the_address_has_it(world, address, city, location):
    event = world.known_event(**{**HOSPITALHOF, "address": address, "city": city})
    assert event.location == location


# --- the programme (issue 10) -----------------------------------------------------------


def place(slot, forum=None, *, rank=None, waiting=()):
    """A ``SessionPlace``: Praxisforum ``forum`` held in ``slot`` (None: none), and the
    waiting lists as (forum, position)."""
    return SessionPlace(
        slot_id=slot,
        session_id=FORUM[forum] if forum else None,
        rank=rank,
        waiting=[SessionWait(session_id=FORUM[n], position=p) for n, p in waiting],
    )


# listed afternoon first: the mail follows the programme's order
HELD = [place(AFTERNOON, 5, rank=1), place(MORNING, 3, rank=3, waiting=[(1, 4), (2, 1)])]
PROGRAMME_TEXT = {
    Locale.DE: "\n\nIhre Plätze im Programm:\n"
    "- Praxisforum 3 – Raum 2.04, 10:30–12:00 Uhr\n"
    "  Warteliste Praxisforum 1: Platz 4\n"
    "  Warteliste Praxisforum 2: Platz 1\n"
    "- Praxisforum 5, 13:30–15:00 Uhr\n\n",
    Locale.EN: "\n\nYour places in the programme:\n"
    "- Praxisforum 3 – Raum 2.04, 10:30–12:00 CET\n"
    "  Waiting list Praxisforum 1: place 4\n"
    "  Waiting list Praxisforum 2: place 1\n"
    "- Praxisforum 5, 13:30–15:00 CET\n\n",
}


@pytest.mark.parametrize("locale", [Locale.DE, Locale.EN])
@pytest.mark.parametrize("from_waitlist", [False, True])
def test_a_seat_names_the_sessions_held_and_the_waiting_lists_for_better_ones(
    world, render, locale, from_waitlist
):
    event = world.known_event(programme=programme())
    decision = world.decision(
        SeatConfirmed, event=event, from_waitlist=from_waitlist, sessions=HELD
    )

    text = body(render(decision, locale=locale))

    assert f"{WHERE[locale]}Altes Rathaus, Potsdam{PROGRAMME_TEXT[locale]}" in text


NO_SEAT_IN_THE_SLOT = {
    Locale.DE: "- Praxisforen am Nachmittag, 13:30–15:00 Uhr: zurzeit kein Platz\n"
    "  Warteliste Praxisforum 4: Platz 2\n",
    Locale.EN: "- Praxisforen am Nachmittag, 13:30–15:00 CET: no seat at the moment\n"
    "  Waiting list Praxisforum 4: place 2\n",
}


@pytest.mark.parametrize("locale", [Locale.DE, Locale.EN])
def test_a_slot_without_a_session_held_says_so(world, render, locale):
    event = world.known_event(programme=programme())
    sessions = [place(MORNING, 1, rank=1), place(AFTERNOON, waiting=[(4, 2)])]
    decision = world.decision(SeatConfirmed, event=event, sessions=sessions)

    assert NO_SEAT_IN_THE_SLOT[locale] in body(render(decision, locale=locale))


def test_the_calendar_entry_of_a_seat_names_the_sessions_held(world, render):
    event = world.known_event(programme=programme())
    decision = world.decision(SeatConfirmed, event=event, sessions=HELD)

    raw, entry = calendar_entry(render(decision))

    assert entry["LOCATION"] == "Altes Rathaus, Potsdam – Raum 2.04"
    assert entry["DESCRIPTION"] == (
        "Ein Tag über gute Nachbarschaft." + PROGRAMME_TEXT[Locale.DE].rstrip("\n")
    )
    assert b"SEQUENCE" not in raw


def confirmation_today(decision, cancel_url=CANCEL_URL):
    """The German confirmation, word for word as before the programme."""
    return (
        "Guten Tag Dr. Jörg Müller-Lüdenscheidt,\n\n"
        "vielen Dank für Ihre Anmeldung. Ihr Platz bei „Fachtag Quartiersentwicklung“ ist "
        "bestätigt.\n\n"
        "Wann: Donnerstag, 12. März 2026, 10:00–16:30 Uhr\n"
        "Wo:   Altes Rathaus, Potsdam\n\n"
        "Im Anhang finden Sie den Termin für Ihren Kalender (termin.ics).\n\n"
        "Den Stand Ihrer Anmeldung finden Sie jederzeit hier:\n"
        f"https://veranstaltungen.quartier.example/anmeldung/{decision.registration_id}\n\n"
        "Falls Sie nicht teilnehmen können, sagen Sie bitte ab, damit jemand von der "
        f"Warteliste\nnachrücken kann:\n{cancel_url}\n\n"
        "Mit freundlichen Grüßen\nIhr Veranstaltungsteam\n\n--\n"
        "Diese E-Mail wurde automatisch versandt.\n"
    )


@pytest.mark.parametrize("with_programme", [False, True])
def test_without_sessions_the_confirmation_stays_as_it_was(world, render, with_programme):
    """No programme, or (a seat from before) no places in it: not a line more but, with a
    programme to choose from, the link to change the choice."""
    event = world.known_event(programme=programme() if with_programme else [])
    decision = world.decision(SeatConfirmed, event=event)

    message = render(decision)

    text = body(message)
    if with_programme:
        link = re.search(
            r"\n\nIhre Wahl der Foren können Sie hier ändern \(bis zum Ende der "
            r"Wahlfrist\):\n(\S+/wahl/\S+)\n",
            text,
        )
        assert link, text
        assert link.group(1).split("/wahl/")[1] == text.split("/abmeldung/")[1].split()[0]
        text = text.replace(link.group(0), "\n")
    assert text == confirmation_today(decision)
    raw, entry = calendar_entry(message)
    assert entry["LOCATION"] == "Altes Rathaus, Potsdam"
    assert entry["DESCRIPTION"] == "Ein Tag über gute Nachbarschaft."
    assert b"SEQUENCE" not in raw


def moved(world, reason=SessionMoveReason.MOVED_UP, *, to=1, before=3, registration_id=None):
    event = world.known_event(programme=programme())
    ids = {"registration_id": registration_id} if registration_id else {}
    return world.decision(
        SessionSeatAssigned,
        event=event,
        slot_id=MORNING,
        session_id=FORUM[to],
        previous_session_id=FORUM[before] if before else None,
        rank=1,
        reason=reason,
        **ids,
    )


@pytest.mark.parametrize(
    ("locale", "subject", "words", "lines"),
    [
        (
            Locale.DE,
            "Ihr Programm hat sich geändert: Fachtag Quartiersentwicklung",
            "Sie sind von der Warteliste nachgerückt.",
            "Programmpunkt: Praxisforen am Vormittag\n"
            "Ihr Platz jetzt: Praxisforum 1 – Raum 1.01, 10:30–12:00 Uhr\n"
            "Bisher:          Praxisforum 3 – Raum 2.04, 10:30–12:00 Uhr\n",
        ),
        (
            Locale.EN,
            "Your programme has changed: Fachtag Quartiersentwicklung",
            "You have moved up\nfrom its waiting list.",
            "Programme:  Praxisforen am Vormittag\n"
            "Your seat:  Praxisforum 1 – Raum 1.01, 10:30–12:00 CET\n"
            "Before:     Praxisforum 3 – Raum 2.04, 10:30–12:00 CET\n",
        ),
    ],
)
def test_a_move_up_names_the_session_now_and_the_one_before(
    world, render, locale, subject, words, lines
):
    message = render(moved(world), locale=locale)

    assert message["Subject"] == subject
    text = body(message)
    assert words in text
    assert lines in text
    assert CANCEL_URL in text
    assert attachments(message) == ["termin.ics"]
    assert "{{" not in text


NEWS = [
    (SessionMoveReason.CHOICE_CHANGED, "Ihre geänderte Wahl ist eingetragen.\n", "recorded.\n"),
    (SessionMoveReason.ORGANISER, "Veranstaltungsteam hat Sie in ein anderes Forum", "event team"),
    (SessionMoveReason.FALLBACK, "Foren Ihrer Wahl sind ausgebucht", "fully booked"),
]


@pytest.mark.parametrize(("reason", "german", "english"), NEWS)
def test_a_change_of_session_says_why(world, render, reason, german, english):
    decision = moved(world, reason)

    assert german in body(render(decision))
    assert english in body(render(decision, locale=Locale.EN))
    assert "nachgerückt" not in body(render(decision))


def test_a_session_given_to_someone_without_one_names_no_session_before(world, render):
    text = body(render(moved(world, SessionMoveReason.FALLBACK, to=2, before=None)))

    assert "Ihr Platz jetzt: Praxisforum 2 – Raum 1.02, 10:30–12:00 Uhr\n\n" in text
    assert "Bisher" not in text


GIVEN_UP = {
    Locale.DE: "Ihr Platz jetzt: zurzeit keiner\n"
    "Bisher:          Praxisforum 3 – Raum 2.04, 10:30–12:00 Uhr\n",
    Locale.EN: "Your seat:  none at the moment\n"
    "Before:     Praxisforum 3 – Raum 2.04, 10:30–12:00 CET\n",
}


@pytest.mark.parametrize("locale", [Locale.DE, Locale.EN])
def test_a_session_given_up_by_a_new_choice_says_there_is_none_now(world, render, locale):
    event = world.known_event(programme=programme())
    decision = world.decision(
        SessionSeatReleased,
        event=event,
        slot_id=MORNING,
        session_id=FORUM[3],
        reason=SessionReleaseReason.CHOICE_CHANGED,
    )

    message = render(decision, locale=locale, sequence=1)

    assert GIVEN_UP[locale] in body(message)
    _, entry = calendar_entry(message)
    assert entry["LOCATION"] == "Altes Rathaus, Potsdam"
    assert "Praxisforum 3" not in entry["DESCRIPTION"]


def test_a_change_of_session_updates_the_calendar_entry_of_the_seat(world, render):
    confirmed = world.decision(
        SeatConfirmed, event=world.known_event(programme=programme()), sessions=HELD
    )
    change = moved(world, registration_id=confirmed.registration_id)

    _, seat_entry = calendar_entry(render(confirmed))
    raw, entry = calendar_entry(render(change, sequence=2))

    assert entry["UID"] == seat_entry["UID"] == f"{confirmed.registration_id}@quartier.example"
    assert b"\r\nSEQUENCE:2\r\n" in raw
    assert entry["SEQUENCE"] == 2
    assert entry["LOCATION"] == "Altes Rathaus, Potsdam – Raum 1.01"
    assert "Praxisforum 1 – Raum 1.01, 10:30–12:00 Uhr" in entry["DESCRIPTION"]
    assert entry.decoded("DTSTART") == seat_entry.decoded("DTSTART")
