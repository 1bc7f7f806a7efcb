"""Settings every service process shares; each service subclasses with its own env prefix."""

from __future__ import annotations

from pydantic_settings import BaseSettings


class ServiceSettings(BaseSettings):
    database_url: str = "postgresql://postgres@127.0.0.1:5432/postgres"
    kafka_bootstrap: str = "127.0.0.1:19092"
    session_timeout: float = 10.0
    heartbeat_interval: float = 3.0
    web_port: int | None = None
    pool_size: int = 10
    batch_size: int = 500
    log_json: bool = True
    log_level: str = "INFO"
