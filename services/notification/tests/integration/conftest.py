"""A stand-in for the registration service's contact endpoints, and settings for tests."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from uuid import UUID

import pytest

from contracts.http.stands import ApplicationContact

TOKEN = "integration-token"
CONTACT_PATH = re.compile(r"^/(registrations|stand-applications)/([0-9a-f-]{36})/contact$")


class ContactApi:
    """``GET /registrations/{id}/contact`` answered from ``contacts``,
    ``GET /stand-applications/{id}/contact`` from ``applications``; 404 when unknown."""

    def __init__(self) -> None:
        self.contacts: dict[UUID, dict[str, object]] = {}
        self.applications: dict[UUID, dict[str, object]] = {}
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                match = CONTACT_PATH.match(self.path)
                if self.headers.get("X-Internal-Token") != TOKEN:
                    self.send_error(401)
                    return
                contact = None
                if match:
                    known = api.contacts if match.group(1) == "registrations" else api.applications
                    contact = known.get(UUID(match.group(2)))
                if contact is None:
                    self.send_error(404)
                    return
                body = json.dumps(contact).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def add(self, registration_id: UUID, *, locale: str = "de") -> str:
        """Make the registration known; returns its cancel token."""
        token = cancel_token(registration_id)
        self.contacts[registration_id] = {
            "registration_id": str(registration_id),
            "name": "Dr. Jörg Müller-Lüdenscheidt",
            "email": f"{registration_id.hex[:8]}@kreis.example",
            "organisation": "Landkreis Beispiel",
            "locale": locale,
            "cancel_token": token,
        }
        return token

    def add_application(self, contact: ApplicationContact) -> ApplicationContact:
        """The registration service knows the application as ``contact`` (its revision)."""
        self.applications[contact.application.application_id] = contact.model_dump(mode="json")
        return contact


def cancel_token(registration_id: UUID) -> str:
    """Shaped like the registration service's signed tokens (URL-safe, dotted)."""
    return f"Ij{registration_id.hex[:10]}Ig.aB3xYw.{registration_id.hex[10:22]}-s_g"


@pytest.fixture
def contact_api() -> Iterator[ContactApi]:
    api = ContactApi()
    thread = threading.Thread(target=api.server.serve_forever, daemon=True)
    thread.start()
    yield api
    api.server.shutdown()
    api.server.server_close()
    thread.join(timeout=5)
