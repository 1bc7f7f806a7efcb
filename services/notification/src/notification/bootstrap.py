"""The one place that wires adapters to the handlers' ports; tests pass fakes."""

from __future__ import annotations

from collections.abc import Callable

import asyncpg

from notification.adapters.contacts import HttpContactDirectory
from notification.adapters.mailer import SmtpConfig, SmtpMailer
from notification.adapters.repository import PostgresUnitOfWork
from notification.config import Settings
from notification.service_layer.handlers import Dependencies
from notification.service_layer.ports import ContactDirectory, Mailer
from notification.service_layer.unit_of_work import UnitOfWork

RELAY_LOCK = 0x6E6F7469  # "noti": one relay per notification database publishes


def bootstrap(
    settings: Settings,
    *,
    uow: Callable[[], UnitOfWork],
    contacts: ContactDirectory,
    mailer: Mailer,
) -> Dependencies:
    return Dependencies(
        uow=uow, contacts=contacts, mailer=mailer, public_base_url=settings.public_base_url
    )


def for_pool(settings: Settings, pool: asyncpg.Pool) -> Dependencies:
    """The real adapters: Postgres, the registration service over HTTP, SMTP."""
    return bootstrap(
        settings,
        uow=lambda: PostgresUnitOfWork(pool),
        contacts=HttpContactDirectory(
            settings.registration_url, settings.internal_token.get_secret_value()
        ),
        mailer=SmtpMailer(smtp_config(settings)),
    )


def smtp_config(settings: Settings) -> SmtpConfig:
    return SmtpConfig(
        host=settings.smtp_host,
        port=settings.smtp_port,
        sender=settings.mail_from,
        username=settings.smtp_username,
        password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
        starttls=settings.smtp_starttls,
        timeout=settings.smtp_timeout,
    )
