"""Event details the capacity tests share."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from uuid import uuid4

from capacity.domain.model import Details
from capacity.domain.sessions import Session, Slot

START = datetime(2030, 3, 12, 9, tzinfo=UTC)
WORKSHOP = Details(
    title="Werkstattgespräch",
    kind="werkstattgespraech",
    starts_at=START,
    ends_at=START + timedelta(hours=3),
    venue="Rathaus",
    address="Marktplatz 1, 89073 Ulm",
    city="Ulm",
    organiser_contact="Team Quartier, quartier@example.org, 0711 123456",
    waitlist_enabled=True,
)


def fachtag(*capacities: int, ranks: int = 3, fallback: bool = False) -> Details:
    """A Fachtag with a keynote and one choice slot of Praxisforen with ``capacities``."""
    keynote = Slot(uuid4(), "Keynote", START, START + timedelta(hours=1))
    forums = Slot(
        uuid4(),
        "Praxisforen",
        START + timedelta(hours=1),
        START + timedelta(hours=3),
        sessions=tuple(
            Session(uuid4(), f"Praxisforum {n}", capacity, room=f"Raum {n}")
            for n, capacity in enumerate(capacities, start=1)
        ),
        ranks=min(ranks, len(capacities)),
        fallback=fallback,
    )
    return replace(WORKSHOP, title="Fachtag Quartier", kind="fachtag", programme=(keynote, forums))
