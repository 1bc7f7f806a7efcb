"""The contracts of the Quartier event registration platform: message payloads, the topic
registry, the envelope and the internal HTTP APIs, as pydantic models without IO.

Outside subscribers install this package alone (or read the JSON Schemas); how messages
travel (outbox, relay, Faust consumers) is the services' shared kit, ``servicekit``.
"""
