"""The registration service's contact endpoints as seen by the notification service."""

from __future__ import annotations

import json
from uuid import uuid4

import httpx
import pytest

from contracts.messages import ApplicationState, Locale
from notification.adapters.contacts import HttpContactDirectory, InvalidContact
from notification.service_layer.ports import ContactUnavailable
from services.notification.tests.stands import application_contact

REGISTRATION_ID = uuid4()


def directory(handler):
    return HttpContactDirectory(
        "http://registration", "t0ken", transport=httpx.MockTransport(handler)
    )


def contact_body(**changes):
    body = {
        "registration_id": str(REGISTRATION_ID),
        "name": "Ada Beispiel",
        "email": "ada@example.org",
        "organisation": None,
        "locale": "en",
        "cancel_token": "ImQ5YjQxZDc2Ig.aB3xYw.kT9v-Ls1_qPz0",
    }
    return {**body, **changes}


async def test_a_known_registration_gives_its_contact():
    requests = []

    def handler(request):
        requests.append(request)
        return httpx.Response(200, json=contact_body())

    contact = await directory(handler).find(REGISTRATION_ID)

    assert contact is not None
    assert (contact.name, contact.email, contact.locale, contact.cancel_token) == (
        "Ada Beispiel",
        "ada@example.org",
        Locale.EN,
        "ImQ5YjQxZDc2Ig.aB3xYw.kT9v-Ls1_qPz0",
    )
    [request] = requests
    assert request.url.path == f"/registrations/{REGISTRATION_ID}/contact"
    assert request.headers["X-Internal-Token"] == "t0ken"


async def test_any_other_locale_means_german():
    contact = await directory(lambda r: httpx.Response(200, json=contact_body(locale="fr"))).find(
        REGISTRATION_ID
    )

    assert contact is not None
    assert contact.locale is Locale.DE


@pytest.mark.parametrize("token", [None, ""])
async def test_a_contact_without_cancel_token_has_none(token):
    body = contact_body(cancel_token=token)
    if token is None:
        del body["cancel_token"]

    contact = await directory(lambda r: httpx.Response(200, json=body)).find(REGISTRATION_ID)

    assert contact is not None
    assert contact.cancel_token is None


APPLICATION = application_contact(uuid4(), [ApplicationState.RECEIVED, ApplicationState.ACCEPTED])
APPLICATION_ID = APPLICATION.application.application_id
LOOKUPS = [
    pytest.param(lambda contacts: contacts.find(REGISTRATION_ID), id="registration"),
    pytest.param(lambda contacts: contacts.find_application(APPLICATION_ID), id="application"),
]
"""Both of the registration service's contact endpoints."""


@pytest.mark.parametrize("lookup", LOOKUPS)
async def test_an_unknown_registration_or_application_is_none(lookup):
    assert await lookup(directory(lambda r: httpx.Response(404))) is None


@pytest.mark.parametrize("lookup", LOOKUPS)
@pytest.mark.parametrize("status", [401, 500, 503])
async def test_an_unhealthy_answer_is_transient(lookup, status):
    with pytest.raises(ContactUnavailable):
        await lookup(directory(lambda r: httpx.Response(status)))


@pytest.mark.parametrize("lookup", LOOKUPS)
async def test_an_unreachable_service_is_transient(lookup):
    def handler(request):
        raise httpx.ConnectError("connection refused", request=request)

    with pytest.raises(ContactUnavailable):
        await lookup(directory(handler))


async def test_an_invalid_body_is_reported_without_the_personal_data():
    body = json.dumps(contact_body(email=None))

    with pytest.raises(InvalidContact) as raised:
        await directory(lambda r: httpx.Response(200, text=body)).find(REGISTRATION_ID)

    assert "Ada" not in str(raised.value)
    assert "email" in str(raised.value)
    assert raised.value.__suppress_context__


async def test_a_known_stand_application_gives_its_contact_history_and_links():
    requests = []

    def handler(request):
        requests.append(request)
        return httpx.Response(200, content=APPLICATION.model_dump_json())

    found = await directory(handler).find_application(APPLICATION_ID)

    assert found == APPLICATION
    assert [entry.revision for entry in found.application.history] == [1, 2]
    assert len(found.exhibitor_tokens) == found.application.staff
    [request] = requests
    assert request.url.path == f"/stand-applications/{APPLICATION_ID}/contact"
    assert request.headers["X-Internal-Token"] == "t0ken"


async def test_an_invalid_application_is_reported_without_the_personal_data():
    body = APPLICATION.model_dump(mode="json")
    del body["token"]

    with pytest.raises(InvalidContact) as raised:
        await directory(lambda r: httpx.Response(200, json=body)).find_application(APPLICATION_ID)

    assert "Müller" not in str(raised.value)
    assert "kreis.example" not in str(raised.value)
    assert "token" in str(raised.value)
