"""What the catalogue and the decisions topics ask of the notification service. Pure
Python."""

from __future__ import annotations

from dataclasses import dataclass

from contracts.envelope import Envelope
from contracts.messages import Decision, EventSnapshot


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
