"""What every service is built from, beside the contracts: the unit-of-work port, outbox writes
and relay, Kafka clients and topic creation, Faust consumers with a DLQ, database pools,
settings, structured logs, health endpoints.  Services use it; outside subscribers do not
need it (they install ``contracts`` alone)."""
