"""Settings of the registration service (env prefix ``REGISTRATION_``)."""

from __future__ import annotations

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="REGISTRATION_")

    database_url: str = "postgresql://postgres@127.0.0.1:5432/quartier_registration"
    kafka_bootstrap: str = "127.0.0.1:19092"
    session_timeout: float = 6.0
    heartbeat_interval: float = 1.0
    web_port: int | None = 8010
    pool_size: int = 10
    internal_token: SecretStr = SecretStr("dev-internal-token")
    log_json: bool = True
    log_level: str = "INFO"
