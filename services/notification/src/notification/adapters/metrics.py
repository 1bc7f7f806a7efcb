"""Notification's own metrics: mails queued, being sent, sent, failed and SMTP retries
(servicekit's HTTP, outbox and consumer metrics are in ``servicekit.metrics``)."""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client import Counter, Gauge

from contracts import messages as m

SERVICE = "notification"
MAILS_QUEUED = Counter(
    "quartier_mails_queued",
    "Mails taken up: a decision that gets a mail entered the delivery ledger, per kind",
    ["service", "kind"],
)
MAILS_SENDING = Gauge(
    "quartier_mails_sending",
    "Mails handed to the SMTP client and not yet answered (they queue on one connection)",
    ["service"],
)
MAILS_SENT = Counter(
    "quartier_mails_sent", "Mails the SMTP server accepted, per kind", ["service", "kind"]
)
MAILS_FAILED = Counter(
    "quartier_mails_failed",
    "Mails given up for good (refused recipient, no contact), per kind",
    ["service", "kind"],
)
SMTP_RETRIES = Counter(
    "quartier_smtp_retries",
    "SMTP attempts that failed and will be retried, per reason (deferred: the server "
    "answered 4xx or refused us; unavailable: no connection)",
    ["service", "reason"],
)
SENDING = MAILS_SENDING.labels(SERVICE)
DEFERRED = SMTP_RETRIES.labels(SERVICE, "deferred")
UNAVAILABLE = SMTP_RETRIES.labels(SERVICE, "unavailable")


def queued(kind: m.NotificationKind) -> None:
    MAILS_QUEUED.labels(SERVICE, kind.value).inc()


def count(committed: Iterable[m.IntegrationEvent]) -> None:
    """Count the deliveries concluded by a committed transaction."""
    for payload in committed:
        if isinstance(payload, m.NotificationSent):
            MAILS_SENT.labels(SERVICE, payload.kind.value).inc()
        elif isinstance(payload, m.NotificationFailed):
            MAILS_FAILED.labels(SERVICE, payload.kind.value).inc()
