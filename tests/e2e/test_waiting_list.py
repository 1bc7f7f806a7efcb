"""Cancellation from the mail link, promotion from the waiting list, reopening, and poison
messages on every consumed topic — end to end."""

from __future__ import annotations

import re
from email.message import EmailMessage
from uuid import uuid4

import httpx

from devstack.stack import Stack
from tests.support import eventually

from . import kafka
from .over_http import parse, register_via_form, status_on_page
from .test_walking_skeleton import (
    CATALOG,
    DECISIONS,
    REGISTRATIONS,
    _at_least,
    _is,
    calendar_of,
    create_event,
    event_page_up,
    mails_to,
)

LINK = re.compile(r"https?://\S+/abmeldung/[A-Za-z0-9._\-%]+")


def body_of(mail: EmailMessage) -> str:
    part = mail.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def cancel_link(mail: EmailMessage) -> str:
    found = LINK.search(body_of(mail))
    assert found, "the mail carries no cancel link"
    return found.group(0)


async def cancel_via_link(browser: httpx.AsyncClient, link: str) -> tuple[str, dict[str, str]]:
    """Open the link from the mail, confirm on the page; returns the answer page and what the
    form sent (with its CSRF token)."""
    page = await browser.get(link)
    assert page.status_code == 200, page.text[:300]
    (form,) = [f for f in parse(page.text).forms if f.method == "post"]
    answer = await browser.post(httpx.URL(link).join(form.action or link), data=form.fields)
    assert answer.status_code == 200, answer.text[:300]
    return answer.text, form.fields


async def register_people(
    stack: Stack, browser: httpx.AsyncClient, event_id: str, count: int
) -> list[tuple[str, str]]:
    """(email, status URL) of ``count`` people who registered one after the other."""
    event_url = await event_page_up(stack, browser, event_id)
    people = []
    for i in range(count):
        email = f"wl{i}.{uuid4().hex[:6]}@example.org"
        url = await register_via_form(browser, event_url, f"Person {i}", email, "Stadt Ulm")
        await eventually(lambda url=url: _decided(browser, url), what=f"a decision for {email}")
        people.append((email, url))
    return people


async def _decided(browser: httpx.AsyncClient, url: str) -> str:
    shown = await status_on_page(browser, url)
    assert shown not in (None, "pending"), f"{url} shows {shown!r}"
    return shown


def catalog_has(event_id: str, ce_type: str):  # type: ignore[no-untyped-def]
    def done(records: list[kafka.Record]) -> bool:
        return any(
            r.type == ce_type and r.json()["event"]["event_id"] == event_id  # type: ignore[index]
            for r in records
        )

    return done


async def test_a_cancelled_seat_goes_to_the_first_waiting_person(stack: Stack) -> None:
    event_id = await create_event(stack, capacity=1, title="Praxisforum 2 – Nachrücken")
    async with httpx.AsyncClient(follow_redirects=False) as browser:
        (a, a_url), (b, b_url), (c, c_url) = await register_people(stack, browser, event_id, 3)
        assert [await status_on_page(browser, u) for u in (a_url, b_url, c_url)] == [
            "confirmed",
            "waitlisted",
            "waitlisted",
        ]
        (confirmation,) = await eventually(
            lambda: _at_least(mails_to(stack, {a}), 1), what="A's confirmation"
        )
        waitlist_mail = (
            await eventually(
                lambda: _at_least(mails_to(stack, {c}), 1), what="C's waiting-list mail"
            )
        )[0]
        assert LINK.search(body_of(waitlist_mail)), "waiting-list mails carry a cancel link"

        answer, sent = await cancel_via_link(browser, cancel_link(confirmation))
        assert "storniert" in answer
        await eventually(lambda: _is(browser, a_url, "cancelled"), what="A cancelled")
        await eventually(lambda: _is(browser, b_url, "confirmed"), what="B moved up to a seat")
        c_state = (
            await browser.get(
                f"{stack.gateway_url}/api/v1/registrations/{c_url.rsplit('/', 1)[-1]}"
            )
        ).json()
        assert (c_state["status"], c_state["waitlist_position"]) == ("waitlisted", 1)

        link = cancel_link(confirmation)
        assert "bereits storniert" in (await browser.get(link)).text  # twice is harmless
        resent = await browser.post(link, data=sent)  # a reload sends the form again
        assert "bereits storniert" in resent.text

    promoted = (
        await eventually(lambda: _at_least(mails_to(stack, {b}), 2), what="B's promotion mail")
    )[-1]
    assert "Warteliste" in str(promoted["Subject"])
    assert calendar_of(promoted) is not None
    cancelled_mails = await eventually(
        lambda: _at_least(mails_to(stack, {a}), 2), what="A's cancellation mail"
    )
    assert len(cancelled_mails) == 2  # confirmation + cancellation, no more

    b_id = b_url.rsplit("/", 1)[-1]

    def promotion(records: list[kafka.Record]) -> bool:
        return any(
            r.type == "quartier.SeatConfirmed.v1"
            and r.json()["registration_id"] == b_id
            and r.json()["from_waitlist"]
            for r in records
        )

    for record in await kafka.read_until(stack.bootstrap, DECISIONS, promotion):
        kafka.validate(record)


async def test_a_cancellation_with_nobody_waiting_reopens_the_event(stack: Stack) -> None:
    event_id = await create_event(stack, capacity=1, title="Werkstattgespräch Freiburg")
    async with httpx.AsyncClient(follow_redirects=False) as browser:
        ((a, _),) = await register_people(stack, browser, event_id, 1)
        await kafka.read_until(
            stack.bootstrap, CATALOG, catalog_has(event_id, "quartier.EventClosed.v1")
        )
        (confirmation,) = await eventually(
            lambda: _at_least(mails_to(stack, {a}), 1), what="the confirmation"
        )
        await cancel_via_link(browser, cancel_link(confirmation))
        records = await kafka.read_until(
            stack.bootstrap, CATALOG, catalog_has(event_id, "quartier.EventReopened.v1")
        )
        reopened = [
            r
            for r in records
            if r.type == "quartier.EventReopened.v1" and r.json()["event"]["event_id"] == event_id
        ]  # type: ignore[index]
        assert reopened[-1].json()["event"]["seats_left"] == 1  # type: ignore[index]
        for record in records:
            kafka.validate(record)

        async def open_again() -> bool:
            event = (await browser.get(f"{stack.gateway_url}/api/v1/events/{event_id}")).json()
            assert event["status"] == "open", event
            return True

        await eventually(open_again, what="the event open again in the gateway's API")


async def test_poison_on_every_consumed_topic_goes_to_its_dlq(stack: Stack) -> None:
    poison = {
        REGISTRATIONS: {"capacity"},
        DECISIONS: {"registration", "notification"},
        CATALOG: {"notification"},
    }
    sent: dict[str, tuple[int, int]] = {}
    for topic in poison:
        sent[topic] = await kafka.produce(
            stack.bootstrap,
            topic,
            str(uuid4()).encode(),
            b"\x00not json",
            [("ce_type", b"nonsense"), kafka.POISON],
        )

    for topic, consumers in poison.items():
        partition, offset = sent[topic]

        def letters(
            records: list[kafka.Record], p: int = partition, o: int = offset
        ) -> list[kafka.Record]:
            return [
                r
                for r in records
                if r.headers.get("dlq_source_partition") == str(p)
                and r.headers.get("dlq_source_offset") == str(o)
            ]

        dead = letters(
            await kafka.read_until(
                stack.bootstrap,
                f"{topic}.dlq",
                lambda rs, c=consumers: {r.headers["dlq_consumer"] for r in letters(rs)} >= c,
                with_poison=True,
            )
        )
        assert {r.headers["dlq_consumer"] for r in dead} == consumers
        assert all("contract" in r.headers["dlq_reason"] for r in dead)

    # and the platform goes on
    event_id = await create_event(stack, capacity=2, title="Nach dem Gift")
    async with httpx.AsyncClient(follow_redirects=False) as browser:
        ((email, _),) = await register_people(stack, browser, event_id, 1)
    await eventually(lambda: _at_least(mails_to(stack, {email}), 1), what="a mail after the poison")
