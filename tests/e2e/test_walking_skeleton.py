"""One registration flows from the public page through Kafka to a confirmation mail."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import parseaddr
from typing import Any
from uuid import uuid4

import httpx
import icalendar

from devstack.smtp_sink import read_mails
from devstack.stack import Stack
from tests.support import eventually

from . import kafka
from .over_http import register_via_form, status_on_page

REGISTRATIONS = "registration.registrations.v1"
DECISIONS = "capacity.decisions.v1"
CATALOG = "capacity.catalog.v1"


Programme = Callable[[datetime], list[dict[str, Any]]]
"""The programme's slots for an event starting at the given moment."""
StandCall = Callable[[datetime], dict[str, Any]]
"""The call for stands of an event starting at the given moment."""


async def create_event(stack: Stack, capacity: int, title: str = "Fachtag Quartier 2026") -> str:
    return str((await create_event_with(stack, capacity, title))["event_id"])


async def create_event_with(
    stack: Stack,
    capacity: int,
    title: str = "Fachtag Quartier 2026",
    programme: Programme | None = None,
    stand_call: StandCall | None = None,
) -> dict[str, Any]:
    """A Fachtag through capacity's organiser API (with ``programme`` its slots, with
    ``stand_call`` its call for stands), once the gateway lists it; its snapshot."""
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=30)
    async with httpx.AsyncClient() as client:
        answer = await client.post(
            f"{stack.capacity_url}/events",
            headers=stack.internal_headers,
            json={
                "title": title,
                "kind": "fachtag",
                "starts_at": start.isoformat(),
                "ends_at": (start + timedelta(hours=7)).isoformat(),
                "venue": "Hospitalhof",
                "city": "Stuttgart",
                "capacity": capacity,
                "waitlist_enabled": True,
                "description": "Quartiersentwicklung im Land",
                "programme": programme(start) if programme else [],
                "stand_call": stand_call(start) if stand_call else None,
            },
        )
    assert answer.status_code == 201, answer.text
    event: dict[str, Any] = answer.json()
    async with httpx.AsyncClient() as client:  # the gateway's catalogue has it too

        async def listed() -> bool:
            url = f"{stack.gateway_url}/api/v1/events/{event['event_id']}"
            return (await client.get(url)).status_code == 200

        await eventually(listed, what=f"event {event['event_id']} in the gateway's API")
    return event


async def event_page_up(stack: Stack, client: httpx.AsyncClient, event_id: str) -> str:
    url = f"{stack.gateway_url}/veranstaltungen/{event_id}"

    async def listed() -> bool:
        return (await client.get(url)).status_code == 200

    await eventually(listed, what=f"the page of event {event_id}")
    return url


def mails_to(stack: Stack, addresses: set[str]) -> list[EmailMessage]:
    return [m for m in read_mails(stack.mail_dir) if parseaddr(str(m["To"]))[1] in addresses]


def calendar_of(mail: EmailMessage) -> icalendar.Calendar | None:
    for part in mail.walk():
        if part.get_content_type() == "text/calendar":
            return icalendar.Calendar.from_ical(part.get_payload(decode=True))
    return None


async def test_five_people_register_for_three_seats(stack: Stack) -> None:
    event_id = await create_event(stack, capacity=3)
    tag = uuid4().hex[:6]
    people = [(f"Person {i} {tag}", f"person{i}.{tag}@example.org") for i in range(5)]
    async with httpx.AsyncClient(follow_redirects=False) as browser:
        event_url = await event_page_up(stack, browser, event_id)
        status_urls = [
            await register_via_form(browser, event_url, name, email, "Gemeinde Musterhausen")
            for name, email in people
        ]

        async def decided() -> list[str | None]:
            states = [await status_on_page(browser, url) for url in status_urls]
            assert "pending" not in states, states
            return states

        states = await eventually(decided, what="a decision for each of the five")
    assert sorted(states) == ["confirmed"] * 3 + ["waitlisted"] * 2

    addresses = {email for _, email in people}
    mails = await eventually(lambda: _at_least(mails_to(stack, addresses), 5), what="5 mails")
    await asyncio.sleep(1)  # a sixth mail would be a bug: give it a moment to show
    mails = mails_to(stack, addresses)
    assert len(mails) == 5
    calendars = [c for c in map(calendar_of, mails) if c is not None]
    assert len(calendars) == 3
    for calendar in calendars:
        (vevent,) = calendar.walk("VEVENT")
        assert "Fachtag Quartier 2026" in str(vevent["SUMMARY"])
        assert vevent.decoded("DTEND") > vevent.decoded("DTSTART")

    def closed_full(records: list[kafka.Record]) -> bool:
        return any(
            r.type == "quartier.EventClosed.v1"
            and r.json()["reason"] == "full"
            and r.json()["event"]["event_id"] == event_id
            for r in records
        )  # type: ignore[index]

    records = await kafka.read_until(stack.bootstrap, CATALOG, closed_full)
    for topic in (REGISTRATIONS, DECISIONS, "notification.deliveries.v1"):
        records += await kafka.read_until(stack.bootstrap, topic, bool)
    for record in records:
        kafka.validate(record)

    # names and e-mail addresses stay in the registration service: on no topic, in no log
    personal = [*addresses, *(name for name, _ in people)]
    for record in records:
        raw = (record.value or b"").decode() + str(record.headers)
        assert not [p for p in personal if p in raw], f"personal data on {record.topic}"
    for log in stack.log_dir.glob("*.log"):
        leaked = [p for p in personal if p in log.read_text(errors="replace")]
        assert not leaked, f"personal data in {log.name}: {leaked}"


def _at_least(mails: list[EmailMessage], n: int) -> list[EmailMessage]:
    assert len(mails) >= n, f"{len(mails)} of {n} mails: {[str(m['Subject']) for m in mails]}"
    return mails


async def test_a_registration_delivered_twice_is_decided_and_mailed_once(stack: Stack) -> None:
    event_id = await create_event(stack, capacity=10, title="Werkstattgespräch Ulm")
    email = f"twice.{uuid4().hex[:6]}@example.org"
    async with httpx.AsyncClient(follow_redirects=False) as browser:
        event_url = await event_page_up(stack, browser, event_id)
        status_url = await register_via_form(browser, event_url, "Zweimal", email, "")
        await eventually(lambda: _is(browser, status_url, "confirmed"), what="a confirmed seat")
    registration_id = status_url.rstrip("/").rsplit("/", 1)[-1]

    def requested(records: list[kafka.Record]) -> bool:
        return any(r.json().get("registration_id") == registration_id for r in records)

    original = next(
        r
        for r in await kafka.read_until(stack.bootstrap, REGISTRATIONS, requested)
        if r.json().get("registration_id") == registration_id
    )
    partition, offset = await kafka.produce(
        stack.bootstrap,
        REGISTRATIONS,
        original.key,
        original.value,
        [(k, v.encode()) for k, v in original.headers.items()],
    )
    # the duplicate is behind capacity once its group has committed past it
    await eventually(
        lambda: _past(stack, "capacity", REGISTRATIONS, partition, offset),
        what=f"capacity's commit past the duplicate at {partition}/{offset}",
    )

    def decisions_for(records: list[kafka.Record]) -> list[kafka.Record]:
        return [r for r in records if r.json().get("registration_id") == registration_id]

    decisions = decisions_for(
        await kafka.read_until(
            stack.bootstrap, DECISIONS, lambda rs: bool(decisions_for(rs)), timeout=15
        )
    )
    await eventually(lambda: _at_least(mails_to(stack, {email}), 1), what="the confirmation")
    # redeliver the decision too: the delivery ledger must not send a second mail
    decision = decisions[0]
    partition, offset = await kafka.produce(
        stack.bootstrap,
        DECISIONS,
        decision.key,
        decision.value,
        [(k, v.encode()) for k, v in decision.headers.items()],
    )
    await eventually(
        lambda: _past(stack, "notification", DECISIONS, partition, offset),
        what=f"notification's commit past the redelivered decision at {partition}/{offset}",
    )
    all_decisions = decisions_for(
        await kafka.read_until(
            stack.bootstrap, DECISIONS, lambda rs: len(decisions_for(rs)) >= 2, timeout=15
        )
    )
    assert len({r.headers["ce_id"] for r in all_decisions}) == 1  # one decision, sent twice
    assert len(mails_to(stack, {email})) == 1


async def _is(browser: httpx.AsyncClient, url: str, status: str) -> bool:
    shown = await status_on_page(browser, url)
    assert shown == status, f"{url} shows {shown!r}"
    return True


async def _past(stack: Stack, group: str, topic: str, partition: int, offset: int) -> bool:
    committed = await kafka.committed(stack.bootstrap, group, topic, partition)
    assert committed > offset, f"{group} has committed {committed}"
    return True


async def test_a_malformed_message_goes_to_the_dlq_and_the_stream_goes_on(stack: Stack) -> None:
    event_id = await create_event(stack, capacity=5, title="Markt der guten Ideen")
    partition, offset = await kafka.produce(
        stack.bootstrap,
        REGISTRATIONS,
        event_id.encode(),
        b'{"registration_id": 42',
        [("ce_type", b"quartier.RegistrationRequested.v1"), kafka.POISON],
    )
    async with httpx.AsyncClient(follow_redirects=False) as browser:
        event_url = await event_page_up(stack, browser, event_id)
        status_url = await register_via_form(
            browser, event_url, "Nach dem Gift", f"after.{uuid4().hex[:6]}@example.org", ""
        )
        await eventually(lambda: _is(browser, status_url, "confirmed"), what="a confirmed seat")

    def dead(records: list[kafka.Record]) -> list[kafka.Record]:
        return [
            r
            for r in records
            if r.headers.get("dlq_source_offset") == str(offset)
            and r.headers.get("dlq_source_partition") == str(partition)
        ]

    (letter,) = dead(
        await kafka.read_until(
            stack.bootstrap, f"{REGISTRATIONS}.dlq", lambda rs: bool(dead(rs)), with_poison=True
        )
    )
    assert letter.value == b'{"registration_id": 42'
    assert letter.headers["dlq_source_topic"] == REGISTRATIONS
    assert "contract" in letter.headers["dlq_reason"]
    assert letter.headers["dlq_consumer"] == "capacity"


async def test_only_the_platform_changes_events_at_capacity(stack: Stack) -> None:
    """Someone who reaches capacity's port can read the events but change none of them."""
    event_id = await create_event(stack, capacity=4, title="Fachtag – nur lesen")
    url = f"{stack.capacity_url}/events/{event_id}"
    async with httpx.AsyncClient() as stranger:
        closing = await stranger.post(f"{url}/close")
        cancelling = await stranger.post(f"{url}/cancel", headers={"X-Internal-Token": "rate"})
        shown = await stranger.get(url)

    assert (closing.status_code, cancelling.status_code) == (403, 403)
    assert closing.json()["code"] == "internal_token_required"
    assert (shown.status_code, shown.json()["status"]) == (200, "open")
