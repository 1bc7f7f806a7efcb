"""A stand application as the registration service's contact endpoint gives it, and its
changes as ``registration.stand-applications.v1`` carries them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

from contracts.http.stands import (
    ApplicationContact,
    ApplicationHistoryEntry,
    StandApplication,
    StandNeed,
)
from contracts.messages import (
    ApplicationState,
    Locale,
    StandApplicationAccepted,
    StandApplicationChange,
    StandApplicationDeclined,
    StandApplicationReceived,
    StandApplicationWaitlisted,
    StandApplicationWithdrawn,
)

RECEIVED_AT = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)
CHANGES: dict[ApplicationState, type[StandApplicationChange]] = {
    ApplicationState.RECEIVED: StandApplicationReceived,
    ApplicationState.ACCEPTED: StandApplicationAccepted,
    ApplicationState.WAITLISTED: StandApplicationWaitlisted,
    ApplicationState.DECLINED: StandApplicationDeclined,
    ApplicationState.WITHDRAWN: StandApplicationWithdrawn,
}


def application_token(application_id: UUID) -> str:
    """Shaped like the registration service's signed tokens (URL-safe, dotted)."""
    return f"Ap{application_id.hex[:10]}.aB3xYw.{application_id.hex[10:22]}-s_g"


def exhibitor_token(application_id: UUID, seat: int) -> str:
    return f"Ex{application_id.hex[:8]}.{seat}.kT9v-{application_id.hex[8:16]}"


def application_contact(
    event_id: UUID,
    states: Sequence[ApplicationState] = (ApplicationState.RECEIVED,),
    *,
    application_id: UUID | None = None,
    notes: Mapping[int, str] | None = None,
    staff: int = 2,
    locale: Locale = Locale.DE,
    needs: tuple[StandNeed, ...] = (StandNeed.TABLE, StandNeed.POWER),
    needs_other: str = "",
) -> ApplicationContact:
    """The application after the changes ``states`` (revision 1 is the first), the
    organisers' ``notes`` by revision; one exhibitor token per staff member while the last
    state is accepted, as the registration service gives them."""
    application_id = application_id or uuid4()
    notes = notes or {}
    history = [
        ApplicationHistoryEntry(
            revision=revision,
            state=state,
            at=RECEIVED_AT + timedelta(days=revision - 1),
            note=notes.get(revision, ""),
        )
        for revision, state in enumerate(states, start=1)
    ]
    state = history[-1].state
    application = StandApplication(
        application_id=application_id,
        event_id=event_id,
        state=state,
        project_title="Gemeinschaftsgarten Nordviertel",
        organisation="Stadt Eberswalde",
        description="Ein Garten, den die Nachbarschaft gemeinsam pflegt.",
        contact_name="Dr. Jörg Müller-Lüdenscheidt",
        email="joerg.mueller@kreis.example",
        staff=staff,
        needs=needs,
        needs_other=needs_other,
        publish_consent=True,
        locale=locale,
        received_at=RECEIVED_AT,
        decided_at=history[-1].at if len(history) > 1 else None,
        revision=len(history),
        history=history,
    )
    accepted = state is ApplicationState.ACCEPTED
    return ApplicationContact(
        application=application,
        token=application_token(application_id),
        exhibitor_tokens=[
            exhibitor_token(application_id, seat) for seat in range(1, staff + 1) if accepted
        ],
    )


def change_of(
    contact: ApplicationContact, revision: int | None = None, **fields: object
) -> StandApplicationChange:
    """The message for the application's change ``revision`` (the last by default)."""
    application = contact.application
    entry = application.history[(revision or application.revision) - 1]
    return CHANGES[entry.state].model_validate(
        {
            "application_id": application.application_id,
            "event_id": application.event_id,
            "revision": entry.revision,
            "staff": application.staff,
            "locale": application.locale,
            "occurred_at": entry.at,
            **fields,
        }
    )
