"""The whole platform as processes for end-to-end tests (one stack per session)."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator

import pytest

from devstack.stack import ROOT, Stack, StackConfig

STACK_DIR = ROOT / "test-artifacts" / "e2e-stack"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
async def stack(postgres_server: str) -> AsyncIterator[Stack]:
    """Broker, Postgres, SMTP sink and every service; logs stay in test-artifacts/."""
    shutil.rmtree(STACK_DIR, ignore_errors=True)
    stack = Stack(StackConfig.for_tests(STACK_DIR, postgres_server))
    await stack.start()
    (STACK_DIR / "ready-seconds.txt").write_text(repr(stack.ready_seconds))
    yield stack
    await stack.stop()
