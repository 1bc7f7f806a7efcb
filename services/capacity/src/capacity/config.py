"""Settings of the capacity service (env prefix ``CAPACITY_``)."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CAPACITY_")

    database_url: str = "postgresql://postgres@127.0.0.1:5432/quartier_capacity"
    kafka_bootstrap: str = "127.0.0.1:19092"
    session_timeout: float = 6.0
    heartbeat_interval: float = 1.0
    web_port: int | None = 8011
    pool_size: int = 10
    log_json: bool = True
    log_level: str = "INFO"
