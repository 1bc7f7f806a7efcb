"""What the registration service's queries share."""

from __future__ import annotations


def like(text: str) -> str:
    """An ILIKE pattern that finds ``text`` anywhere, its own ``%``, ``_`` and ``\\``
    taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
