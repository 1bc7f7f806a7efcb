"""Settings every service process shares; each service subclasses with its own env prefix."""

from __future__ import annotations

from typing import Any, ClassVar, Literal, Self

from pydantic import Field, FilePath, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SecurityProtocol = Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"]
SaslMechanism = Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"]
SECRET_MIN_LENGTH = 32
"""Characters a secret needs outside dev mode."""


class ProcessSettings(BaseSettings):
    """What the settings of every platform process share: dev mode, and the rule that a
    process outside dev mode refuses to start on a development secret.

    A settings class names its secrets in ``dev_secrets`` (one line in the class body:
    ``dev_secrets = ("internal_token",)``): settings whose default in the code is a
    development value, fine on a laptop and fatal in production.  Unless ``<PREFIX>DEV_MODE``
    is true, each must be set, differently from its default, to at least
    ``SECRET_MIN_LENGTH`` characters. The dev stack (``make run``) and the tests turn dev mode
    on; the images (Dockerfiles) do not."""

    # a refused secret is reported at start; the input would show it
    model_config = SettingsConfigDict(hide_input_in_errors=True)

    dev_secrets: ClassVar[tuple[str, ...]] = ()
    """The names of the settings that hold secrets with a development default."""

    dev_mode: bool = False
    """Development defaults for secrets are accepted: the dev stack and the tests only."""

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        unknown = sorted(set(cls.dev_secrets) - set(cls.model_fields))
        if unknown:
            raise TypeError(f"{cls.__name__}.dev_secrets names no setting: {', '.join(unknown)}")

    @model_validator(mode="after")
    def _no_dev_secrets_outside_dev_mode(self) -> Self:
        if self.dev_mode:
            return self
        prefix = str(self.model_config.get("env_prefix", "")).upper()
        refused = []
        for name in self.dev_secrets:
            value = _plain(getattr(self, name))
            if value is None:
                continue  # not set and not needed: nothing to guess
            if value == _plain(
                type(self).model_fields[name].get_default(call_default_factory=True)
            ):
                problem = "is the development default"
            elif len(value) < SECRET_MIN_LENGTH:
                problem = f"has only {len(value)} characters"
            else:
                continue
            refused.append(
                f"{prefix}{name.upper()} {problem}; set a secret of at least "
                f"{SECRET_MIN_LENGTH} characters (or {prefix}DEV_MODE=true for local development)"
            )
        if refused:
            raise ValueError("\n".join(refused))
        return self


def _plain(value: object) -> str | None:
    if value is None:
        return None
    return value.get_secret_value() if isinstance(value, SecretStr) else str(value)


class KafkaSettings(ProcessSettings):
    """Where the Kafka cluster is and how a client proves who it is: ``<PREFIX>KAFKA_*``.

    The dev default is the local broker without authentication; a cluster elsewhere wants
    ``SASL_SSL`` (or ``SSL``) with credentials. ``servicekit.kafka.client_options``
    turns these into the arguments of every aiokafka client,
    ``servicekit.stream.broker_credentials`` into Faust's."""

    # a refused setting is reported at start; the input would show the password
    model_config = SettingsConfigDict(hide_input_in_errors=True)

    kafka_bootstrap: str = "127.0.0.1:19092"
    """``host:port`` of one or more brokers, comma-separated."""
    kafka_security_protocol: SecurityProtocol = "PLAINTEXT"
    kafka_sasl_mechanism: SaslMechanism = "PLAIN"
    kafka_sasl_username: str | None = None
    kafka_sasl_password: SecretStr | None = None
    kafka_ssl_cafile: FilePath | None = None
    """PEM file of the CA that signed the brokers' certificates; unset: the system's CAs."""
    kafka_ssl_certfile: FilePath | None = None
    """PEM client certificate (mutual TLS), with ``kafka_ssl_keyfile``."""
    kafka_ssl_keyfile: FilePath | None = None
    kafka_ssl_key_password: SecretStr | None = None

    @field_validator("kafka_security_protocol", "kafka_sasl_mechanism", mode="before")
    @classmethod
    def _upper_case(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @property
    def kafka_bootstrap_servers(self) -> list[str]:
        return [server.strip() for server in self.kafka_bootstrap.split(",") if server.strip()]

    @property
    def kafka_uses_sasl(self) -> bool:
        return self.kafka_security_protocol.startswith("SASL_")

    @property
    def kafka_uses_tls(self) -> bool:
        return self.kafka_security_protocol.endswith("SSL")

    @model_validator(mode="after")
    def _kafka_settings_fit_together(self) -> Self:
        """Refuse combinations that would fail later at the broker, or silently not do what
        the operator meant (a password sent nowhere, a CA file never read)."""
        env = f"{self.model_config.get('env_prefix', '')}KAFKA_".upper()
        protocol = self.kafka_security_protocol
        if not self.kafka_bootstrap_servers:
            raise ValueError(f"{env}BOOTSTRAP names no broker")
        has_credentials = self.kafka_sasl_username is not None, self.kafka_sasl_password is not None
        if self.kafka_uses_sasl and not all(has_credentials):
            raise ValueError(
                f"{env}SECURITY_PROTOCOL={protocol} needs {env}SASL_USERNAME and {env}SASL_PASSWORD"
            )
        if not self.kafka_uses_sasl and any(has_credentials):
            raise ValueError(
                f"{env}SASL_USERNAME / {env}SASL_PASSWORD are set but {env}SECURITY_PROTOCOL="
                f"{protocol} sends no credentials: use SASL_SSL (or SASL_PLAINTEXT)"
            )
        tls_files = (self.kafka_ssl_cafile, self.kafka_ssl_certfile, self.kafka_ssl_keyfile)
        if not self.kafka_uses_tls and any(path is not None for path in tls_files):
            raise ValueError(
                f"{env}SSL_* files are set but {env}SECURITY_PROTOCOL={protocol} does not "
                "use TLS: use SSL or SASL_SSL"
            )
        if (self.kafka_ssl_certfile is None) != (self.kafka_ssl_keyfile is None):
            raise ValueError(f"{env}SSL_CERTFILE and {env}SSL_KEYFILE go together (mutual TLS)")
        return self


class ServiceSettings(KafkaSettings):
    database_url: str = "postgresql://postgres@127.0.0.1:5432/postgres"
    session_timeout: float = 10.0
    heartbeat_interval: float = 3.0
    web_port: int | None = None
    pool_size: int = 10
    batch_size: int = 500
    batch_within: float = 0.1
    """Seconds a batch gathers records (``servicekit.stream.consume``)."""
    log_json: bool = True
    log_level: str = "INFO"


class TopicSettings(KafkaSettings):
    """``servicekit-topics``: the cluster (``KAFKA_*``, as above without a service prefix) and
    how every registry topic is created there. Dev: 1 and 1; production: 3 and 2, so that
    an ``acks=all`` write survives the loss of one broker and still fails when only one
    replica is left."""

    model_config = SettingsConfigDict(env_prefix="")

    kafka_replication_factor: int = Field(default=1, ge=1)
    kafka_min_insync_replicas: int = Field(default=1, ge=1)

    @model_validator(mode="after")
    def _enough_replicas(self) -> Self:
        if self.kafka_min_insync_replicas > self.kafka_replication_factor:
            raise ValueError(
                "KAFKA_MIN_INSYNC_REPLICAS is above KAFKA_REPLICATION_FACTOR: "
                "no write with acks=all could ever succeed"
            )
        return self
