"""The topic registry: the truth about every topic, its key, its one writer and its messages."""

from __future__ import annotations

from dataclasses import dataclass, field

from contracts import messages as m


@dataclass(frozen=True)
class Topic:
    name: str
    key_field: str
    partitions: int
    owner: str
    messages: tuple[type[m.IntegrationEvent], ...]
    description: str = ""
    by_type: dict[str, type[m.IntegrationEvent]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_type", {cls.ce_type(): cls for cls in self.messages})

    @property
    def dlq(self) -> str:
        """Dead-letter topic: what a consumer of this topic could not handle, with the reason."""
        return f"{self.name}.dlq"

    def key_of(self, payload: m.IntegrationEvent) -> bytes:
        return str(getattr(payload, self.key_field)).encode()


REGISTRATIONS = Topic(
    name="registration.registrations.v1",
    key_field="event_id",
    partitions=8,
    owner="registration",
    messages=(m.RegistrationRequested, m.RegistrationCancelled, m.SessionChoicesChanged),
    description="Every registration, cancellation and change of session choice, keyed by "
    "event id so that one event stays in order.",
)

DECISIONS = Topic(
    name="capacity.decisions.v1",
    key_field="event_id",
    partitions=8,
    owner="capacity",
    messages=(m.SeatConfirmed, m.Waitlisted, m.RegistrationRejected, m.SeatReleased),
    description="Seat decisions: confirmed (also promotions from the waiting list), "
    "waitlisted, rejected, released (cancelled).",
)

SESSIONS = Topic(
    name="capacity.sessions.v1",
    key_field="event_id",
    partitions=8,
    owner="capacity",
    messages=(m.SessionSeatAssigned, m.SessionWaitlisted, m.SessionSeatReleased),
    description="Who holds and who waits for which session of an event's programme (the "
    "Praxisforen): assigned (with rank and previous session), waitlisted, released. "
    "Written in the same transaction as the day's decisions.",
)

CATALOG = Topic(
    name="capacity.catalog.v1",
    key_field="event_id",
    partitions=8,
    owner="capacity",
    messages=(
        m.EventPublished,
        m.EventUpdated,
        m.EventClosed,
        m.EventReopened,
        m.EventCancelled,
    ),
    description="Event lifecycle with the event's full snapshot; the newest revision per key wins.",
)

DELIVERIES = Topic(
    name="notification.deliveries.v1",
    key_field="registration_id",
    partitions=8,
    owner="notification",
    messages=(m.NotificationSent, m.NotificationFailed),
    description="What mail was sent (or failed for good) for which decision.",
)

STAND_APPLICATIONS = Topic(
    name="registration.stand-applications.v1",
    key_field="event_id",
    partitions=8,
    owner="registration",
    messages=(
        m.StandApplicationReceived,
        m.StandApplicationAccepted,
        m.StandApplicationWaitlisted,
        m.StandApplicationDeclined,
        m.StandApplicationWithdrawn,
    ),
    description="Applications for a stand at the Markt der guten Ideen: received, "
    "accepted, waitlisted, declined, withdrawn; ids and counts only.",
)

ALL_TOPICS: tuple[Topic, ...] = (
    REGISTRATIONS,
    DECISIONS,
    SESSIONS,
    CATALOG,
    DELIVERIES,
    STAND_APPLICATIONS,
)


def topic_for(message: type[m.IntegrationEvent]) -> Topic:
    """The one topic a message type is written to."""
    for topic in ALL_TOPICS:
        if message in topic.messages:
            return topic
    raise LookupError(f"{message.__name__} belongs to no topic")
