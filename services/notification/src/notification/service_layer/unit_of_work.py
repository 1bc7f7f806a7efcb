"""The unit of work of the notification service: ledger and catalogue, committed together
with the outbox."""

from __future__ import annotations

from contracts import unit_of_work
from notification.service_layer.ports import DeliveryRepository, EventCatalog


class UnitOfWork(unit_of_work.UnitOfWork):
    deliveries: DeliveryRepository
    events: EventCatalog
