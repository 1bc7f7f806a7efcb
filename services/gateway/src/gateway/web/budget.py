"""How many registrations one client address may send before it is asked to prove it is a
person: token buckets, in memory, per gateway process.

A municipal administration reaches the internet through a few shared addresses, so on the
morning a Fachtag opens hundreds of people arrive from one address.  A bucket per address
holds ``burst`` tokens and gets ``per_minute`` back every minute; each registration takes one.
Two more buckets keep one address from flooding one event and one e-mail address from being
registered again and again.  An attempt that finds any of its buckets empty takes nothing and
is asked for a solved challenge instead (``gateway.web.challenge``) – never refused.

Every check is O(1): a dict lookup and a little arithmetic.  Buckets that have filled up again
are forgotten (oldest first, amortised O(1)), and a bucket map never grows past ``max_keys``.
"""

from __future__ import annotations

import hashlib
import ipaddress
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

Clock = Callable[[], float]
MAX_KEYS = 200_000
"""Per bucket map; beyond it the longest-quiet key is forgotten (it starts full again)."""


class TokenBuckets:
    """A token bucket per key: ``burst`` tokens, refilled at ``per_second``."""

    def __init__(
        self,
        burst: int,
        per_second: float,
        clock: Clock = time.monotonic,
        max_keys: int = MAX_KEYS,
    ) -> None:
        if burst < 1 or per_second <= 0:
            raise ValueError("a bucket needs a burst of at least 1 and a positive refill")
        self.burst = float(burst)
        self.per_second = per_second
        self.max_keys = max_keys
        self._clock = clock
        # key -> [tokens, when counted]; ordered by the last time the key was seen
        self._buckets: OrderedDict[str, list[float]] = OrderedDict()

    def wait(self, key: str) -> float:
        """Seconds until ``key`` has a token (0 when it has one now); takes nothing."""
        now = self._clock()
        tokens = self._tokens(key, now)
        return 0.0 if tokens >= 1 else (1 - tokens) / self.per_second

    def take(self, key: str) -> None:
        """Take a token from ``key`` (its count may not go below zero)."""
        now = self._clock()
        tokens = self._tokens(key, now)
        self._buckets[key] = [max(0.0, tokens - 1), now]
        self._buckets.move_to_end(key)
        self._forget(now)

    def __len__(self) -> int:
        return len(self._buckets)

    def _tokens(self, key: str, now: float) -> float:
        bucket = self._buckets.get(key)
        if bucket is None:
            return self.burst
        tokens, counted = bucket
        return min(self.burst, tokens + (now - counted) * self.per_second)

    def _forget(self, now: float) -> None:
        """Drop the keys, longest-quiet first, whose bucket is full again (they would start
        full anyway), and the oldest beyond ``max_keys``."""
        while self._buckets:
            key, (tokens, counted) = next(iter(self._buckets.items()))
            full = tokens + (now - counted) * self.per_second >= self.burst
            if not full and len(self._buckets) <= self.max_keys:
                return
            del self._buckets[key]


@dataclass(frozen=True)
class Limits:
    """The three budgets; ``address_burst`` 0 turns every one of them off."""

    address_burst: int = 300
    address_per_minute: float = 300.0
    event_burst: int = 300
    event_per_minute: float = 120.0
    email_burst: int = 5
    email_per_minute: float = 1.0

    @property
    def off(self) -> bool:
        return self.address_burst <= 0


def address_key(host: str) -> str:
    """The client as the budget counts it: an IPv4 address, or the /64 network of an IPv6
    address (one household or device holds a whole /64 and can pick any address in it)."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def normalise_email(email: str) -> str:
    """One mailbox, however it is written: trimmed, lower case, without a ``+tag`` in the
    local part (``Erika.M+fachtag@Example.org`` → ``erika.m@example.org``)."""
    local, _, domain = email.strip().lower().rpartition("@")
    if not local:
        return domain
    return f"{local.split('+', 1)[0] or local}@{domain}"


class RegistrationBudget:
    """The address's, the address-and-event's and the e-mail address's bucket together.

    E-mail addresses are kept only as a keyed hash (the key is random per process), so the
    buckets hold no readable personal data."""

    def __init__(self, limits: Limits, clock: Clock = time.monotonic) -> None:
        self.limits = limits
        self._pepper = secrets.token_bytes(16)
        if limits.off:
            self._buckets: tuple[TokenBuckets, ...] = ()
            return
        self.addresses = TokenBuckets(limits.address_burst, limits.address_per_minute / 60, clock)
        self.events = TokenBuckets(limits.event_burst, limits.event_per_minute / 60, clock)
        self.emails = TokenBuckets(limits.email_burst, limits.email_per_minute / 60, clock)
        self._buckets = (self.addresses, self.events, self.emails)

    @property
    def off(self) -> bool:
        return self.limits.off

    def admit(self, client: str, event_id: str, email: str) -> float:
        """0 when the attempt is within every budget (a token is taken from each), else the
        seconds until it would be (nothing is taken)."""
        if self.limits.off:
            return 0.0
        keys = self._keys(client, event_id, email)
        wait = max(buckets.wait(key) for buckets, key in zip(self._buckets, keys, strict=True))
        if wait > 0:
            return wait
        for buckets, key in zip(self._buckets, keys, strict=True):
            buckets.take(key)
        return 0.0

    def _keys(self, client: str, event_id: str, email: str) -> tuple[str, str, str]:
        address = address_key(client)
        mailbox = hashlib.blake2b(
            normalise_email(email).encode(), key=self._pepper, digest_size=16
        ).hexdigest()
        return address, f"{address} {event_id}", mailbox
