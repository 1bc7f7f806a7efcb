"""A registration as the registration service reports it: the API contract's models
(``contracts.http.registration``: ``RegistrationState``, ``Cancellation``,
``RegistrationStatus``, …), and what only the site asks of them."""

from __future__ import annotations

from contracts.http.registration import RegistrationState, RegistrationStatus

# While in one of these, the status can still change without the attendee doing anything.
LIVE = frozenset({RegistrationStatus.PENDING, RegistrationStatus.WAITLISTED})


def live(state: RegistrationState) -> bool:
    """Whether the status page should keep asking for news."""
    return state.status in LIVE
