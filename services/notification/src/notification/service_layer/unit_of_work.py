"""The unit of work of the notification service: ledger and catalogue, committed together
with the outbox."""

from __future__ import annotations

from notification.service_layer.ports import DeliveryRepository, EventCatalog
from servicekit import unit_of_work


class UnitOfWork(unit_of_work.UnitOfWork):
    deliveries: DeliveryRepository
    events: EventCatalog
