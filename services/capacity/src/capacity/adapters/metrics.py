"""Capacity's own metrics: the decisions and session moves each committed transaction
published (servicekit's HTTP, outbox and consumer metrics are in ``servicekit.metrics``)."""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client import Counter

from contracts import messages as m

SERVICE = "capacity"
DECISIONS = Counter(
    "quartier_decisions",
    "Seat decisions committed, per kind (confirmed, waitlisted, rejected, released)",
    ["service", "kind"],
)
SESSION_MOVES = Counter(
    "quartier_session_moves",
    "Changes of who holds or waits for a session, per change (assigned, waitlisted, "
    "released) and reason",
    ["service", "change", "reason"],
)
KINDS: dict[type[m.IntegrationEvent], str] = {
    m.SeatConfirmed: "confirmed",
    m.Waitlisted: "waitlisted",
    m.RegistrationRejected: "rejected",
    m.SeatReleased: "released",
}


def count(committed: Iterable[m.IntegrationEvent]) -> None:
    """Count the decisions among the messages of a committed transaction."""
    for payload in committed:
        kind = KINDS.get(type(payload))
        if kind is not None:
            DECISIONS.labels(SERVICE, kind).inc()
        elif isinstance(payload, m.SessionSeatAssigned):
            SESSION_MOVES.labels(SERVICE, "assigned", payload.reason.value).inc()
        elif isinstance(payload, m.SessionSeatReleased):
            SESSION_MOVES.labels(SERVICE, "released", payload.reason.value).inc()
        elif isinstance(payload, m.SessionWaitlisted):
            SESSION_MOVES.labels(SERVICE, "waitlisted", "").inc()
