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
    # Signs the CSRF tokens of the site's forms and (a key derived from it) the challenges;
    # set your own outside a dev machine.
    secret_key: SecretStr = Field(
        default=SecretStr("dev-only-insecure-gateway-secret"), min_length=16
    )
    # The registration budget of one client address (form and API together; in memory, per
    # process): a token bucket of ``budget_burst`` refilled with ``budget_per_minute``, one
    # per event and address, one per e-mail address.  Beyond it the client is asked to solve
    # a proof-of-work challenge, never refused.  ``budget_burst`` 0 turns the budget and the
    # challenge off (the dev stack's tests and the rush benchmark).
    budget_burst: int = Field(default=300, ge=0)
    budget_per_minute: float = Field(default=300.0, gt=0)
    budget_event_burst: int = Field(default=300, ge=1)
    budget_event_per_minute: float = Field(default=120.0, gt=0)
    budget_email_burst: int = Field(default=5, ge=1)
    budget_email_per_minute: float = Field(default=1.0, gt=0)
    # The challenge (ALTCHA's format): the secret number is at most ``challenge_max_number``
    # (a browser tries half of them on average); a challenge is valid ``challenge_seconds``.
    challenge_max_number: int = Field(default=1_000_000, ge=1, le=10**9)
    challenge_seconds: int = Field(default=600, ge=10)
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
