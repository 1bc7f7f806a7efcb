"""The rendered message: texts in de and en, headers, and an .ics calendars can read."""

from __future__ import annotations

from datetime import UTC, datetime
from email.headerregistry import Address

import icalendar
import pytest

from contracts.messages import (
    Locale,
    RegistrationRejected,
    RejectionReason,
    SeatConfirmed,
    Waitlisted,
)
from notification.adapters.rendering import to_message
from notification.domain.model import EventInfo, compose

SENDER = "Quartier Veranstaltungen <veranstaltungen@quartier.example>"


@pytest.fixture
def render(world):
    def render(decision, *, locale=Locale.DE, event=None):
        contact = world.known_contact(decision.registration_id, locale)
        if event is None and decision.event_id in world.store.events:
            event = world.store.events[decision.event_id]
        mail = compose(
            decision,
            contact,
            event,
            correlation_id="corr-42",
            public_base_url="https://veranstaltungen.quartier.example/",
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


def test_a_promotion_from_the_waiting_list_says_so(world, render):
    message = render(world.decision(SeatConfirmed, from_waitlist=True))

    assert "von der\nWarteliste nachgerückt" in message.get_body(("plain",)).get_content()


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
    ],
)
def test_a_rejection_gives_the_reason(world, render, reason, words):
    message = render(world.decision(RegistrationRejected, reason=reason))

    assert message["Subject"] == "Anmeldung nicht möglich: Fachtag Quartiersentwicklung"
    assert words in message.get_body(("plain",)).get_content()
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
