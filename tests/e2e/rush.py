"""Many attendees at once through the gateway's public JSON API, as the e2e tests and the
benchmark drive it."""

from __future__ import annotations

import asyncio
import collections
import time
from dataclasses import dataclass, field
from uuid import uuid4

import httpx


@dataclass
class Attendee:
    name: str
    email: str
    idempotency_key: str = field(default_factory=lambda: str(uuid4()))
    registration_id: str | None = None
    attempts: int = 0
    choices: dict[str, list[str]] = field(default_factory=dict)
    """Per choice slot of the programme, the sessions ranked."""


def attendees(n: int, tag: str) -> list[Attendee]:
    return [Attendee(f"Teilnehmerin {i}", f"{tag}.{i}@example.org") for i in range(n)]


async def register_all(
    gateway_url: str,
    event_id: str,
    people: list[Attendee],
    *,
    in_flight: int,
    retry_for: float = 300.0,
) -> None:
    """Every attendee registers once, ``in_flight`` at a time; a failed attempt (the
    registration service is down) is repeated with the same idempotency key, as a person
    pressing the button again would."""
    url = f"{gateway_url}/api/v1/events/{event_id}/registrations"
    limit = asyncio.Semaphore(in_flight)
    deadline = time.monotonic() + retry_for

    async def one(person: Attendee, client: httpx.AsyncClient) -> None:
        async with limit:
            while True:
                person.attempts += 1
                try:
                    answer = await client.post(
                        url,
                        json={
                            "name": person.name,
                            "email": person.email,
                            "organisation": "Landkreis Musterhausen",
                            "privacy_consent": True,
                            **({"choices": person.choices} if person.choices else {}),
                        },
                        headers={"Idempotency-Key": person.idempotency_key},
                    )
                    if answer.status_code == 202:
                        person.registration_id = answer.json()["registration_id"]
                        return
                    if answer.status_code < 500:
                        raise AssertionError(f"{answer.status_code}: {answer.text[:300]}")
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise AssertionError(f"{person.email} could not register in time")
                await asyncio.sleep(0.2)

    async with httpx.AsyncClient(
        timeout=10,
        limits=httpx.Limits(max_connections=in_flight, max_keepalive_connections=in_flight),
    ) as client:
        await asyncio.gather(*(one(p, client) for p in people))


async def statuses(registration_url: str, ids: list[str]) -> dict[str, dict[str, object]]:
    limit = asyncio.Semaphore(50)
    async with httpx.AsyncClient(base_url=registration_url, timeout=10) as client:

        async def one(registration_id: str) -> tuple[str, dict[str, object]]:
            async with limit:
                answer = await client.get(f"/registrations/{registration_id}")
                answer.raise_for_status()
                return registration_id, answer.json()

        return dict(await asyncio.gather(*(one(i) for i in ids)))


async def all_decided(registration_url: str, ids: list[str]) -> dict[str, int]:
    """A probe for ``eventually``: how many of ``ids`` have each status, once none is
    pending any more."""
    counts = collections.Counter(
        str(s["status"]) for s in (await statuses(registration_url, ids)).values()
    )
    assert "pending" not in counts, f"statuses: {dict(counts)}"
    return dict(counts)


async def cancel_by_token(
    gateway_url: str, registration_url: str, headers: dict[str, str], registration_id: str
) -> None:
    """Cancel with the token of the person's mail link (from the registration service's
    contact answer, as notification gets it), through the gateway's API."""
    async with httpx.AsyncClient(timeout=10) as client:
        contact = await client.get(
            f"{registration_url}/registrations/{registration_id}/contact", headers=headers
        )
        contact.raise_for_status()
        token = contact.json()["cancel_token"]
        answer = await client.post(f"{gateway_url}/api/v1/cancellations/{token}")
        assert answer.status_code == 200, answer.text
