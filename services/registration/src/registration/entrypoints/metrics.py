"""The registration service's own metrics (servicekit's are in ``servicekit.metrics``)."""

from __future__ import annotations

from prometheus_client import Counter

REGISTRATIONS_ACCEPTED = Counter(
    "quartier_registrations_accepted",
    "Registrations accepted (202): new ones, and repeats answered with the first",
    ["service", "outcome"],
)


def accepted(service: str, *, new: bool) -> None:
    REGISTRATIONS_ACCEPTED.labels(service, "new" if new else "repeat").inc()
