"""Settings of the notification service (env prefix ``NOTIFICATION_``)."""

from __future__ import annotations

from pydantic import SecretStr
from pydantic_settings import SettingsConfigDict

from servicekit.settings import ServiceSettings


class Settings(ServiceSettings):
    """Every setting has a dev default; production sets at least the URLs and the secrets."""

    model_config = SettingsConfigDict(env_prefix="NOTIFICATION_")
    dev_secrets = ("internal_token",)  # refused outside dev mode

    database_url: str = "postgresql://postgres@127.0.0.1:5432/quartier_notification"
    web_port: int | None = 8013
    app_id: str = "notification"
    """Faust app id and consumer group; only tests change it (a fresh group per test)."""

    smtp_host: str = "127.0.0.1"
    smtp_port: int = 2525
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    smtp_timeout: float = 10.0
    mail_from: str = "Quartier Veranstaltungen <veranstaltungen@quartier.example>"

    registration_url: str = "http://127.0.0.1:8001"
    internal_token: SecretStr = SecretStr("dev-internal-token")
    """Sent as ``X-Internal-Token`` to the registration service's contact endpoint."""
    public_base_url: str = "http://127.0.0.1:8000"
    """The public site, for links in mails."""
    mail_concurrency: int = 16
    """Registrations whose mails are prepared side by side (SMTP itself is one connection)."""
    batch_timeout: float = 600.0
    """Seconds a batch of decisions may take in all. Every SMTP and HTTP call has its own
    timeout; cutting a whole batch short could cancel a mail between the server accepting
    it and its ledger row, and the retry would send it again (seen with a 30 s limit on a
    loaded machine while a Kafka broker was down)."""
