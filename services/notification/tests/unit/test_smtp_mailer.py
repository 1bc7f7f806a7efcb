"""How SMTP answers become a retry or a final failure, without quoting the address."""

from __future__ import annotations

from dataclasses import replace

import aiosmtplib
import pytest

from contracts.messages import SeatConfirmed
from notification.adapters import mailer as smtp
from notification.domain.model import compose
from notification.service_layer.ports import MailDeferred, MailRejected

ADDRESS = "joerg.mueller@kreis.example"


@pytest.fixture
def mail(world):
    decision = world.decision(SeatConfirmed)
    contact = world.contacts.known[decision.registration_id]
    event = world.store.events[decision.event_id]
    return compose(decision, contact, event, correlation_id="c", public_base_url="http://x")


@pytest.fixture
def answers(monkeypatch):
    """Replace ``aiosmtplib.SMTP`` by one whose send raises the given exception; records
    what was sent and how the connection was set up."""
    calls = []

    def answer(exc):
        class FakeSmtp:
            def __init__(self, **options):
                self.options = options
                self.is_connected = False

            async def connect(self):
                self.is_connected = True

            async def send_message(self, message):
                calls.append((message, self.options))
                if exc is not None:
                    raise exc
                return {}, "250 OK"

            def close(self):
                self.is_connected = False

        monkeypatch.setattr(aiosmtplib, "SMTP", FakeSmtp)
        return calls

    return answer


def mailer():
    return smtp.SmtpMailer(smtp.SmtpConfig(host="127.0.0.1", port=2525, sender="a@b.example"))


async def test_the_message_goes_to_the_configured_server(mail, answers):
    calls = answers(None)

    sender = mailer()
    await sender.send(mail)
    await sender.send(mail)  # over the same connection

    (message, options), _ = calls
    assert message["To"].addresses[0].addr_spec == ADDRESS
    assert (options["hostname"], options["port"], options["start_tls"]) == (
        "127.0.0.1",
        2525,
        False,
    )
    assert options["timeout"] == 10.0


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (
            aiosmtplib.SMTPRecipientsRefused(
                [aiosmtplib.SMTPRecipientRefused(550, f"5.1.1 <{ADDRESS}>: unknown user", ADDRESS)]
            ),
            "recipient refused: 550 5.1.1",
        ),
        (
            aiosmtplib.SMTPDataError(554, f"5.7.1 message from {ADDRESS} refused"),
            "message refused: 554 5.7.1",
        ),
    ],
)
async def test_a_5xx_for_the_recipient_or_message_is_final(mail, answers, exc, expected):
    answers(exc)

    with pytest.raises(MailRejected) as raised:
        await mailer().send(mail)

    assert str(raised.value) == expected


@pytest.mark.parametrize(
    "exc",
    [
        aiosmtplib.SMTPConnectError("Error connecting to 127.0.0.1 on port 2525"),
        aiosmtplib.SMTPServerDisconnected("Unexpected EOF"),
        aiosmtplib.SMTPTimeoutError("Timed out"),
        ConnectionRefusedError(111, "Connection refused"),
        aiosmtplib.SMTPRecipientsRefused(
            [aiosmtplib.SMTPRecipientRefused(450, f"4.2.1 <{ADDRESS}>: try later", ADDRESS)]
        ),
        aiosmtplib.SMTPSenderRefused(553, "5.7.1 sender not allowed", "a@b.example"),
        aiosmtplib.SMTPAuthenticationError(535, "5.7.8 bad credentials"),
    ],
)
async def test_an_unavailable_server_or_a_4xx_is_retried(mail, answers, exc):
    answers(exc)

    with pytest.raises(MailDeferred) as raised:
        await mailer().send(mail)

    assert ADDRESS not in str(raised.value)
    assert raised.value.__suppress_context__


async def test_an_address_that_cannot_be_written_is_final(mail, answers):
    calls = answers(None)
    broken = replace(mail, recipient=replace(mail.recipient, email="kein-at-zeichen"))

    with pytest.raises(MailRejected, match="invalid recipient address"):
        await mailer().send(broken)

    assert calls == []
