"""The services' internal HTTP APIs as models: what each server accepts and answers, the one
error body every service (and the gateway's public API) answers with, and the rules about the
data that a caller may check before it sends (the same rule, not a copy).

``errors``: ``ApiError`` and ``Problem``.  ``registration``: the registration service's API
(registering, status, cancelling, the organisers' lists and report, feedback, the contact
lookup).  ``capacity``: capacity's organiser API (the event body it answers is
``contracts.messages.EventSnapshot``).  Models only: no IO, no web framework.
"""
