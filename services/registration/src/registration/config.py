"""Settings of the registration service (env prefix ``REGISTRATION_``)."""

from __future__ import annotations

from pydantic import SecretStr
from pydantic_settings import SettingsConfigDict

from servicekit.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REGISTRATION_")
    dev_secrets = ("internal_token", "cancel_secret")  # refused outside dev mode

    database_url: str = "postgresql://postgres@127.0.0.1:5432/quartier_registration"
    web_port: int | None = 8010
    internal_token: SecretStr = SecretStr("dev-internal-token")
    cancel_secret: SecretStr = SecretStr("dev-cancel-secret")
    cancel_token_days: int = 365
    """How long the links in mails (cancelling, an application's page, an exhibitor's
    registration) work."""
    capacity_url: str = "http://127.0.0.1:8002"
    """Capacity's API: the call for stands, and a stand taken when an application is
    accepted (with ``internal_token``)."""
