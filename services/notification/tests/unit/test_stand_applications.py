"""The mails to a stand's applicant (Markt der guten Ideen): what each says in German and
English, and one mail per change of the application, whatever happens."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.headerregistry import Address

import pytest

from contracts.http.stands import StandNeed
from contracts.messages import (
    ApplicationState,
    Locale,
    NotificationKind,
    ReleaseReason,
    SeatReleased,
)
from notification.adapters.rendering import to_message
from notification.domain.commands import MailApplicationChange, RecordEvent
from notification.domain.model import DeliveryStatus, EventInfo, compose
from notification.domain.stands import compose_stand_mail
from notification.service_layer.handlers import handle_application_change, record_event
from notification.service_layer.ports import (
    ContactUnavailable,
    EventNotKnownYet,
    MailDeferred,
    MailRejected,
    TransientError,
)
from services.notification.tests.stands import (
    application_contact,
    application_token,
    change_of,
    exhibitor_token,
)

SITE = "https://veranstaltungen.quartier.example"
RECEIVED, ACCEPTED, WAITLISTED, DECLINED, WITHDRAWN = (
    ApplicationState.RECEIVED,
    ApplicationState.ACCEPTED,
    ApplicationState.WAITLISTED,
    ApplicationState.DECLINED,
    ApplicationState.WITHDRAWN,
)
NOTE_HEADING = {
    Locale.DE: "Nachricht des Veranstaltungsteams:\n",
    Locale.EN: "A message from the event team:\n",
}
RELEASED = {
    Locale.DE: "Der zugesagte Stand und die für Ihr Standteam freigehaltenen Plätze sind damit\n"
    "freigegeben.",
    Locale.EN: "The stand you had been given and the seats kept for your stand team have "
    "therefore been\nreleased.",
}
TEAM_LINK = re.compile(r"^Person (\d+): (\S+)$", re.MULTILINE)


@pytest.fixture
def render(world):
    """The message for the change ``revision`` of the application ``contact``."""

    def render(contact, revision=None, event=None, **fields):
        event = event or world.known_event(event_id=contact.application.event_id)
        mail = compose_stand_mail(
            change_of(contact, revision, **fields),
            contact,
            event,
            correlation_id="corr-7",
            public_base_url=f"{SITE}/",
        )
        return to_message(
            mail,
            sender="Quartier Veranstaltungen <veranstaltungen@quartier.example>",
            recipient=Address("Jörg", addr_spec=contact.application.email),
            now=datetime(2026, 2, 3, 12, 0, tzinfo=UTC),
        )

    return render


def body(message) -> str:
    return message.get_body(("plain",)).get_content()


def application_link(contact) -> str:
    return f"{SITE}/markt/bewerbung/{application_token(contact.application.application_id)}\n"


def contact_at(world, states, **options):
    """An application of a new known event after ``states``."""
    return application_contact(world.known_event().event_id, states, **options)


@pytest.mark.parametrize(
    ("locale", "subject", "lines"),
    [
        (
            Locale.DE,
            "Bewerbung für einen Stand eingegangen: Fachtag Quartiersentwicklung",
            [
                "Projekt:                Gemeinschaftsgarten Nordviertel\n",
                "Kommune / Organisation: Stadt Eberswalde\n",
                "Standteam:              3 Personen\n",
                "Ausstattung:            Tisch, Stellwand, Sonstiges: zwei Stühle\n",
                "Wann: Donnerstag, 12. März 2026, 10:00–16:30 Uhr\n",
                "Das Veranstaltungsteam entscheidet über die Stände. Sobald entschieden ist, "
                "erhalten Sie\nvon uns eine E-Mail.\n",
                "ansehen und, falls nötig, zurückziehen:\n",
            ],
        ),
        (
            Locale.EN,
            "Stand application received: Fachtag Quartiersentwicklung",
            [
                "Project:                   Gemeinschaftsgarten Nordviertel\n",
                "Municipality/organisation: Stadt Eberswalde\n",
                "Stand team:                3 people\n",
                "Equipment:                 Table, Pin board, Other: zwei Stühle\n",
                "When:  Thursday, 12 March 2026, 10:00–16:30 CET\n",
                "The event team decides on the stands. As soon as they have decided, you will "
                "receive an\ne-mail from us.\n",
                "and, if necessary, withdraw it:\n",
            ],
        ),
    ],
)
def test_the_receipt_repeats_the_application_and_links_to_it(world, render, locale, subject, lines):
    contact = contact_at(
        world,
        [RECEIVED],
        locale=locale,
        staff=3,
        needs=(StandNeed.TABLE, StandNeed.PIN_BOARD, StandNeed.OTHER),
        needs_other="zwei Stühle",
    )

    message = render(contact)

    assert message["Subject"] == subject
    assert message["Content-Language"] == locale
    text = body(message)
    for line in lines:
        assert line in text
    assert application_link(contact) in text
    assert TEAM_LINK.findall(text) == []
    assert "{{" not in text


@pytest.mark.parametrize(
    ("locale", "staff", "team"),
    [(Locale.DE, 1, "1 Person"), (Locale.DE, 2, "2 Personen"), (Locale.EN, 1, "1 person")],
)
def test_a_receipt_counts_the_team_and_names_no_needs_when_there_are_none(
    world, render, locale, staff, team
):
    contact = contact_at(world, [RECEIVED], locale=locale, staff=staff, needs=())

    text = body(render(contact))

    assert f" {team}\n" in text
    assert ("keine besonderen Wünsche" if locale is Locale.DE else "nothing in particular") in text


@pytest.mark.parametrize(
    ("locale", "subject", "seats"),
    [
        (
            Locale.DE,
            "Zusage für Ihren Stand: Fachtag Quartiersentwicklung",
            "Für Ihr Standteam halten wir 3 Plätze für den Tag frei,\ngetrennt von der "
            "öffentlichen Anmeldung.",
        ),
        (
            Locale.EN,
            "Your stand is confirmed: Fachtag Quartiersentwicklung",
            "We are keeping 3 seats for the day for your stand team,\napart from the public "
            "registration.",
        ),
    ],
)
def test_an_acceptance_gives_one_personal_link_per_staff_member(
    world, render, locale, subject, seats
):
    contact = contact_at(
        world,
        [RECEIVED, ACCEPTED],
        locale=locale,
        staff=3,
        notes={1: "", 2: "Ihr Stand ist Nummer 7, Aufbau ab 8 Uhr."},
    )
    application_id = contact.application.application_id

    message = render(contact)

    assert message["Subject"] == subject
    text = body(message)
    assert f"{NOTE_HEADING[locale]}Ihr Stand ist Nummer 7, Aufbau ab 8 Uhr.\n" in text
    assert seats in text
    assert ("genau eine Person" if locale is Locale.DE else "one person only") in text
    assert TEAM_LINK.findall(text) == [
        (str(seat), f"{SITE}/markt/team/{exhibitor_token(application_id, seat)}")
        for seat in (1, 2, 3)
    ]
    assert application_link(contact) in text


def test_an_acceptance_for_one_person_keeps_one_seat(world, render):
    contact = contact_at(world, [RECEIVED, ACCEPTED], staff=1)

    text = body(render(contact))

    assert "halten wir 1 Platz für den Tag frei" in text
    assert len(TEAM_LINK.findall(text)) == 1


@pytest.mark.parametrize(
    ("locale", "subject", "promise"),
    [
        (
            Locale.DE,
            "Ihre Bewerbung für einen Stand auf der Warteliste: Fachtag Quartiersentwicklung",
            "Wird ein Stand frei, erhalten Sie von uns eine E-Mail.",
        ),
        (
            Locale.EN,
            "Stand application on the waiting list: Fachtag Quartiersentwicklung",
            "If a stand becomes available, you will receive an e-mail from us.",
        ),
    ],
)
def test_a_place_on_the_waiting_list_promises_a_mail_when_a_stand_frees(
    world, render, locale, subject, promise
):
    contact = contact_at(
        world, [RECEIVED, WAITLISTED], locale=locale, notes={2: "Sie sind die Nummer 2."}
    )

    message = render(contact)

    assert message["Subject"] == subject
    text = body(message)
    assert f"{NOTE_HEADING[locale]}Sie sind die Nummer 2.\n" in text
    assert promise in text
    assert application_link(contact) in text
    assert TEAM_LINK.findall(text) == []


DECLINE = {
    Locale.DE: (
        "Ihre Bewerbung für einen Stand: Fachtag Quartiersentwicklung",
        "Leider können wir Ihnen für „Gemeinschaftsgarten Nordviertel“ keinen Stand geben.",
    ),
    Locale.EN: (
        "Your stand application: Fachtag Quartiersentwicklung",
        'Unfortunately, we cannot give "Gemeinschaftsgarten Nordviertel" a stand.',
    ),
}
WITHDRAWAL = {
    Locale.DE: (
        "Bewerbung für einen Stand zurückgezogen: Fachtag Quartiersentwicklung",
        "Ihre Bewerbung mit „Gemeinschaftsgarten Nordviertel“ für den Markt der guten Ideen "
        "bei „Fachtag Quartiersentwicklung“ ist zurückgezogen.",
    ),
    Locale.EN: (
        "Stand application withdrawn: Fachtag Quartiersentwicklung",
        'your application with "Gemeinschaftsgarten Nordviertel" for the Markt der guten '
        'Ideen at "Fachtag Quartiersentwicklung" has been withdrawn.',
    ),
}
"""Subject and first sentence of the mails that end an application, by language."""


def words(text: str) -> str:
    """``text`` with its line breaks as spaces."""
    return " ".join(text.split())


@pytest.mark.parametrize("locale", [Locale.DE, Locale.EN])
@pytest.mark.parametrize(
    ("ending", "texts", "note"),
    [
        (DECLINED, DECLINE, "Das Thema passt leider nicht."),
        (WITHDRAWN, WITHDRAWAL, ""),
    ],
)
@pytest.mark.parametrize("was_accepted", [False, True])
def test_a_decline_or_withdrawal_says_so_and_frees_what_the_stand_held(
    world, render, locale, ending, texts, note, was_accepted
):
    states = [RECEIVED, ACCEPTED, ending] if was_accepted else [RECEIVED, ending]
    contact = contact_at(world, states, locale=locale, notes={len(states): note})
    subject, sentence = texts[locale]

    message = render(contact, was_accepted=was_accepted)

    assert message["Subject"] == subject
    text = body(message)
    assert sentence in words(text)
    assert (f"{NOTE_HEADING[locale]}{note}\n" in text) is bool(note)
    assert (words(RELEASED[locale]) in words(text)) is was_accepted
    assert TEAM_LINK.findall(text) == []
    assert "/markt/bewerbung/" not in text


def test_each_mail_takes_the_note_of_its_own_revision(world, render):
    """The contact is asked when the mail goes out: by then later changes may have their own
    notes; the acceptance's mail still says the acceptance's note."""
    contact = contact_at(
        world,
        [RECEIVED, ACCEPTED, WAITLISTED],
        notes={2: "Willkommen auf dem Markt!", 3: "Wir brauchen den Platz leider doch."},
    )

    accepted = body(render(contact, revision=2))
    waitlisted = body(render(contact, revision=3))

    assert "Willkommen auf dem Markt!" in accepted
    assert "Wir brauchen den Platz leider doch." not in accepted
    assert "Wir brauchen den Platz leider doch." in waitlisted
    assert "Willkommen auf dem Markt!" not in waitlisted


@pytest.mark.parametrize("note", ["", "  \n "])
def test_a_change_without_a_note_has_no_message_from_the_team(world, render, note):
    contact = contact_at(world, [RECEIVED, WAITLISTED], notes={2: note})

    assert "Nachricht des Veranstaltungsteams" not in body(render(contact))


async def test_each_change_gets_one_mail_however_often_it_is_delivered(world):
    contact = world.known_application(contact_at(world, [RECEIVED]))
    received = change_of(contact)

    for _ in range(3):
        status = await handle_application_change(
            MailApplicationChange(received, world.envelope(received)), world.deps
        )

    assert status is DeliveryStatus.SENT
    [mail] = world.mailer.sent
    assert mail.kind is NotificationKind.STAND_APPLICATION_RECEIVED
    assert mail.recipient.email == "joerg.mueller@kreis.example"

    world.known_application(
        application_contact(
            contact.application.event_id,
            [RECEIVED, ACCEPTED],
            application_id=contact.application.application_id,
        )
    )
    accepted = change_of(world.contacts.applications[contact.application.application_id])
    for change in (accepted, received, accepted):
        await handle_application_change(
            MailApplicationChange(change, world.envelope(change)), world.deps
        )

    assert [mail.kind for mail in world.mailer.sent] == [
        NotificationKind.STAND_APPLICATION_RECEIVED,
        NotificationKind.STAND_APPLICATION_ACCEPTED,
    ]
    assert len({mail.message_id for mail in world.mailer.sent}) == 2
    rows = sorted(world.store.deliveries.values(), key=lambda d: d.revision)
    assert [(d.application_id, d.revision, d.status) for d in rows] == [
        (contact.application.application_id, 1, DeliveryStatus.SENT),
        (contact.application.application_id, 2, DeliveryStatus.SENT),
    ]
    assert world.store.outbox == []  # the deliveries topic is about registrations


async def test_the_same_state_twice_is_two_changes_and_two_mails(world):
    contact = world.known_application(contact_at(world, [RECEIVED, WAITLISTED, WAITLISTED]))

    for revision in (2, 3, 2, 3):
        change = change_of(contact, revision)
        await handle_application_change(
            MailApplicationChange(change, world.envelope(change)), world.deps
        )

    assert [mail.kind for mail in world.mailer.sent] == [
        NotificationKind.STAND_APPLICATION_WAITLISTED
    ] * 2


async def test_a_deferred_mail_is_retried_and_sent_once(world):
    contact = world.known_application(contact_at(world, [RECEIVED, ACCEPTED]))
    command = MailApplicationChange(change_of(contact), world.envelope(change_of(contact)))
    world.mailer.failures.append(MailDeferred("smtp server unavailable: SMTPConnectError"))

    with pytest.raises(TransientError):
        await handle_application_change(command, world.deps)
    [delivery] = world.store.deliveries.values()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENDING, 1)

    assert await handle_application_change(command, world.deps) is DeliveryStatus.SENT
    assert await handle_application_change(command, world.deps) is DeliveryStatus.SENT
    assert len(world.mailer.sent) == 1
    [delivery] = world.store.deliveries.values()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 2)


async def test_a_refused_mail_fails_for_good_without_a_report(world):
    contact = world.known_application(contact_at(world, [RECEIVED]))
    command = MailApplicationChange(change_of(contact), world.envelope(change_of(contact)))
    world.mailer.failures.append(MailRejected("recipient refused: 550 5.1.1"))

    assert await handle_application_change(command, world.deps) is DeliveryStatus.FAILED
    assert await handle_application_change(command, world.deps) is DeliveryStatus.FAILED

    assert world.mailer.sent == []
    assert world.store.outbox == []
    [delivery] = world.store.deliveries.values()
    assert delivery.last_error == "recipient refused: 550 5.1.1"


async def test_a_change_waits_for_its_event_in_the_catalogue(world):
    event = EventInfo.from_snapshot(world.snapshot(title="Fachtag Markt"))
    contact = world.known_application(application_contact(event.event_id, [RECEIVED]))
    command = MailApplicationChange(change_of(contact), world.envelope(change_of(contact)))

    with pytest.raises(EventNotKnownYet):
        await handle_application_change(command, world.deps)
    await record_event(
        RecordEvent(world.snapshot(event.event_id, title="Fachtag Markt")), world.deps
    )

    assert await handle_application_change(command, world.deps) is DeliveryStatus.SENT
    assert world.mailer.sent[0].event.title == "Fachtag Markt"


async def test_a_change_the_registration_service_does_not_show_yet_waits(world):
    """A lookup behind the message (a replica lagging) would lack the acceptance's note and
    the team's links: the mail waits until the application is at the message's revision."""
    before = world.known_application(contact_at(world, [RECEIVED]))
    after = application_contact(
        before.application.event_id,
        [RECEIVED, ACCEPTED],
        application_id=before.application.application_id,
        notes={2: "Willkommen!"},
    )
    command = MailApplicationChange(change_of(after), world.envelope(change_of(after)))

    with pytest.raises(ContactUnavailable):
        await handle_application_change(command, world.deps)
    assert world.mailer.sent == []

    world.known_application(after)
    assert await handle_application_change(command, world.deps) is DeliveryStatus.SENT
    [mail] = world.mailer.sent
    assert (mail.note, len(mail.exhibitor_urls)) == ("Willkommen!", 2)


async def test_an_unknown_application_is_looked_up_a_few_times_then_fails(world):
    contact = contact_at(world, [RECEIVED])  # not known to the registration service
    command = MailApplicationChange(change_of(contact), world.envelope(change_of(contact)))

    for _ in range(world.deps.contact_lookups - 1):
        with pytest.raises(ContactUnavailable):
            await handle_application_change(command, world.deps)
    status = await handle_application_change(command, world.deps)

    assert status is DeliveryStatus.FAILED
    assert world.mailer.sent == []
    assert world.store.outbox == []
    [delivery] = world.store.deliveries.values()
    assert (delivery.attempts, delivery.last_error) == (
        world.deps.contact_lookups,
        "contact not found",
    )


async def test_the_mail_speaks_the_applications_language(world):
    contact = world.known_application(contact_at(world, [RECEIVED], locale=Locale.EN))
    received = change_of(contact, locale=Locale.DE)

    await handle_application_change(
        MailApplicationChange(received, world.envelope(received)), world.deps
    )

    [mail] = world.mailer.sent
    assert mail.locale is Locale.EN
    assert mail.when == "Thursday, 12 March 2026, 10:00–16:30 CET"


@pytest.mark.parametrize(
    ("locale", "subject", "sentence"),
    [
        (
            Locale.DE,
            "Anmeldung aufgehoben: Fachtag Quartiersentwicklung",
            "Dieser Stand findet nicht statt; die Plätze seines Teams sind freigegeben, und "
            "damit auch Ihre Anmeldung.",
        ),
        (
            Locale.EN,
            "Registration ended: Fachtag Quartiersentwicklung",
            "That stand no longer takes place; its team's seats have been released, and with "
            "them your registration.",
        ),
    ],
)
def test_a_staff_member_learns_that_their_seat_ended_with_the_stand(
    world, locale, subject, sentence
):
    decision = world.decision(SeatReleased, reason=ReleaseReason.STAND_RELEASED, locale=locale)
    contact = world.contacts.known[decision.registration_id]
    mail = compose(
        decision,
        contact,
        world.store.events[decision.event_id],
        correlation_id="corr-8",
        public_base_url=f"{SITE}/",
    )

    message = to_message(
        mail,
        sender="veranstaltungen@quartier.example",
        recipient=Address("Jörg", addr_spec=contact.email),
        now=datetime(2026, 2, 3, 12, 0, tzinfo=UTC),
    )

    assert message["Subject"] == subject
    text = body(message)
    assert sentence in words(text)
    assert f"{SITE}\n" in text  # the public registration
    assert "/abmeldung/" not in text
    assert list(message.iter_attachments()) == []
