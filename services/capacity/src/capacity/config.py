"""Settings of the capacity service (env prefix ``CAPACITY_``)."""

from __future__ import annotations

from pydantic import SecretStr
from pydantic_settings import SettingsConfigDict

from servicekit.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CAPACITY_")
    dev_secrets = ("internal_token",)  # refused outside dev mode

    database_url: str = "postgresql://postgres@127.0.0.1:5432/quartier_capacity"
    web_port: int | None = 8011
    deadline_check_seconds: float = 5.0
    internal_token: SecretStr = SecretStr("dev-internal-token")
    """Wanted as ``X-Internal-Token`` by every changing organiser endpoint (the desk's)."""
