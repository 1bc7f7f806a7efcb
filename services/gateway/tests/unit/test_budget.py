"""The registration budget per client address: token buckets, the ceiling per event and
address, the limit per e-mail address, and what counts as one address or one mailbox."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.web.budget import (
    Limits,
    RegistrationBudget,
    TokenBuckets,
    address_key,
    normalise_email,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_gives_its_burst_then_refills():
    clock = Clock()
    buckets = TokenBuckets(3, 0.5, clock)
    for _ in range(3):
        assert buckets.wait("a") == 0
        buckets.take("a")
    assert buckets.wait("a") == pytest.approx(2.0), "one token comes back every 2 s"
    assert buckets.wait("b") == 0, "every key has its own bucket"
    clock.now += 1
    assert buckets.wait("a") == pytest.approx(1.0)
    clock.now += 1
    assert buckets.wait("a") == 0
    clock.now += 100
    for _ in range(3):
        buckets.take("a")
    assert buckets.wait("a") > 0, "it never holds more than its burst"


def test_full_buckets_are_forgotten_and_the_map_is_bounded():
    clock = Clock()
    buckets = TokenBuckets(2, 1.0, clock, max_keys=3)
    buckets.take("a")
    buckets.take("b")
    clock.now += 5  # both full again
    buckets.take("c")
    assert len(buckets) == 1
    for key in "defg":
        buckets.take(key)
    assert len(buckets) == 3, "the longest-quiet keys go first"
    assert buckets.wait("c") == 0, "a forgotten key starts full"


def test_a_bucket_needs_a_burst_and_a_refill():
    with pytest.raises(ValueError):
        TokenBuckets(0, 1.0)
    with pytest.raises(ValueError):
        TokenBuckets(1, 0)


def budget(clock: Clock, **limits: Any) -> RegistrationBudget:
    return RegistrationBudget(Limits(**limits), clock)


def test_three_hundred_people_from_one_address_pass_with_the_defaults():
    clock = Clock()
    shared = budget(clock)
    waits = [shared.admit("10.1.1.1", "fachtag", f"person.{i}@kommune.de") for i in range(300)]
    assert waits == [0] * 300
    assert shared.admit("10.1.1.1", "fachtag", "person.300@kommune.de") > 0
    assert shared.admit("10.1.1.2", "fachtag", "someone@kommune.de") == 0, "another address"
    clock.now += 1
    assert shared.admit("10.1.1.1", "fachtag", "late@kommune.de") == 0, "5 tokens a second"


def test_one_event_has_its_own_ceiling_per_address():
    clock = Clock()
    limited = budget(clock, address_burst=100, event_burst=3, event_per_minute=60)
    for i in range(3):
        assert limited.admit("10.0.0.1", "forum", f"p{i}@example.org") == 0
    assert limited.admit("10.0.0.1", "forum", "p3@example.org") == pytest.approx(1.0)
    assert limited.admit("10.0.0.1", "plenum", "p3@example.org") == 0, "another event"
    assert limited.admit("10.0.0.2", "forum", "p4@example.org") == 0, "another address"


def test_one_mailbox_however_written_has_its_own_limit():
    clock = Clock()
    limited = budget(clock, email_burst=2, email_per_minute=1)
    assert limited.admit("10.0.0.1", "a", "Erika@Example.org") == 0
    assert limited.admit("10.0.0.2", "b", "  erika+fachtag@example.ORG ") == 0
    assert limited.admit("10.0.0.3", "c", "erika@example.org") == pytest.approx(60.0)
    assert limited.admit("10.0.0.3", "c", "zora@example.org") == 0


def test_an_attempt_beyond_one_budget_takes_from_none():
    clock = Clock()
    limited = budget(clock, address_burst=2, email_burst=1)
    assert limited.admit("10.0.0.1", "a", "erika@example.org") == 0
    for _ in range(5):  # the mailbox is used up: these take nothing from the address
        assert limited.admit("10.0.0.1", "a", "erika@example.org") > 0
    assert limited.admit("10.0.0.1", "a", "zora@example.org") == 0
    assert limited.admit("10.0.0.1", "a", "fritz@example.org") > 0


def test_no_budget_at_all_when_it_is_off():
    off = budget(Clock(), address_burst=0)
    assert off.off
    assert all(off.admit("10.0.0.1", "a", "erika@example.org") == 0 for _ in range(1000))


def test_the_keys():
    assert address_key("2001:db8:1:2:aaaa::1") == address_key("2001:db8:1:2:bbbb::9")
    assert address_key("2001:db8:1:2:aaaa::1") == "2001:db8:1:2::/64"
    assert address_key("2001:db8:1:3::1") != address_key("2001:db8:1:2::1")
    assert address_key("::ffff:10.0.0.1") == "10.0.0.1"
    assert address_key("10.0.0.1") == "10.0.0.1"
    assert address_key("testclient") == "testclient"
    assert normalise_email(" Erika.M+Fachtag@Example.ORG ") == "erika.m@example.org"
    assert normalise_email("+x@example.org") == "+x@example.org"
