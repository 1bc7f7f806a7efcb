"""Sending over SMTP with aiosmtplib; failures become ``MailDeferred`` or ``MailRejected``.

Error texts carry SMTP status codes only: server answers often quote the address.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.errors import MessageError
from email.headerregistry import Address

import aiosmtplib

from notification.adapters import metrics
from notification.adapters.rendering import to_message
from notification.domain.model import Letter, Recipient
from notification.service_layer.ports import MailDeferred, MailRejected

_ENHANCED_STATUS = re.compile(r"^\s*([245]\.\d{1,3}\.\d{1,3})\b")


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    sender: str
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout: float = 10.0


class SmtpMailer:
    """Keeps one SMTP connection and sends over it (mails queue on a lock); a connection
    that failed or idled out is replaced on the next mail."""

    def __init__(self, config: SmtpConfig) -> None:
        self._config = config
        self._smtp: aiosmtplib.SMTP | None = None
        self._lock = asyncio.Lock()

    async def _connection(self) -> aiosmtplib.SMTP:
        if self._smtp is not None and self._smtp.is_connected:
            return self._smtp
        config = self._config
        smtp = aiosmtplib.SMTP(
            hostname=config.host,
            port=config.port,
            username=config.username,
            password=config.password,
            start_tls=config.starttls,
            timeout=config.timeout,
        )
        await smtp.connect()
        self._smtp = smtp
        return smtp

    def _drop(self) -> None:
        if self._smtp is not None:
            self._smtp.close()
        self._smtp = None

    async def send(self, mail: Letter) -> None:
        message = to_message(
            mail,
            sender=self._config.sender,
            recipient=_address(mail.recipient),
            now=datetime.now(UTC),
        )
        metrics.SENDING.inc()
        try:
            async with self._lock:
                try:
                    smtp = await self._connection()
                    await smtp.send_message(message)
                except (
                    aiosmtplib.SMTPServerDisconnected,
                    aiosmtplib.SMTPConnectError,
                    aiosmtplib.SMTPTimeoutError,
                    OSError,
                ):
                    self._drop()
                    raise
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [refused.code for refused in exc.recipients]
            first = exc.recipients[0]
            status = _status(first.code, first.message)
            if all(code >= 500 for code in codes):
                raise MailRejected(f"recipient refused: {status}") from None
            metrics.DEFERRED.inc()
            raise MailDeferred(f"recipient deferred: {status}") from None
        except aiosmtplib.SMTPResponseException as exc:
            status = _status(exc.code, exc.message)
            if exc.code >= 500 and isinstance(exc, aiosmtplib.SMTPDataError):
                raise MailRejected(f"message refused: {status}") from None
            # 4xx, or 5xx to our sender, credentials or greeting: a configuration or server
            # problem that every mail would hit. Retried until someone fixes it.
            metrics.DEFERRED.inc()
            raise MailDeferred(f"{type(exc).__name__}: {status}") from None
        except (aiosmtplib.SMTPException, OSError) as exc:
            metrics.UNAVAILABLE.inc()
            raise MailDeferred(f"smtp server unavailable: {type(exc).__name__}") from None
        finally:
            metrics.SENDING.dec()


def _address(contact: Recipient) -> Address:
    try:
        return Address(display_name=" ".join(contact.name.split()), addr_spec=contact.email)
    except (ValueError, IndexError, MessageError):
        raise MailRejected("invalid recipient address") from None


def _status(code: int, message: str) -> str:
    """``550 5.1.1``: the code and the enhanced status, nothing the server quoted."""
    enhanced = _ENHANCED_STATUS.match(message)
    return f"{code} {enhanced.group(1)}" if enhanced else str(code)
