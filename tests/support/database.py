"""What a service has stored: the row count of every table of its database."""

from __future__ import annotations

import asyncpg

_OWN_TABLES = """
    SELECT tablename FROM pg_tables
    WHERE schemaname = 'public' AND tablename NOT LIKE '%yoyo%'
    ORDER BY tablename
"""


async def rows_per_table(pool: asyncpg.Pool) -> dict[str, int]:
    """Rows in each of the service's tables (the outbox included, yoyo's bookkeeping left
    out): compare before and after a request that must store nothing."""
    tables = [row["tablename"] for row in await pool.fetch(_OWN_TABLES)]
    return {table: await pool.fetchval(f'SELECT count(*) FROM "{table}"') for table in tables}
