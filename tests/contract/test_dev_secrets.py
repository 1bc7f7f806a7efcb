"""A service started outside dev mode refuses the development secrets in its code: the rule of
``servicekit.settings.ProcessSettings``, as each service's settings name their secrets, and
the dev stack that turns dev mode on."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from pydantic import ValidationError

from capacity.config import Settings as CapacitySettings
from devstack.stack import DATABASE_SERVICES, Stack, StackConfig
from gateway.config import Settings as GatewaySettings
from notification.config import Settings as NotificationSettings
from registration.config import Settings as RegistrationSettings
from servicekit.settings import SECRET_MIN_LENGTH, ProcessSettings, ServiceSettings


@dataclass(frozen=True)
class Service:
    """A service's settings, their prefix and the secrets they name in ``dev_secrets``."""

    settings: type[ProcessSettings]
    prefix: str
    secrets: tuple[str, ...]


EVERY_SERVICE = [
    Service(RegistrationSettings, "REGISTRATION_", ("INTERNAL_TOKEN", "CANCEL_SECRET")),
    Service(CapacitySettings, "CAPACITY_", ("INTERNAL_TOKEN",)),
    Service(NotificationSettings, "NOTIFICATION_", ("INTERNAL_TOKEN",)),
    Service(GatewaySettings, "GATEWAY_", ("SECRET_KEY", "INTERNAL_TOKEN")),
]
REAL_SECRET = "k7Qe2vZrT9xWmB4nHs8LpD3cYfGa6JuE"  # 32 characters


@pytest.fixture(params=EVERY_SERVICE, ids=lambda service: service.prefix.rstrip("_").lower())
def service(request: pytest.FixtureRequest) -> Service:
    return request.param  # type: ignore[no-any-return]


def outside_dev_mode(monkeypatch: pytest.MonkeyPatch, prefix: str) -> None:
    """As in an image built from the Dockerfiles: no ``<PREFIX>DEV_MODE`` (the tests set it)."""
    monkeypatch.delenv(f"{prefix}DEV_MODE", raising=False)


def test_outside_dev_mode_a_development_secret_is_refused_by_name(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    outside_dev_mode(monkeypatch, service.prefix)
    with pytest.raises(ValidationError) as refused:
        service.settings()
    for secret in service.secrets:
        assert (
            f"{service.prefix}{secret} is the development default; set a secret of at least 32 "
            f"characters (or {service.prefix}DEV_MODE=true for local development)"
        ) in str(refused.value)


def test_in_dev_mode_the_development_secrets_are_accepted(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(f"{service.prefix}DEV_MODE", "true")
    assert service.settings().dev_mode
    monkeypatch.delenv(f"{service.prefix}DEV_MODE")
    assert service.settings(dev_mode=True).dev_mode


def test_outside_dev_mode_real_secrets_are_accepted(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    outside_dev_mode(monkeypatch, service.prefix)
    for secret in service.secrets:
        monkeypatch.setenv(service.prefix + secret, f"{secret.lower()}-{REAL_SECRET}")

    settings = service.settings()

    assert not settings.dev_mode
    assert REAL_SECRET not in repr(settings)


def test_a_short_secret_is_refused_without_showing_it(monkeypatch: pytest.MonkeyPatch) -> None:
    outside_dev_mode(monkeypatch, "REGISTRATION_")
    monkeypatch.setenv("REGISTRATION_INTERNAL_TOKEN", REAL_SECRET)
    monkeypatch.setenv("REGISTRATION_CANCEL_SECRET", "short-s3cret")
    with pytest.raises(ValidationError) as refused:
        RegistrationSettings()
    message = str(refused.value)
    assert (
        f"REGISTRATION_CANCEL_SECRET has only 12 characters; set a secret of at least "
        f"{SECRET_MIN_LENGTH} characters (or REGISTRATION_DEV_MODE=true for local development)"
    ) in message
    assert "INTERNAL_TOKEN" not in message
    assert "short-s3cret" not in message and REAL_SECRET not in message


def test_a_secret_that_is_no_setting_is_a_mistake_in_the_code() -> None:
    with pytest.raises(TypeError, match=r"Misspelt\.dev_secrets names no setting: internal_tokn"):

        class Misspelt(ServiceSettings):
            dev_secrets = ("internal_tokn",)


def test_the_dev_stack_starts_every_service_in_dev_mode(tmp_path: Path) -> None:
    """``make run`` and the end-to-end tests: every process, each with its own prefix."""
    stack = Stack(StackConfig.for_tests(tmp_path, "postgresql://postgres@127.0.0.1/postgres"))
    stack.dsns = {service: f"postgresql://127.0.0.1/{service}" for service in DATABASE_SERVICES}
    for spec in stack.services():
        prefixes = {
            name.removesuffix("INTERNAL_TOKEN")
            for name in spec.env
            if name.endswith("_INTERNAL_TOKEN")
        }
        assert prefixes, spec.name
        assert {spec.env.get(f"{prefix}DEV_MODE") for prefix in prefixes} == {"true"}, spec.name
