"""The Markt der guten Ideen on the real stack: 150 applications for 20 stands, decided at
the organisers' API as the desk decides them, three withdrawn; every applicant gets exactly
the mails their history implies, in their language; the accepted stands' teams register on
the gateway's pages behind the personal links from their mails while the public rushes the
event, and every one of them gets a seat while the public count stays within the capacity."""

from __future__ import annotations

import asyncio
import collections
import re
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import parseaddr
from typing import Any
from uuid import uuid4

import httpx

from devstack.smtp_sink import read_mails
from devstack.stack import Stack
from tests.support import eventually

from . import kafka
from .over_http import register_via_form
from .rush import all_decided, attendees, register_all
from .test_walking_skeleton import create_event_with

STANDS = 20
APPLICATIONS = 150
CAPACITY = 60
SUBJECTS = {  # the start of each mail's subject, German and English: its kind
    "Bewerbung für einen Stand eingegangen": "received",
    "Stand application received": "received",
    "Zusage für Ihren Stand": "accepted",
    "Your stand is confirmed": "accepted",
    "Ihre Bewerbung für einen Stand auf der Warteliste": "waitlisted",
    "Stand application on the waiting list": "waitlisted",
    "Ihre Bewerbung für einen Stand:": "declined",
    "Your stand application:": "declined",
    "Bewerbung für einen Stand zurückgezogen": "withdrawn",
    "Stand application withdrawn": "withdrawn",
}
TEAM_LINK = re.compile(r"/markt/team/([A-Za-z0-9_.-]+)")


def kind_of(mail: EmailMessage) -> str:
    subject = str(mail["Subject"])
    for start, kind in SUBJECTS.items():
        if subject.startswith(start):
            return kind
    raise AssertionError(f"a mail of no known kind: {subject}")


def body_of(mail: EmailMessage) -> str:
    part = mail.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def call(start: datetime) -> dict[str, Any]:
    return {
        "opens_at": (datetime.now(UTC) - timedelta(days=1)).isoformat(),
        "closes_at": (start - timedelta(days=7)).isoformat(),
        "stands": STANDS,
        "description": "Ein Tisch, Strom und eine Stellwand.",
    }


async def test_a_call_with_150_applications_is_decided_mailed_and_staffed_during_a_rush(
    stack: Stack,
) -> None:
    event = await create_event_with(stack, CAPACITY, "Fachtag – Markt", stand_call=call)
    event_id = event["event_id"]
    tag = uuid4().hex[:6]
    internal = stack.internal_headers
    async with httpx.AsyncClient(base_url=stack.registration_url, timeout=30) as registration:
        limit = asyncio.Semaphore(20)

        async def apply(i: int) -> dict[str, Any]:
            async with limit:
                answer = await registration.post(
                    "/stand-applications",
                    json={
                        "event_id": event_id,
                        "project_title": f"Quartiersprojekt {i}",
                        "organisation": f"Gemeinde {i % 12}",
                        "description": "Nachbarschaft, die trägt.",
                        "contact_name": f"Kontakt {i}",
                        "email": f"stand{i}.{tag}@example.org",
                        "staff": 1 + i % 3,
                        "needs": ["table", "power"] if i % 2 else ["pin_board"],
                        "publish_consent": i % 4 != 0,
                        "privacy_consent": True,
                        "locale": "en" if i % 5 == 0 else "de",
                    },
                )
                assert answer.status_code == 201, answer.text
                return dict(answer.json())

        receipts = await asyncio.gather(*(apply(i) for i in range(APPLICATIONS)))
        ids = [r["application"]["application_id"] for r in receipts]
        email = {r["application"]["application_id"]: r["application"]["email"] for r in receipts}

        async def decide(application_id: str, decision: str, note: str = "") -> httpx.Response:
            return await registration.post(
                f"/events/{event_id}/stand-applications/{application_id}/decision",
                json={"decision": decision, "note": note},
                headers=internal,
            )

        accepted, declined, waitlisted = ids[:20], ids[20:120], ids[120:]
        for application_id in accepted:
            answer = await decide(application_id, "accept", "Herzlich willkommen!")
            assert answer.status_code == 200, answer.text
        refused = await decide(declined[0], "accept")
        assert refused.status_code == 409 and refused.json()["code"] == "stands_full"
        for application_id in declined:
            assert (await decide(application_id, "decline", "Leider kein Platz.")).is_success
        for application_id in waitlisted:
            assert (await decide(application_id, "waitlist")).is_success
        page = (
            await registration.get(f"/events/{event_id}/stand-applications", headers=internal)
        ).json()
        assert page["counts"] == {
            "received": 0,
            "accepted": 20,
            "waitlisted": 30,
            "declined": 100,
            "withdrawn": 0,
        }

        # the accepted stands' teams: their links from the acceptance mails
        applicants = set(email.values())  # the sink holds other tests' mails too

        async def acceptance_mails() -> dict[str, EmailMessage] | None:
            mails = {
                parseaddr(str(m["To"]))[1]: m
                for m in read_mails(stack.mail_dir)
                if parseaddr(str(m["To"]))[1] in applicants and kind_of(m) == "accepted"
            }
            return mails if len(mails) == len(accepted) else None

        by_address = await eventually(
            acceptance_mails, what="the 20 acceptance mails", timeout=120, interval=1
        )
        staff = {a: 1 + ids.index(a) % 3 for a in accepted}
        links = {a: TEAM_LINK.findall(body_of(by_address[email[a]])) for a in accepted}
        assert {a: len(found) for a, found in links.items()} == staff

        # the teams register through their links while the public rushes the event
        public = attendees(CAPACITY * 3, f"markt{tag}")
        team: list[tuple[str, str]] = []

        async def register_team() -> None:  # each on the gateway's page behind their link
            async with httpx.AsyncClient(timeout=30) as client:
                for application_id, tokens in links.items():
                    for n, token in enumerate(tokens):
                        status_url = await register_via_form(
                            client,
                            f"{stack.gateway_url}/markt/team/{token}",
                            f"Team {n}",
                            f"team{n}.{application_id[:8]}.{tag}@example.org",
                            "Standteam",
                        )
                        team.append((application_id, status_url.rsplit("/", 1)[-1]))

        await asyncio.gather(
            register_all(stack.gateway_url, event_id, public, in_flight=30), register_team()
        )
        crowd = [str(p.registration_id) for p in public]
        team_ids = [r for _, r in team]
        decided = await eventually(
            lambda: all_decided(stack.registration_url, crowd + team_ids),
            what="every registration decided",
            timeout=120,
        )
        assert decided["confirmed"] == CAPACITY + sum(staff.values())
        statuses = {
            r: (await registration.get(f"/registrations/{r}")).json()["status"] for r in team_ids
        }
        assert set(statuses.values()) == {"confirmed"}
        snapshot = (await registration.get(f"{stack.capacity_url}/events/{event_id}")).json()
        assert snapshot["seats_taken"] == CAPACITY  # the teams never counted in it
        assert snapshot["stands_taken"] == STANDS

        # three withdraw through their links: an accepted stand (its team released), a
        # waitlisted and a declined application
        withdrawing = [accepted[0], waitlisted[0], declined[1]]
        for application_id in withdrawing:
            token = receipts[ids.index(application_id)]["token"]
            answer = await registration.post(f"/stand-applications/{token}/withdrawal")
            assert answer.status_code == 200 and not answer.json()["already_withdrawn"]

        freed = [r for a, r in team if a == accepted[0]]

        async def team_released() -> bool:
            states = [(await registration.get(f"/registrations/{r}")).json() for r in freed]
            return all(s["status"] == "cancelled" for s in states)

        await eventually(team_released, what="the withdrawn stand's team released", timeout=60)
        released = (await registration.get(f"/registrations/{freed[0]}")).json()
        assert released["cancel_reason"] == "stand_released"

        async def stand_freed() -> bool:
            url = f"{stack.capacity_url}/events/{event_id}"
            return bool((await registration.get(url)).json()["stands_taken"] == STANDS - 1)

        await eventually(stand_freed, what="the withdrawn stand freed")
        snapshot = (await registration.get(f"{stack.capacity_url}/events/{event_id}")).json()
        assert snapshot["seats_taken"] == CAPACITY  # the public kept every seat

    # every applicant: exactly the mails their history implies
    implied = {a: ["received", "accepted"] for a in accepted}
    implied |= {a: ["received", "declined"] for a in declined}
    implied |= {a: ["received", "waitlisted"] for a in waitlisted}
    for application_id in withdrawing:
        implied[application_id] = [*implied[application_id], "withdrawn"]
    wanted = {email[a]: collections.Counter(kinds) for a, kinds in implied.items()}

    async def every_mail() -> dict[str, collections.Counter[str]] | None:
        got: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
        for mail in read_mails(stack.mail_dir):
            address = parseaddr(str(mail["To"]))[1]
            if address in wanted:
                got[address][kind_of(mail)] += 1
        return dict(got) if got == wanted else None

    await eventually(every_mail, what="every applicant's mails", timeout=120, interval=1)
    english = [
        m
        for m in read_mails(stack.mail_dir)
        if parseaddr(str(m["To"]))[1] == email[ids[0]] and kind_of(m) == "accepted"
    ]
    assert str(english[0]["Subject"]).startswith("Your stand is confirmed")  # i = 0: English

    # on the topic: the changes, no personal data, each valid against its schema
    records = await kafka.read_all(stack.bootstrap, "registration.stand-applications.v1")
    mine = [r for r in records if r.json()["event_id"] == event_id]
    assert len(mine) == APPLICATIONS * 2 + len(withdrawing)
    for record in mine:
        kafka.validate(record)
        assert tag not in str(record.json())
