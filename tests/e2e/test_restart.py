"""Stop the whole stack and start it again on the same data: events, registrations, waiting
lists, consumer offsets and mails are all still there, and nothing is decided or sent twice."""

from __future__ import annotations

from typing import Any

import httpx

from devstack.stack import Stack
from tests.support import eventually

from . import kafka
from .test_waiting_list import cancel_link, cancel_via_link, register_people
from .test_walking_skeleton import (
    DECISIONS,
    REGISTRATIONS,
    _at_least,
    create_event,
    mails_to,
)

FIRST_DECISIONS = {"quartier.SeatConfirmed.v1", "quartier.Waitlisted.v1"}
CONSUMERS = {"capacity": REGISTRATIONS, "registration": DECISIONS, "notification": DECISIONS}


def decisions_of(event_id: str, records: list[kafka.Record]) -> list[kafka.Record]:
    return [r for r in records if r.type in FIRST_DECISIONS and r.json()["event_id"] == event_id]


async def registration(browser: httpx.AsyncClient, stack: Stack, status_url: str) -> Any:
    registration_id = status_url.rsplit("/", 1)[-1]
    answer = await browser.get(f"{stack.gateway_url}/api/v1/registrations/{registration_id}")
    assert answer.status_code == 200, answer.text
    return {k: answer.json()[k] for k in ("status", "waitlist_position")}


async def caught_up(stack: Stack) -> bool:
    """Every consumer group has committed everything on the topic it reads."""
    lags = {
        group: await kafka.lag(stack.bootstrap, group, topic) for group, topic in CONSUMERS.items()
    }
    assert not any(lags.values()), f"lag per group: {lags}"
    return True


async def test_a_restart_keeps_every_seat_offset_and_mail(stack: Stack) -> None:
    event_id = await create_event(stack, capacity=2, title="Werkstattgespräch – Neustart")
    event_url = f"{stack.gateway_url}/api/v1/events/{event_id}"
    async with httpx.AsyncClient(follow_redirects=False) as browser:
        people = await register_people(stack, browser, event_id, 4)  # each one decided
        addresses = {email for email, _ in people}
        before = [await registration(browser, stack, url) for _, url in people]
        event_before = (await browser.get(event_url)).json()
    assert [p["status"] for p in before] == ["confirmed"] * 2 + ["waitlisted"] * 2
    decisions_before = decisions_of(
        event_id,
        await kafka.read_until(
            stack.bootstrap, DECISIONS, lambda rs: len(decisions_of(event_id, rs)) >= 4
        ),
    )

    # at once: mails may still be on their way and offsets uncommitted
    await stack.halt()
    await stack.start()

    async with httpx.AsyncClient(follow_redirects=False) as browser:
        # the gateway's catalogue is rebuilt from the kept topic
        await eventually(lambda: _ok(browser, event_url), what="the event in the rebuilt catalog")
        event_after = (await browser.get(event_url)).json()
        assert {k: event_after[k] for k in ("seats_left", "status", "capacity")} == {
            k: event_before[k] for k in ("seats_left", "status", "capacity")
        }
        assert [await registration(browser, stack, url) for _, url in people] == before
        # the consumers carry on from their committed offsets; what they see again is
        # recognised: no decision is taken twice, no mail sent twice
        await eventually(lambda: caught_up(stack), what="every consumer group caught up")
        await eventually(lambda: _at_least(mails_to(stack, addresses), 4), what="4 mails")
        decisions_after = decisions_of(event_id, await kafka.read_all(stack.bootstrap, DECISIONS))
        assert len(decisions_after) == len(decisions_before) == 4
        assert len(mails_to(stack, addresses)) == 4

        # and the platform goes on where it stopped: the first on the waiting list moves up
        (confirmation,) = mails_to(stack, {people[0][0]})
        await cancel_via_link(browser, cancel_link(confirmation))
        await eventually(
            lambda: _status(browser, stack, people[2][1], "confirmed"),
            what="the first on the waiting list moved up",
        )
        assert (await registration(browser, stack, people[3][1])) == {
            "status": "waitlisted",
            "waitlist_position": 1,
        }
    await eventually(
        lambda: _at_least(mails_to(stack, {people[2][0]}), 2), what="the promotion mail"
    )


async def _ok(browser: httpx.AsyncClient, url: str) -> bool:
    answer = await browser.get(url)
    assert answer.status_code == 200, answer.status_code
    return True


async def _status(browser: httpx.AsyncClient, stack: Stack, url: str, status: str) -> bool:
    shown = await registration(browser, stack, url)
    assert shown["status"] == status, shown
    return True
