"""Capacity's seat decisions as the gateway follows them, for the long polls waiting on one.

A pending registration's status long poll used to be held at the registration service until
its database had the decision (a held connection per waiting attendee, through the gateway's
pool, and two more reads when it woke).  The gateway reads ``capacity.decisions.v1`` itself
now: it asks the registration service once (without holding), waits here, and answers with
the state it got and the decision it saw (``Decided.applied_to``).  Nothing personal is on
the topic, nothing here is kept longer than the last ``keep`` decisions.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import OrderedDict, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from uuid import UUID

from contracts.http.registration import RegistrationAccepted, RegistrationState, RegistrationStatus
from contracts.messages import (
    Decision,
    RegistrationRejected,
    RejectionReason,
    SeatConfirmed,
    Waitlisted,
)


@dataclass(frozen=True)
class Decided:
    """What a decision says about a pending registration's status."""

    status: RegistrationStatus
    waitlist_position: int | None = None
    rejection_reason: RejectionReason | None = None

    @classmethod
    def of(cls, decision: Decision) -> Decided | None:
        """The status a decision gives; None for one that decides no pending registration
        (a release)."""
        if isinstance(decision, SeatConfirmed):
            return cls(RegistrationStatus.CONFIRMED)
        if isinstance(decision, Waitlisted):
            return cls(RegistrationStatus.WAITLISTED, waitlist_position=decision.position)
        if isinstance(decision, RegistrationRejected):
            return cls(RegistrationStatus.REJECTED, rejection_reason=decision.reason)
        return None

    def applied_to(self, state: RegistrationState) -> RegistrationState:
        """``state`` as it is once the registration service applied this decision: the
        waiting-list place is the one given with the decision (the current one then)."""
        return state.model_copy(
            update={
                "status": self.status,
                "waitlist_position": self.waitlist_position,
                "rejection_reason": self.rejection_reason,
            }
        )


@dataclass(frozen=True)
class Registered:
    """A registration passed on, and its decision where the answer waited for one."""

    submission: RegistrationAccepted
    decided: Decided | None = None

    @property
    def status(self) -> RegistrationStatus:
        return self.submission.status if self.decided is None else self.decided.status


class Decisions:
    """The latest decision of each of the last ``keep`` registrations decided, and who waits
    for one."""

    def __init__(self, keep: int = 100_000) -> None:
        self._keep = keep
        self._latest: OrderedDict[UUID, Decided] = OrderedDict()
        self._waiting: defaultdict[UUID, set[asyncio.Event]] = defaultdict(set)

    def __len__(self) -> int:
        return len(self._latest)

    def record(self, decision: Decision) -> None:
        """Take a decision (in the topic's order) and wake who waits for it."""
        registration_id = decision.registration_id
        decided = Decided.of(decision)
        if decided is None:
            # released: the registration is no longer pending, the service has its status
            self._latest.pop(registration_id, None)
            return
        self._latest[registration_id] = decided
        self._latest.move_to_end(registration_id)
        while len(self._latest) > self._keep:
            self._latest.popitem(last=False)
        for woken in self._waiting.get(registration_id, ()):
            woken.set()

    def latest(self, registration_id: UUID) -> Decided | None:
        return self._latest.get(registration_id)

    @contextlib.contextmanager
    def watch(self, registration_id: UUID) -> Iterator[asyncio.Event]:
        """An event set when a decision for the registration arrives; watch before asking
        for the state, so a decision in between is not missed."""
        event = asyncio.Event()
        self._waiting[registration_id].add(event)
        try:
            yield event
        finally:
            self._waiting[registration_id].discard(event)
            if not self._waiting[registration_id]:
                del self._waiting[registration_id]

    async def wait_for(self, registration_id: UUID, seconds: float) -> Decided | None:
        """The registration's decision, waited for at most ``seconds``; None if none came.
        One recorded before the wait began counts too (``latest``)."""
        with self.watch(registration_id) as decided:
            if self.latest(registration_id) is None:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(decided.wait(), seconds)
        return self.latest(registration_id)
