"""The Kafka connection settings every service shares: from ``<PREFIX>KAFKA_*`` to the
arguments of aiokafka's clients and to Faust's ``broker_credentials``, one mapping for both."""

from __future__ import annotations

import json
import ssl
from pathlib import Path
from typing import Any

import pytest
from faust.transport.drivers.aiokafka import credentials_to_aiokafka_auth
from pydantic import SecretStr, ValidationError
from pydantic_settings import BaseSettings

from capacity.config import Settings as CapacitySettings
from contracts.schemas import SCHEMA_DIR
from devstack.tls import Certificate, issue, make_ca
from gateway.config import Settings as GatewaySettings
from notification.config import Settings as NotificationSettings
from registration.config import Settings as RegistrationSettings
from servicekit.kafka import client_options
from servicekit.settings import KafkaSettings, TopicSettings
from servicekit.stream import broker_credentials, create_app

SERVICES: list[tuple[type[BaseSettings], str]] = [
    (RegistrationSettings, "REGISTRATION_"),
    (CapacitySettings, "CAPACITY_"),
    (NotificationSettings, "NOTIFICATION_"),
    (GatewaySettings, "GATEWAY_"),
]


@pytest.fixture(scope="module")
def ca(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    return make_ca(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="module")
def client_cert(ca: Certificate) -> Certificate:
    return issue(ca, ca.cert.parent, "registration-client")


def sasl_ssl(ca: Certificate, **changes: Any) -> KafkaSettings:
    values: dict[str, Any] = {
        "kafka_bootstrap": "b-1.kafka.example:9096,b-2.kafka.example:9096",
        "kafka_security_protocol": "SASL_SSL",
        "kafka_sasl_mechanism": "SCRAM-SHA-512",
        "kafka_sasl_username": "registration",
        "kafka_sasl_password": SecretStr("s3cret"),
        "kafka_ssl_cafile": ca.cert,
        **changes,
    }
    return KafkaSettings(**values)


def trusted_cas(context: ssl.SSLContext) -> list[str]:
    return sorted(
        value
        for cert in context.get_ca_certs()
        for rdn in cert["subject"]
        for key, value in rdn
        if key == "commonName"
    )


def comparable(options: dict[str, Any]) -> dict[str, Any]:
    """The options with the TLS context as what it checks (contexts are new objects)."""
    context = options.get("ssl_context")
    if context is None:
        return {k: v for k, v in options.items() if k != "ssl_context"}
    return {
        **options,
        "ssl_context": (context.verify_mode, context.check_hostname, trusted_cas(context)),
    }


def test_the_dev_default_is_the_local_broker_without_authentication() -> None:
    settings = RegistrationSettings()
    assert client_options(settings) == {
        "bootstrap_servers": ["127.0.0.1:19092"],
        "security_protocol": "PLAINTEXT",
    }
    assert broker_credentials(settings) is None


@pytest.mark.parametrize(("settings_class", "prefix"), SERVICES)
def test_every_service_reads_its_kafka_connection_from_its_environment(
    settings_class: type[BaseSettings],
    prefix: str,
    ca: Certificate,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in {
        "KAFKA_BOOTSTRAP": "b-1.kafka.example:9096, b-2.kafka.example:9096",
        "KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
        "KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
        "KAFKA_SASL_USERNAME": "quartier",
        "KAFKA_SASL_PASSWORD": "s3cret",
        "KAFKA_SSL_CAFILE": str(ca.cert),
    }.items():
        monkeypatch.setenv(prefix + name, value)
    settings = settings_class()
    assert isinstance(settings, KafkaSettings)

    options = client_options(settings)

    context = options.pop("ssl_context")
    assert options == {
        "bootstrap_servers": ["b-1.kafka.example:9096", "b-2.kafka.example:9096"],
        "security_protocol": "SASL_SSL",
        "sasl_mechanism": "SCRAM-SHA-512",
        "sasl_plain_username": "quartier",
        "sasl_plain_password": "s3cret",
    }
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname
    assert trusted_cas(context) == ["quartier-test-ca"]  # only the CA file, no system CAs
    assert "s3cret" not in repr(settings)


def test_tls_without_a_ca_file_trusts_the_systems_cas() -> None:
    settings = KafkaSettings(kafka_security_protocol="SSL")
    options = client_options(settings)
    assert options["security_protocol"] == "SSL"
    assert "sasl_mechanism" not in options
    assert options["ssl_context"].verify_mode == ssl.CERT_REQUIRED


def test_mutual_tls_loads_the_client_certificate(ca: Certificate, client_cert: Certificate) -> None:
    settings = KafkaSettings(
        kafka_security_protocol="SSL",
        kafka_ssl_cafile=ca.cert,
        kafka_ssl_certfile=client_cert.cert,
        kafka_ssl_keyfile=client_cert.key,
    )
    assert client_options(settings)["ssl_context"] is not None
    mismatched = settings.model_copy(update={"kafka_ssl_keyfile": ca.key})
    with pytest.raises(ssl.SSLError):
        client_options(mismatched)


def test_sasl_without_tls_sends_no_tls_context(ca: Certificate) -> None:
    settings = sasl_ssl(ca, kafka_security_protocol="SASL_PLAINTEXT", kafka_ssl_cafile=None)
    options = client_options(settings)
    assert options["security_protocol"] == "SASL_PLAINTEXT"
    assert "ssl_context" not in options


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"kafka_sasl_mechanism": "PLAIN"},
        {"kafka_sasl_mechanism": "SCRAM-SHA-256"},
        {"kafka_security_protocol": "SASL_PLAINTEXT", "kafka_ssl_cafile": None},
        {
            "kafka_security_protocol": "SSL",
            "kafka_sasl_username": None,
            "kafka_sasl_password": None,
        },
        {
            "kafka_security_protocol": "PLAINTEXT",
            "kafka_sasl_username": None,
            "kafka_sasl_password": None,
            "kafka_ssl_cafile": None,
        },
    ],
)
def test_faust_workers_connect_exactly_like_the_other_clients(
    ca: Certificate, changes: dict[str, Any]
) -> None:
    settings = sasl_ssl(ca, **changes)
    ours = client_options(settings)
    del ours["bootstrap_servers"]
    fausts = credentials_to_aiokafka_auth(broker_credentials(settings))
    assert comparable(dict(fausts)) == comparable(ours)


def test_a_faust_app_gets_every_broker_and_the_credentials(ca: Certificate) -> None:
    app = create_app(
        "registration",
        kafka=sasl_ssl(ca),
        session_timeout=10,
        heartbeat_interval=3,
        web_port=None,
    )
    assert [str(url) for url in app.conf.broker] == [
        "kafka://b-1.kafka.example:9096",
        "kafka://b-2.kafka.example:9096",
    ]
    assert app.conf.broker_credentials.protocol.value == "SASL_SSL"
    assert app.conf.broker_credentials.username == "registration"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"kafka_sasl_password": None}, "needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD"),
        (
            {"kafka_security_protocol": "PLAINTEXT", "kafka_ssl_cafile": None},
            "sends no credentials",
        ),
        (
            {
                "kafka_security_protocol": "SASL_PLAINTEXT",
                "kafka_sasl_mechanism": "PLAIN",
            },
            "does not use TLS",
        ),
        ({"kafka_ssl_certfile": "<ca>"}, "SSL_CERTFILE and KAFKA_SSL_KEYFILE go together"),
        ({"kafka_ssl_cafile": Path("/nonexistent/ca.pem")}, "Path does not point to a file"),
        ({"kafka_sasl_mechanism": "GSSAPI"}, "SCRAM-SHA-512"),
        ({"kafka_bootstrap": " , "}, "names no broker"),
    ],
)
def test_settings_that_cannot_work_are_refused_at_start(
    ca: Certificate, changes: dict[str, Any], message: str
) -> None:
    changes = {k: ca.cert if v == "<ca>" else v for k, v in changes.items()}
    with pytest.raises(ValidationError, match=message):
        sasl_ssl(ca, **changes)


def test_the_refusal_names_the_services_own_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAPACITY_KAFKA_SECURITY_PROTOCOL", "sasl_ssl")
    with pytest.raises(ValidationError, match="CAPACITY_KAFKA_SASL_PASSWORD"):
        CapacitySettings()


@pytest.mark.parametrize(("settings_class", "prefix"), SERVICES)
def test_a_refused_setting_does_not_show_the_password(
    settings_class: type[BaseSettings], prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(f"{prefix}KAFKA_SASL_USERNAME", "quartier")
    monkeypatch.setenv(f"{prefix}KAFKA_SASL_PASSWORD", "s3cret")  # but PLAINTEXT
    with pytest.raises(ValidationError, match="sends no credentials") as refused:
        settings_class()
    assert "s3cret" not in str(refused.value)


def test_topic_setup_reads_replication_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("KAFKA_REPLICATION_FACTOR", raising=False)
    assert TopicSettings().kafka_replication_factor == 1
    monkeypatch.setenv("KAFKA_BOOTSTRAP", "b-1.kafka.example:9092")
    monkeypatch.setenv("KAFKA_REPLICATION_FACTOR", "3")
    monkeypatch.setenv("KAFKA_MIN_INSYNC_REPLICAS", "2")
    settings = TopicSettings()
    assert (settings.kafka_replication_factor, settings.kafka_min_insync_replicas) == (3, 2)
    assert client_options(settings)["bootstrap_servers"] == ["b-1.kafka.example:9092"]
    monkeypatch.setenv("KAFKA_MIN_INSYNC_REPLICAS", "4")
    with pytest.raises(ValidationError, match="no write with acks=all could ever succeed"):
        TopicSettings()


def test_subscribers_find_the_dev_broker_and_how_to_reach_production_in_asyncapi() -> None:
    asyncapi = json.loads((SCHEMA_DIR / "asyncapi.json").read_text())
    servers, schemes = asyncapi["servers"], asyncapi["components"]["securitySchemes"]
    assert servers["development"]["host"] == KafkaSettings().kafka_bootstrap
    assert servers["development"]["protocol"] == "kafka"
    assert servers["production"]["protocol"] == "kafka-secure"
    offered = [
        ref["$ref"].removeprefix("#/components/securitySchemes/")
        for ref in servers["production"]["security"]
    ]
    assert offered and all(name in schemes for name in offered)
    assert {schemes[name]["type"] for name in offered} >= {"scramSha512", "plain", "X509"}
