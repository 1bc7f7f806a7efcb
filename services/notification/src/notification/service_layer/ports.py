"""What the use cases need from the outside world, and how those parts fail."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from contracts.http.stands import ApplicationContact
from contracts.messages import NotificationKind
from notification.domain.model import Contact, Delivery, EventInfo, Letter


class TransientError(Exception):
    """Something the mail needs is not available now; the decision is retried later."""


class EventNotKnownYet(TransientError):
    """The catalogue consumer has not seen the event yet."""


class ContactUnavailable(TransientError):
    """The registration service does not answer, or does not know the registration yet."""


class MailDeferred(TransientError):
    """The SMTP server is unreachable or answered 4xx: try again later."""


class MailRejected(Exception):
    """The SMTP server refused the mail for good (5xx). The text is safe to publish: it
    carries status codes only, never the address."""


class ContactDirectory(Protocol):
    """The registration service, which keeps (and alone keeps) the contacts."""

    async def find(self, registration_id: UUID) -> Contact | None:
        """The registration's contact; ``None`` when the registration is unknown."""

    async def find_application(self, application_id: UUID) -> ApplicationContact | None:
        """A stand application with its applicant's contact and links; ``None`` when the
        application is unknown."""


class Mailer(Protocol):
    async def send(self, mail: Letter) -> None:
        """Deliver ``mail``; raises ``MailDeferred`` or ``MailRejected``."""


class DeliveryRepository(Protocol):
    async def claim(self, delivery: Delivery) -> Delivery:
        """Insert ``delivery`` unless its decision has a row; returns the stored row."""

    async def save(self, delivery: Delivery) -> None:
        """Store status, attempts, last error and sending time."""

    async def count_sent(self, registration_id: UUID, kind: NotificationKind) -> int:
        """How many mails of ``kind`` the registration was sent."""


class EventCatalog(Protocol):
    async def get(self, event_id: UUID) -> EventInfo | None: ...

    async def upsert(self, event: EventInfo) -> bool:
        """Store ``event`` unless a newer or equal revision is stored; True if stored."""
