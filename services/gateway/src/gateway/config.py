"""Settings of the gateway, read from ``GATEWAY_*`` environment variables."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore")

    registration_url: str = "http://127.0.0.1:8001"
    kafka_bootstrap: str = "127.0.0.1:19092"
    public_base_url: str = "http://127.0.0.1:8000"
    log_json: bool = True
    log_level: str = "INFO"
    request_timeout: float = Field(default=5.0, gt=0)
