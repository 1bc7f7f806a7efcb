"""How contracts travel: outbox writes and relay, Kafka producer, Faust consumers with a DLQ,
structured logs, health endpoints.  Installed with the ``runtime`` extra."""
