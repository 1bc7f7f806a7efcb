"""Event details the capacity tests share."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from capacity.domain.model import Details

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
