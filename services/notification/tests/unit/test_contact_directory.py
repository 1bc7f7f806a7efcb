"""The registration service's contact endpoint as seen by the notification service."""

from __future__ import annotations

import json
from uuid import uuid4

import httpx
import pytest

from contracts.messages import Locale
from notification.adapters.contacts import HttpContactDirectory, InvalidContact
from notification.service_layer.ports import ContactUnavailable

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


async def test_an_unknown_registration_is_none():
    assert await directory(lambda r: httpx.Response(404)).find(REGISTRATION_ID) is None


@pytest.mark.parametrize("status", [401, 500, 503])
async def test_an_unhealthy_answer_is_transient(status):
    with pytest.raises(ContactUnavailable):
        await directory(lambda r: httpx.Response(status)).find(REGISTRATION_ID)


async def test_an_unreachable_service_is_transient():
    def handler(request):
        raise httpx.ConnectError("connection refused", request=request)

    with pytest.raises(ContactUnavailable):
        await directory(handler).find(REGISTRATION_ID)


async def test_an_invalid_body_is_reported_without_the_personal_data():
    body = json.dumps(contact_body(email=None))

    with pytest.raises(InvalidContact) as raised:
        await directory(lambda r: httpx.Response(200, text=body)).find(REGISTRATION_ID)

    assert "Ada" not in str(raised.value)
    assert "email" in str(raised.value)
    assert raised.value.__suppress_context__
