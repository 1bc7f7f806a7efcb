"""One database per service, migrated with yoyo-migrations from ``services/<name>/migrations``."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg
from yoyo import get_backend, read_migrations

import servicekit
from devstack.postgres import with_database


async def create_database(server_dsn: str, name: str) -> str:
    """Create ``name`` on the server if missing; returns its DSN."""
    conn = await asyncpg.connect(server_dsn, timeout=10)
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return with_database(server_dsn, name)


async def drop_database(server_dsn: str, name: str) -> None:
    conn = await asyncpg.connect(server_dsn, timeout=10)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


RUNTIME_MIGRATIONS = Path(servicekit.__file__).parent / "migrations"


def _apply(dsn: str, migrations: Path) -> int:
    backend = get_backend(dsn.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with backend.lock():
            sources = read_migrations(str(RUNTIME_MIGRATIONS), str(migrations))
            pending = backend.to_apply(sources)
            backend.apply_migrations(pending)
            return len(pending)
    finally:
        backend.connection.close()


async def migrate(dsn: str, migrations: Path) -> int:
    """Apply servicekit's and then the service's pending migrations; returns how many ran."""
    return await asyncio.to_thread(_apply, dsn, migrations)
