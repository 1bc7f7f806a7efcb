"""structlog for every process: JSON lines (default) or console, one formatter for all loggers.

Context variables (``correlation_id``, ``request_id``, ``event_id``, ``registration_id``) are
merged into every line.  Never bind personal data (names, e-mail addresses).
"""

from __future__ import annotations

import logging
import sys

import structlog
from structlog.typing import Processor

SHARED: list[Processor] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def handler(service: str, *, json: bool = True) -> logging.Handler:
    """A stdlib handler rendering structlog and foreign (Faust, aiokafka, uvicorn) records."""
    renderer: Processor = (
        structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer()
    )

    def add_service(
        _: object, __: str, event_dict: structlog.typing.EventDict
    ) -> structlog.typing.EventDict:
        event_dict.setdefault("service", service)
        return event_dict

    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[*SHARED, add_service],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            add_service,
            structlog.processors.format_exc_info,
            renderer,
        ],
    )
    out = logging.StreamHandler(sys.stderr)
    out.setFormatter(formatter)
    return out


def configure(service: str, *, level: str = "INFO", json: bool = True) -> logging.Handler:
    """Route structlog and stdlib logging through one handler; returns it (Faust needs it)."""
    structlog.configure(
        processors=[*SHARED, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    out = handler(service, json=json)
    root = logging.getLogger()
    root.handlers[:] = [out]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
    for noisy in ("aiokafka", "faust", "mode", "uvicorn.access", "httpx"):
        logging.getLogger(noisy).setLevel(max(logging.getLevelName(level), logging.WARNING))
    return out
