"""Groups of one batch run side by side; a failure waits for the others to finish."""

import asyncio

import pytest

from notification.entrypoints.stream import side_by_side


async def test_a_failing_group_is_raised_only_after_the_others_have_finished():
    finished: list[str] = []

    async def work(group):
        (name,) = group
        if name == "fails":
            raise RuntimeError("contact lookup failed")
        await asyncio.sleep(0.05)  # still sending when the other group fails
        finished.append(name)

    with pytest.raises(RuntimeError, match="contact lookup failed"):
        await side_by_side([["fails"], ["slow"]], work, limit=4)
    # a retry of the batch may start now: nothing of the failed attempt is still sending
    assert finished == ["slow"]


async def test_at_most_limit_groups_run_at_once():
    running, most = 0, 0

    async def work(group):
        nonlocal running, most
        running += 1
        most = max(most, running)
        await asyncio.sleep(0.01)
        running -= 1

    await side_by_side([[i] for i in range(10)], work, limit=3)
    assert most == 3
