"""An application for a stand at the Markt der guten Ideen and how the organisers' decisions
and the applicant's withdrawal change it.  Pure Python; the states, decisions and needs are
the API contract's own (``contracts.http.stands``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from contracts.http.stands import ApplicationDecision, StandNeed
from contracts.messages import ApplicationState, StandCall


class Withdrawn(Exception):
    """The applicant withdrew the application: nothing can be decided any more."""


class CallNotOpen(Exception):
    """The event has no call for stands, or it is not open now."""


class NotAccepted(Exception):
    """An exhibitor's link of an application that is not (or no longer) accepted, or for a
    seat its stand does not have."""


def stand_needs(needs: Iterable[StandNeed], other: str) -> tuple[StandNeed, ...]:
    """The needs without repeats in a fixed order; a need described in words counts as
    ``other``."""
    declared = set(needs) | ({StandNeed.OTHER} if other.strip() else set())
    return tuple(n for n in StandNeed if n in declared)


def call_open(call: StandCall | None, now: datetime) -> bool:
    return call is not None and call.opens_at <= now <= call.closes_at


@dataclass(frozen=True)
class Change:
    """One entry of an application's history: the state it reached, when, and the note to
    the applicant that came with a decision."""

    revision: int
    state: ApplicationState
    at: datetime
    note: str = ""


@dataclass
class StandApplication:
    application_id: UUID
    event_id: UUID
    project_title: str
    organisation: str
    description: str
    contact_name: str
    email: str
    staff: int
    needs: tuple[StandNeed, ...]
    needs_other: str
    publish_consent_at: datetime | None
    """When the applicant consented to publish title, Kommune and description (None: not)."""
    privacy_consent_at: datetime
    locale: str
    idempotency_key: str
    received_at: datetime
    history: list[Change] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.history:  # a new application: received (revision 1)
            self.history = [Change(1, ApplicationState.RECEIVED, self.received_at)]

    @property
    def latest(self) -> Change:
        return self.history[-1]

    @property
    def state(self) -> ApplicationState:
        return self.latest.state

    @property
    def revision(self) -> int:
        return self.latest.revision

    @property
    def accepted(self) -> bool:
        return self.state is ApplicationState.ACCEPTED

    @property
    def published(self) -> bool:
        """Listed on the public event page: accepted, with the consent to publish."""
        return self.accepted and self.publish_consent_at is not None

    def decide(self, decision: ApplicationDecision, note: str, at: datetime) -> bool:
        """The organisers accept, waitlist or decline (again); False when the application is
        in that state already (nothing changes, no mail).  Raises ``Withdrawn``."""
        if self.state is ApplicationState.WITHDRAWN:
            raise Withdrawn
        if self.state is decision.state:
            return False
        self.history.append(Change(self.revision + 1, decision.state, at, note.strip()))
        return True

    def withdraw(self, at: datetime) -> bool:
        """The applicant withdraws; False when withdrawn before."""
        if self.state is ApplicationState.WITHDRAWN:
            return False
        self.history.append(Change(self.revision + 1, ApplicationState.WITHDRAWN, at))
        return True

    def held_stand_before(self) -> bool:
        """Whether the state before the latest change was accepted (a stand to free)."""
        return len(self.history) > 1 and self.history[-2].state is ApplicationState.ACCEPTED


@dataclass(frozen=True)
class ApplicationCounts:
    """An event's applications counted, for the desk: per state, what the accepted stands
    need (per kind) and how many staff they bring, and every Kommune that applied."""

    states: dict[ApplicationState, int]
    accepted_needs: dict[StandNeed, int]
    accepted_staff: int
    organisations: list[str]
