"""Sample events for a fresh platform, created through the organiser API.

``python -m devstack.demo [CAPACITY_URL]`` (default http://127.0.0.1:8002).  Creating
events wants capacity's internal token: ``CAPACITY_INTERNAL_TOKEN`` if set, else the one a
running ``make run`` wrote to ``.data/internal-token``, else the dev default.
"""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from devstack.stack import INTERNAL_TOKEN_FILE, ROOT
from servicekit.http import INTERNAL_TOKEN_HEADER

DEV_TOKEN = "dev-internal-token"  # noqa: S105 - capacity's own dev default
DEVSTACK_TOKEN_FILE = ROOT / ".data" / INTERNAL_TOKEN_FILE


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
            sample |= {
                "starts_at": (base + timedelta(hours=start_h)).isoformat(),
                "ends_at": (base + timedelta(hours=end_h)).isoformat(),
                "waitlist_enabled": True,
            }
            (await client.post("/events", json=sample)).raise_for_status()
            created += 1
        return created


if __name__ == "__main__":
    url = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8002"
    sys.stderr.write(f"created {asyncio.run(seed(url, internal_token()))} sample events\n")
