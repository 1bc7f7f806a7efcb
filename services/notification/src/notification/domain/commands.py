"""What the catalogue, the decisions and the stand applications topics ask of the
notification service. Pure Python."""

from __future__ import annotations

from dataclasses import dataclass

from contracts.envelope import Envelope
from contracts.messages import Decision, EventSnapshot, StandApplicationChange


@dataclass(frozen=True)
class RecordEvent:
    """Keep the event's newest revision (for mail texts and calendar entries)."""

    snapshot: EventSnapshot


@dataclass(frozen=True)
class MailDecision:
    """Send the attendee the mail for a seat decision, once."""

    decision: Decision
    envelope: Envelope
    """The decision's message: its correlation id goes into the mail and its id is the
    cause of ``NotificationSent`` / ``NotificationFailed``."""


@dataclass(frozen=True)
class MailApplicationChange:
    """Send a stand's applicant the mail for a change of the application, once."""

    change: StandApplicationChange
    envelope: Envelope
