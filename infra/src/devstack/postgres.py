"""PostgreSQL: the server at DATABASE_URL if it answers, else a project-local cluster.

The local cluster lives under ``.data/pg`` and is made with Debian's PostgreSQL packages,
installed with apt-get when missing.  As root, the cluster runs as the ``postgres`` user
(initdb refuses root).
"""

from __future__ import annotations

import asyncio
import functools
import os
import pwd
import stat
import subprocess
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import structlog

from devstack.net import wait_until
from devstack.procs import Proc, as_user, spawn

log = structlog.get_logger(__name__)


async def server_answers(dsn: str) -> bool:
    try:
        conn = await asyncpg.connect(dsn, timeout=3)
    except (OSError, asyncpg.PostgresError, TimeoutError):
        return False
    await conn.close()
    return True


def with_database(dsn: str, database: str) -> str:
    """The same server DSN pointing at another database."""
    parts = urlsplit(dsn)
    return urlunsplit(parts._replace(path=f"/{database}"))


def _bin_dir() -> Path | None:
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), reverse=True)
    return candidates[0].parent if candidates else None


def _install_postgres() -> Path:
    log.info("installing PostgreSQL from Debian packages")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-q"], check=True, env=env)
    subprocess.run(
        ["apt-get", "install", "-y", "-q", "--no-install-recommends", "postgresql"],
        check=True,
        env=env,
    )
    bin_dir = _bin_dir()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL packages installed but no initdb found")
    return bin_dir


class LocalCluster:
    """A throw-away-able cluster under ``data_dir`` listening on 127.0.0.1:``port``."""

    def __init__(self, data_dir: Path, port: int, log_dir: Path) -> None:
        self.data_dir = data_dir.resolve()
        self.port = port
        self.log_dir = log_dir
        self.user = "postgres" if os.geteuid() == 0 else None
        self.proc: Proc | None = None

    @property
    def dsn(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _chown(self, path: Path) -> None:
        if self.user:
            entry = pwd.getpwnam(self.user)
            os.chown(path, entry.pw_uid, entry.pw_gid)

    def _let_user_through(self) -> None:
        """The ``postgres`` user must reach ``data_dir``: folders above it made private by
        root (pytest's temporary folders, ``mktemp -d``) get the search bit for others."""
        if not self.user:
            return
        for folder in reversed(self.data_dir.parents):
            mode = folder.stat().st_mode
            if not mode & stat.S_IXOTH:
                log.info("letting the postgres user through", folder=str(folder))
                folder.chmod(mode | stat.S_IXOTH)

    async def start(self) -> None:
        bin_dir = _bin_dir()
        if bin_dir is None:
            bin_dir = await asyncio.to_thread(_install_postgres)
        pgdata = self.data_dir / "pgdata"
        sockets = self.data_dir / "run"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._let_user_through()
        for folder in (self.data_dir, sockets):
            folder.mkdir(parents=True, exist_ok=True)
            self._chown(folder)
        if not (pgdata / "PG_VERSION").exists():
            cmd = [
                str(bin_dir / "initdb"),
                "-D",
                str(pgdata),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
            ]
            run = functools.partial(subprocess.run, check=True, capture_output=True)
            await asyncio.to_thread(run, cmd, **as_user(self.user))
        self.proc = spawn(
            "postgres",
            [
                str(bin_dir / "postgres"),
                "-D",
                str(pgdata),
                "-p",
                str(self.port),
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                f"unix_socket_directories={sockets}",
                "-c",
                "max_connections=200",
                "-c",
                "fsync=off",
            ],
            log_dir=self.log_dir,
            user=self.user,
        )
        await wait_until(lambda: server_answers(self.dsn), what="postgres", timeout=30)

    def stop(self) -> None:
        if self.proc:
            self.proc.stop(timeout=20)  # SIGTERM = smart shutdown
