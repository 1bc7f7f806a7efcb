"""The one place that wires adapters to the handlers' ports: the worker calls ``bootstrap``
with the pool it opened, the unit tests with fakes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

import asyncpg

from notification.adapters.contacts import HttpContactDirectory
from notification.adapters.mailer import SmtpConfig, SmtpMailer
from notification.adapters.repository import PostgresUnitOfWork
from notification.config import Settings
from notification.service_layer.handlers import Dependencies
from notification.service_layer.ports import ContactDirectory, Mailer
from notification.service_layer.unit_of_work import UnitOfWork
from servicekit.database import units_of_work

RELAY_LOCK = 0x6E6F7469  # "noti": one relay per notification database publishes


def bootstrap(
    settings: Settings,
    *,
    pool: asyncpg.Pool | None = None,
    uow: Callable[[], UnitOfWork] | None = None,
    contacts: ContactDirectory | None = None,
    mailer: Mailer | None = None,
    clock: Callable[[], datetime] | None = None,
) -> Dependencies:
    """The real adapters (Postgres on ``pool``, the registration service over HTTP, SMTP),
    each replaced by the fake a test passes instead."""
    if contacts is None:
        token = settings.internal_token.get_secret_value()
        contacts = HttpContactDirectory(settings.registration_url, token)
    deps = Dependencies(
        uow=units_of_work(PostgresUnitOfWork, pool, uow),
        contacts=contacts,
        mailer=mailer if mailer is not None else SmtpMailer(smtp_config(settings)),
        public_base_url=settings.public_base_url,
    )
    return deps if clock is None else replace(deps, clock=clock)


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
