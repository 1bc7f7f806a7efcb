"""Settings of the gateway, read from ``GATEWAY_*`` environment variables."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from servicekit.settings import KafkaSettings

DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/quartier_gateway"


class Settings(KafkaSettings):
    """The Kafka settings (``GATEWAY_KAFKA_*``) are for the catalog follower."""

    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore")
    dev_secrets = ("secret_key", "internal_token")  # refused outside dev mode

    registration_url: str = "http://127.0.0.1:8001"
    public_base_url: str = "http://127.0.0.1:8000"
    log_json: bool = True
    log_level: str = "INFO"
    request_timeout: float = Field(default=5.0, gt=0)
    # Signs the CSRF tokens of the site's forms; set your own outside a dev machine.
    secret_key: SecretStr = Field(
        default=SecretStr("dev-only-insecure-gateway-secret"), min_length=16
    )
    # Registrations per client IP and window (form and API); 0 turns the limit off.
    rate_limit: int = Field(default=10, ge=0)
    rate_window_seconds: float = Field(default=60.0, gt=0)
    # The operator's HTML fragments of the legal pages (<page>.<de|en>.html)
    content_dir: Path = Path(__file__).resolve().parent / "site" / "content"
    # The organiser desk: its accounts and sessions, capacity's organiser API, and the token
    # both organiser APIs want (REGISTRATION_INTERNAL_TOKEN = CAPACITY_INTERNAL_TOKEN; a dev
    # default, like theirs).
    database_url: str = DATABASE_URL
    capacity_url: str = "http://127.0.0.1:8002"
    internal_token: SecretStr = SecretStr("dev-internal-token")


class AccountsDatabase(BaseSettings):
    """What ``gateway-admin`` needs of the gateway's settings: the accounts database only
    (so it runs without the gateway's secrets)."""

    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore")

    database_url: str = DATABASE_URL


class AdminInput(BaseSettings):
    """``gateway-admin`` without questions: ``ADMIN_EMAIL``, ``ADMIN_NAME``, ``ADMIN_PASSWORD``."""

    model_config = SettingsConfigDict(env_prefix="ADMIN_", extra="ignore")

    email: str = ""
    name: str = ""
    password: SecretStr = SecretStr("")
