"""The one polling helper: it returns what the probe found, and when the deadline passes it
says what was awaited and what it saw last."""

from __future__ import annotations

import asyncio

import pytest

from tests.support import eventually


async def test_returns_the_first_truthy_answer_of_a_plain_or_async_probe() -> None:
    answers = iter([None, [], ["mail"]])
    assert await eventually(lambda: next(answers), what="a mail", interval=0) == ["mail"]

    async def ready() -> str:
        return "ready"

    assert await eventually(ready, what="readiness") == "ready"


async def test_a_failed_assertion_means_not_yet() -> None:
    seen: list[int] = []

    def probe() -> int:
        seen.append(1)
        assert len(seen) >= 3, "not yet"
        return len(seen)

    assert await eventually(probe, what="three tries", interval=0) == 3


async def test_the_deadline_names_what_was_awaited_and_the_last_value() -> None:
    with pytest.raises(AssertionError) as late:
        await eventually(lambda: {"status": "pending"}.get("seat"), what="a seat", timeout=0.05)
    assert str(late.value) == "still waiting for a seat after 0.05 s; last seen: None"

    def asserting() -> bool:
        raise AssertionError("status is 'pending'")

    with pytest.raises(AssertionError, match="last seen: AssertionError: status is 'pending'"):
        await eventually(asserting, what="a decision", timeout=0.05, interval=0.01)


async def test_a_probe_that_hangs_is_cut_at_the_deadline() -> None:
    async def hangs() -> bool:
        await asyncio.sleep(60)
        return True

    with pytest.raises(AssertionError, match="the first probe had not returned"):
        await eventually(hangs, what="an answer", timeout=0.05)


async def test_other_errors_fail_at_once() -> None:
    calls: list[int] = []

    def broken() -> bool:
        calls.append(1)
        raise KeyError("status")

    with pytest.raises(KeyError):
        await eventually(broken, what="a status", timeout=5)
    assert calls == [1]

    async def own_timeout() -> bool:
        async with asyncio.timeout(0):
            await asyncio.sleep(1)
        return True

    with pytest.raises(TimeoutError):
        await eventually(own_timeout, what="a probe with its own deadline", timeout=5)
