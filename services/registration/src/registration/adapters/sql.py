"""What the registration service's queries share: the search pattern, a WHERE clause built
filter by filter, and one page of a filtered list with its total."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import asyncpg


def like(text: str) -> str:
    """An ILIKE pattern that finds ``text`` anywhere, its own ``%``, ``_`` and ``\\``
    taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class Where:
    """The conditions of one event's list (``event_id = $1``), each added with its values."""

    def __init__(self, event_id: UUID) -> None:
        self.conditions = ["event_id = $1"]
        self.values: list[Any] = [event_id]

    def param(self, value: Any) -> str:
        """``value`` as the next parameter; its placeholder."""
        self.values.append(value)
        return f"${len(self.values)}"

    def text_in(self, text: str, columns: tuple[str, ...]) -> None:
        """``text`` (trimmed; nothing when empty) found in any of ``columns``, any case."""
        if text.strip():
            pattern = self.param(like(text.strip()))
            self.conditions.append(
                "(" + " OR ".join(f"{column} ILIKE {pattern}" for column in columns) + ")"
            )

    def any_of(self, column: str, values: list[str], *, overlap: bool = False) -> None:
        """``column`` one of ``values`` (an array column: sharing one); none: no filter."""
        if values:
            placeholder = f"{self.param(values)}::text[]"
            self.conditions.append(
                f"{column} && {placeholder}" if overlap else f"{column} = ANY({placeholder})"
            )

    @property
    def sql(self) -> str:
        return " AND ".join(self.conditions)


async def page(
    conn: asyncpg.Connection,
    select: str,
    table: str,
    where: Where,
    order: str,
    limit: int,
    offset: int,
) -> tuple[list[asyncpg.Record], int]:
    """The rows of ``select`` (up to its WHERE) that ``where`` keeps, in ``order``, ``limit``
    from ``offset``, and how many of ``table``'s rows it keeps in all."""
    total: int = await conn.fetchval(
        f"SELECT count(*) FROM {table} WHERE {where.sql}", *where.values
    )
    n = len(where.values)
    rows = await conn.fetch(
        f"{select}WHERE {where.sql} ORDER BY {order} LIMIT ${n + 1} OFFSET ${n + 2}",
        *where.values,
        limit,
        offset,
    )
    return rows, total
