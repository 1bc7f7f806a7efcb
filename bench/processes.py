"""The stack's processes by role, and what they use: CPU seconds and memory, read from /proc.

A role is a service's process name in ``Stack.procs`` (``gateway``, ``capacity-worker-1``,
``smtp``, …), ``kafka`` for the broker and ``postgres`` for the database server: with a
cluster of the stack's own every process of it, on a shared server only the backends of the
stack's databases and the server's own helpers (checkpointer, WAL writer, …).  Children of a
process count for its role.  Processes the bench starts itself (the load generator,
``gateway-admin``, ``pgbench``) are not the stack.
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path

from devstack.stack import Stack

KAFKA = "kafka"
POSTGRES = "postgres"
TICKS = os.sysconf("SC_CLK_TCK")
# a client backend's title: "postgres: <user> <database> 127.0.0.1(53522) idle"
CLIENT_BACKEND = re.compile(r"\d+\.\d+\.\d+\.\d+\(\d+\)|\[local\]")


def _stat_fields(pid: int) -> list[str] | None:
    """/proc/<pid>/stat after the command name (field 3 on: state, ppid, …)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def _title(pid: int) -> str:
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    return ""


def _parents() -> dict[int, int]:
    """Every process's parent."""
    parents = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit() and (fields := _stat_fields(int(entry.name))):
            parents[int(entry.name)] = int(fields[1])
    return parents


def stack_roles(stack: Stack) -> dict[int, str]:
    """Each process of the stack (and of its Postgres) with its role."""
    parents = _parents()
    children: dict[int, list[int]] = {}
    for pid, parent in parents.items():
        children.setdefault(parent, []).append(pid)
    roles: dict[int, str] = {}

    def claim(pid: int, role: str) -> None:
        todo = [pid]
        while todo:
            current = todo.pop()
            roles[current] = role
            todo.extend(children.get(current, []))

    for name, proc in stack.procs.items():
        if proc.alive():
            claim(proc.pid, name)
    for proc in stack.kafka.procs.values():
        if proc.alive():
            claim(proc.pid, KAFKA)
    if stack.cluster is not None and stack.cluster.proc is not None:
        claim(stack.cluster.proc.pid, POSTGRES)
    else:
        for pid in postgres_of_databases(stack.config.db_prefix, parents, children):
            roles[pid] = POSTGRES
    return roles


def postgres_of_databases(
    prefix: str, parents: dict[int, int], children: dict[int, list[int]]
) -> set[int]:
    """On a shared server: the backends of the databases named ``<prefix>_…``, the server
    process they belong to and its helpers, not other clients' backends."""
    ours = {pid for pid in parents if f" {prefix}_" in _title(pid) and _is_postgres(pid)}
    servers = {parents[pid] for pid in ours}
    helpers = {
        pid
        for server in servers
        for pid in children.get(server, [])
        if not CLIENT_BACKEND.search(_title(pid))
    }
    return ours | servers | helpers


def _is_postgres(pid: int) -> bool:
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/comm").read_text().strip() == "postgres"
    return False


def cpu_seconds(roles: dict[int, str]) -> dict[str, float]:
    """CPU time (user + system) each role has used so far."""
    used: dict[str, float] = {}
    for pid, role in roles.items():
        if fields := _stat_fields(pid):
            used[role] = used.get(role, 0.0) + (int(fields[11]) + int(fields[12])) / TICKS
    return used


def memory_kib(pid: int) -> int:
    """Proportional set size (shared pages split between the processes sharing them), else
    the resident set."""
    for name, field in (("smaps_rollup", "Pss:"), ("status", "VmRSS:")):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
                if line.startswith(field):
                    return int(line.split()[1])
    return 0


def memory_kib_by_role(roles: dict[int, str]) -> dict[str, int]:
    used: dict[str, int] = {}
    for pid, role in roles.items():
        used[role] = used.get(role, 0) + memory_kib(pid)
    return used


def used_since(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    """CPU seconds per role between two readings, most first."""
    spent = {role: round(after[role] - before.get(role, 0.0), 2) for role in after}
    return dict(sorted(spent.items(), key=lambda item: -item[1]))
