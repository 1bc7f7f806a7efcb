"""The mails to a stand's applicant at the Markt der guten Ideen, without IO: one per change
of the application (received, accepted, waitlisted, declined, withdrawn), to the contact the
registration service gives for it."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from contracts.http.stands import ApplicationContact, StandApplication
from contracts.messages import (
    StandApplicationAccepted,
    StandApplicationChange,
    StandApplicationDeclined,
    StandApplicationWithdrawn,
)
from notification.domain.dates import format_period
from notification.domain.model import (
    STAND_MAILS,
    EventInfo,
    Letter,
    Recipient,
    change_key,
    message_id,
)


def application_url(site_url: str, token: str) -> str:
    """The applicant's page: the application as sent, its state, the withdrawal."""
    return f"{site_url}/markt/bewerbung/{quote(token, safe='')}"


def exhibitor_url(site_url: str, token: str) -> str:
    """One staff member's personal registration for the day (a seat kept for the stand)."""
    return f"{site_url}/markt/team/{quote(token, safe='')}"


def note_of(application: StandApplication, revision: int) -> str:
    """The organisers' note to the applicant with the change ``revision`` (empty: none)."""
    return next(
        (entry.note.strip() for entry in application.history if entry.revision == revision), ""
    )


def lags_behind(contact: ApplicationContact, change: StandApplicationChange) -> bool:
    """The registration service's answer does not know the change yet (a replica behind):
    its note and, once accepted, the team's links may be missing."""
    return contact.application.revision < change.revision


@dataclass(frozen=True, kw_only=True)
class StandMail(Letter):
    """Everything a mail to a stand's applicant says."""

    application: StandApplication
    application_url: str
    """The applicant's link (see and withdraw the application)."""
    note: str = ""
    """The organisers' note with this change, if they wrote one."""
    exhibitor_urls: tuple[str, ...] = ()
    """One personal registration link per staff member, for an accepted stand."""
    was_accepted: bool = False
    """For a declined or withdrawn application: it held a stand, now free again."""


def compose_stand_mail(
    change: StandApplicationChange,
    contact: ApplicationContact,
    event: EventInfo,
    *,
    correlation_id: str,
    public_base_url: str,
) -> StandMail:
    """The mail for ``change`` in the application's language, with the note of the change's
    revision; the team's links only in the acceptance."""
    kind = STAND_MAILS[type(change)]
    application = contact.application
    locale = application.locale
    site_url = public_base_url.rstrip("/")
    team = contact.exhibitor_tokens if isinstance(change, StandApplicationAccepted) else []
    return StandMail(
        kind=kind,
        locale=locale,
        message_id=message_id(change_key(change)),
        correlation_id=correlation_id,
        recipient=Recipient(name=application.contact_name, email=application.email, locale=locale),
        event=event,
        when=format_period(event.starts_at, event.ends_at, locale),
        site_url=site_url,
        issued_at=change.occurred_at,
        application=application,
        application_url=application_url(site_url, contact.token),
        note=note_of(application, change.revision),
        exhibitor_urls=tuple(exhibitor_url(site_url, token) for token in team),
        was_accepted=isinstance(change, StandApplicationDeclined | StandApplicationWithdrawn)
        and change.was_accepted,
    )
