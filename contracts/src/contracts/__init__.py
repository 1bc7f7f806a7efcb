"""Shared message contracts of the Quartier event registration platform.

The core (``messages``, ``topics``, ``envelope``) has no IO dependencies: outside
subscribers can install it alone.  ``contracts.runtime`` (extra ``runtime``) is the one
implementation of how the envelope travels over Kafka and Postgres outboxes.
"""
