"""A service started outside dev mode refuses the development secrets in its code: the rule of
``servicekit.settings.ProcessSettings``, as each service's settings name their secrets, and
the dev stack that turns dev mode on."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from capacity.config import Settings as CapacitySettings
from devstack.stack import DATABASE_SERVICES, Stack, StackConfig
from gateway.config import Settings as GatewaySettings
from notification.config import Settings as NotificationSettings
from registration.config import Settings as RegistrationSettings
from servicekit.settings import SECRET_MIN_LENGTH, ProcessSettings, ServiceSettings

SECRETS: list[tuple[type[ProcessSettings], str, tuple[str, ...]]] = [
    (RegistrationSettings, "REGISTRATION_", ("INTERNAL_TOKEN", "CANCEL_SECRET")),
    (CapacitySettings, "CAPACITY_", ("INTERNAL_TOKEN",)),
    (NotificationSettings, "NOTIFICATION_", ("INTERNAL_TOKEN",)),
]
EVERY_SERVICE = [
    *SECRETS,
    pytest.param(
        GatewaySettings,
        "GATEWAY_",
        ("SECRET_KEY", "INTERNAL_TOKEN"),
        marks=pytest.mark.skipif(
            not GatewaySettings.dev_secrets,
            reason="the gateway's config names no secrets yet (dev_secrets)",
        ),
    ),
]
REAL_SECRET = "k7Qe2vZrT9xWmB4nHs8LpD3cYfGa6JuE"  # 32 characters


def outside_dev_mode(monkeypatch: pytest.MonkeyPatch, prefix: str) -> None:
    """As in an image built from the Dockerfiles: no ``<PREFIX>DEV_MODE`` (the tests set it)."""
    monkeypatch.delenv(f"{prefix}DEV_MODE", raising=False)


@pytest.mark.parametrize(("settings_class", "prefix", "secrets"), EVERY_SERVICE)
def test_outside_dev_mode_a_development_secret_is_refused_by_name(
    settings_class: type[ProcessSettings],
    prefix: str,
    secrets: tuple[str, ...],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    outside_dev_mode(monkeypatch, prefix)
    with pytest.raises(ValidationError) as refused:
        settings_class()
    for secret in secrets:
        assert (
            f"{prefix}{secret} is the development default; set a secret of at least 32 "
            f"characters (or {prefix}DEV_MODE=true for local development)"
        ) in str(refused.value)


@pytest.mark.parametrize(("settings_class", "prefix", "secrets"), EVERY_SERVICE)
def test_in_dev_mode_the_development_secrets_are_accepted(
    settings_class: type[ProcessSettings],
    prefix: str,
    secrets: tuple[str, ...],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(f"{prefix}DEV_MODE", "true")
    assert settings_class().dev_mode
    monkeypatch.delenv(f"{prefix}DEV_MODE")
    assert settings_class(dev_mode=True).dev_mode


@pytest.mark.parametrize(("settings_class", "prefix", "secrets"), EVERY_SERVICE)
def test_outside_dev_mode_real_secrets_are_accepted(
    settings_class: type[ProcessSettings],
    prefix: str,
    secrets: tuple[str, ...],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    outside_dev_mode(monkeypatch, prefix)
    for secret in secrets:
        monkeypatch.setenv(prefix + secret, f"{secret.lower()}-{REAL_SECRET}")

    settings = settings_class()

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
