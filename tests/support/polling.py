"""Waiting for eventual consistency: one way, with a deadline and a message that says what
was awaited and what was seen last."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, overload

T = TypeVar("T")

_REPR_LIMIT = 600


class _NothingYet:
    def __repr__(self) -> str:
        return "nothing (the first probe had not returned)"


class _Asserted:
    """The probe's failed assertion, as the last thing seen (its message whole: the test
    wrote it, e.g. with a worker's last log lines)."""

    def __init__(self, failed: AssertionError) -> None:
        self.failed = failed

    def __repr__(self) -> str:
        return f"AssertionError: {self.failed}"


@overload
async def eventually(
    probe: Callable[[], Awaitable[T | None]],
    *,
    what: str,
    timeout: float = ...,
    interval: float = ...,
) -> T: ...


@overload
async def eventually(
    probe: Callable[[], T | None],
    *,
    what: str,
    timeout: float = ...,
    interval: float = ...,
) -> T: ...


async def eventually(
    probe: Callable[[], Any],
    *,
    what: str,
    timeout: float = 45.0,
    interval: float = 0.25,
) -> Any:
    """Call ``probe`` (plain or async) until it returns something truthy, and return that.

    An ``AssertionError`` from the probe counts as "not yet" (so a probe may assert, and the
    last assertion is reported); any other exception fails at once.  After ``timeout``
    seconds, a probe still running included, raises ``AssertionError`` naming ``what`` and
    the last value (or assertion) the probe gave."""
    last: object = _NothingYet()
    deadline = asyncio.timeout(timeout)
    try:
        async with deadline:
            while True:
                try:
                    result = probe()
                    if inspect.isawaitable(result):
                        result = await result
                except AssertionError as failed:
                    last = _Asserted(failed)
                else:
                    if result:
                        return result
                    last = result
                await asyncio.sleep(interval)
    except TimeoutError:
        if not deadline.expired():
            raise  # the probe's own timeout, not ours
    seen = repr(last)
    if len(seen) > _REPR_LIMIT and not isinstance(last, _Asserted):
        seen = seen[:_REPR_LIMIT] + " …"
    raise AssertionError(f"still waiting for {what} after {timeout:g} s; last seen: {seen}")
