"""Mails as MIME messages: text from the Jinja2 templates, the .ics as an attachment."""

from __future__ import annotations

from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

import icalendar
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from notification.domain.model import Letter, Mail

CALENDAR_FILENAME = "termin.ics"

_templates = Environment(
    loader=PackageLoader("notification", "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
    auto_reload=False,  # the templates ship with the code: no stat of the file per mail
)


def programme_text(mail: Letter) -> str:
    """The choice slots a registration's mail names (``{locale}/programme.txt``): the
    session held with room and time, the waiting lists; empty without a programme."""
    if not isinstance(mail, Mail) or not mail.places:
        return ""
    text = _templates.get_template(f"{mail.locale}/programme.txt").render(mail=mail)
    return text.rstrip("\n")


def render_text(mail: Letter) -> tuple[str, str]:
    """Subject (one line) and plain-text body of ``mail`` in its language."""
    template = _templates.get_template(f"{mail.locale}/{mail.kind}.txt")
    context = template.new_context(
        {"mail": mail, "event": mail.event, "programme": programme_text(mail)}
    )
    subject = "".join(template.blocks["subject"](context))
    body = "".join(template.blocks["body"](context))
    return " ".join(subject.split()), body


def calendar(mail: Mail) -> bytes:
    """The event as an iCalendar object (METHOD:PUBLISH) with times in UTC; with a
    programme, the sessions held in LOCATION (rooms) and DESCRIPTION. Every entry of a
    registration has its UID; an update (a change of session) a higher SEQUENCE."""
    event = mail.event
    if event is None:
        raise ValueError("a calendar entry needs the event")
    entry = icalendar.Event()
    entry.add("uid", mail.calendar_uid)
    if mail.calendar_sequence:
        entry.add("sequence", mail.calendar_sequence)
    entry.add("dtstamp", mail.issued_at.astimezone(UTC))
    entry.add("dtstart", event.starts_at.astimezone(UTC))
    entry.add("dtend", event.ends_at.astimezone(UTC))
    entry.add("summary", event.title)
    entry.add("location", mail.calendar_location)
    programme = programme_text(mail)
    entry.add("description", "\n\n".join(part for part in (event.description, programme) if part))
    entry.add("url", mail.status_url)
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Quartier//Veranstaltungen//DE")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    cal.add_component(entry)
    ical: bytes = cal.to_ical()
    return ical


def to_message(mail: Letter, *, sender: str, recipient: Address, now: datetime) -> EmailMessage:
    """The complete message: headers, text and, for a confirmation, the calendar entry."""
    subject, body = render_text(mail)
    message = EmailMessage()
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = subject
    message["Date"] = format_datetime(now)
    message["Message-ID"] = mail.message_id
    message["X-Correlation-ID"] = mail.correlation_id
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body)
    if isinstance(mail, Mail) and mail.with_calendar:
        # bytes, not str: the email package would turn the CRLF iCalendar needs into LF
        message.add_attachment(
            calendar(mail),
            maintype="text",
            subtype="calendar",
            filename=CALENDAR_FILENAME,
            params={"charset": "utf-8", "method": "PUBLISH"},
        )
    message["Content-Language"] = str(mail.locale)
    return message
