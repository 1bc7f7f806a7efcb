"""Sample events for a fresh platform, created through the organiser API.

``python -m devstack.demo [CAPACITY_URL]`` (default http://127.0.0.1:8002).  Creating
events wants capacity's internal token: ``CAPACITY_INTERNAL_TOKEN`` if set, else the one a
running ``make run`` wrote to ``.data/internal-token``, else the dev default.
"""

from __future__ import annotations

import asyncio
import os
import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from devstack.stack import INTERNAL_TOKEN_FILE, ROOT
from servicekit.http import INTERNAL_TOKEN_HEADER

DEV_TOKEN = "dev-internal-token"  # noqa: S105 - capacity's own dev default
DEVSTACK_TOKEN_FILE = ROOT / ".data" / INTERNAL_TOKEN_FILE


FORUMS = (
    ("Praxisforum 1: Quartiersarbeit in kleinen Gemeinden", 60),
    ("Praxisforum 2: Wohnen im Alter und Nachbarschaftshilfe", 50),
    ("Praxisforum 3: Pflege und Sorge im Quartier", 50),
    ("Praxisforum 4: Beteiligung, die alle erreicht", 50),
    ("Praxisforum 5: Begegnungsorte und offene Treffs", 40),
    ("Praxisforum 6: Förderung und Finanzierung", 50),
)
"""The Fachtag's six parallel Praxisforen with their capacities (300 seats together)."""


def fachtag_programme(starts_at: datetime, *, fallback: bool = True) -> list[dict[str, Any]]:
    """The Fachtag's day: a keynote, the six Praxisforen (three choices ranked), the Markt
    der guten Ideen."""
    hour = timedelta(hours=1)

    def at(hours: float) -> str:
        return (starts_at + hours * hour).isoformat()

    return [
        {"title": "Begrüßung und Keynote", "starts_at": at(0), "ends_at": at(1.5)},
        {
            "title": "Praxisforen",
            "starts_at": at(2),
            "ends_at": at(3.5),
            "ranks": 3,
            "choice_required": True,
            "fallback": fallback,
            "sessions": [
                {
                    "title": title,
                    "capacity": capacity,
                    "room": f"Raum {number}",
                    "moderation": "Team Quartier",
                    "description": "Erfahrungen aus Kommunen, Austausch in kleiner Runde.",
                }
                for number, (title, capacity) in enumerate(FORUMS, start=1)
            ],
        },
        {"title": "Markt der guten Ideen", "starts_at": at(4.5), "ends_at": at(6)},
    ]


def skewed_ranking(rng: random.Random, sessions: list[str], ranks: int = 3) -> list[str]:
    """A Fachtag attendee's wishes: the first forum is the first choice of 40 %, the
    others share the rest; then further choices at random."""
    weights = [0.4] + [0.6 / (len(sessions) - 1)] * (len(sessions) - 1)
    first = rng.choices(sessions, weights)[0]
    others = [s for s in sessions if s != first]
    return [first, *rng.sample(others, ranks - 1)]


def samples() -> list[dict[str, Any]]:
    return [
        {
            "title": "Fachtag Quartier 2026: Gemeinsam Nachbarschaft gestalten",
            "kind": "fachtag",
            "venue": "Hospitalhof",
            "address": "Büchsenstraße 33, 70174 Stuttgart",
            "city": "Stuttgart",
            "organiser_contact": "Geschäftsstelle Netzwerk Quartier, "
            "fachtag@quartier.example, 0711 123456-0",
            "capacity": 300,
            "description": "Der jährliche Fachtag des Netzwerks Quartier mit Vorträgen, "
            "Praxisforen und dem Markt der guten Ideen.",
            "hours": (0, 8),
        },
        {
            "title": "Werkstattgespräch: Bürgerbeteiligung im ländlichen Raum",
            "kind": "werkstattgespraech",
            "venue": "Rathaus Ulm, Bürgersaal",
            "address": "Marktplatz 1, 89073 Ulm",
            "city": "Ulm",
            "organiser_contact": "Team Bürgerbeteiligung, beteiligung@quartier.example, "
            "0731 123456-0",
            "capacity": 25,
            "description": "Austausch für Kommunen und Quartiersbüros.",
            "hours": (7 * 24 + 6, 7 * 24 + 9),
        },
        {
            "title": "Praxisforum 3: Pflege und Sorge im Quartier",
            "kind": "praxisforum",
            "venue": "Hospitalhof, Raum 2",
            "address": "Büchsenstraße 33, 70174 Stuttgart",
            "city": "Stuttgart",
            "organiser_contact": "Team Quartier, quartier@quartier.example, 0711 123456-20",
            "capacity": 3,
            "description": "Kleine Runde – wenige Plätze, mit Warteliste.",
            "hours": (5, 7),
        },
    ]


def internal_token(token_file: Path = DEVSTACK_TOKEN_FILE) -> str:
    """``CAPACITY_INTERNAL_TOKEN``, else what ``make run`` left in ``token_file``, else the
    dev default."""
    if token := os.environ.get("CAPACITY_INTERNAL_TOKEN"):
        return token
    if token_file.is_file():
        return token_file.read_text().strip() or DEV_TOKEN
    return DEV_TOKEN


async def seed(capacity_url: str, token: str) -> int:
    """Create the samples if there are no events yet; returns how many were created."""
    async with httpx.AsyncClient(
        base_url=capacity_url, timeout=10, headers={INTERNAL_TOKEN_HEADER: token}
    ) as client:
        if (await client.get("/events")).json():
            return 0
        created = 0
        for sample in samples():
            start_h, end_h = sample.pop("hours")
            base = (datetime.now(UTC) + timedelta(days=45)).replace(
                hour=7, minute=0, second=0, microsecond=0
            )
            starts_at = base + timedelta(hours=start_h)
            sample |= {
                "starts_at": starts_at.isoformat(),
                "ends_at": (base + timedelta(hours=end_h)).isoformat(),
                "waitlist_enabled": True,
            }
            if sample["kind"] == "fachtag":
                sample["programme"] = fachtag_programme(starts_at)
                sample["stand_call"] = {
                    "opens_at": (base - timedelta(days=50)).isoformat(),
                    "closes_at": (base - timedelta(days=14)).isoformat(),
                    "stands": 24,
                    "description": "Kommunen und Initiativen zeigen ihre Projekte an einem "
                    "Stand: ein Tisch, zwei Stühle, Strom und eine Stellwand.",
                }
            (await client.post("/events", json=sample)).raise_for_status()
            created += 1
        return created


if __name__ == "__main__":
    url = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8002"
    sys.stderr.write(f"created {asyncio.run(seed(url, internal_token()))} sample events\n")
