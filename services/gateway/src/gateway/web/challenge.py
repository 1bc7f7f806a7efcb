"""A proof-of-work challenge in ALTCHA's format, made and checked by the gateway itself: no
third-party service sees who registers, no cookie, nothing to install.

The challenge the client gets (JSON)::

    {"algorithm": "SHA-256", "challenge": "<hex>", "maxnumber": 1000000,
     "salt": "<24 hex digits>?expires=<unix seconds>&", "signature": "<hex>"}

``challenge`` is SHA-256 of ``salt + str(number)`` for a secret random ``number`` between 0
and ``maxnumber``; ``signature`` is HMAC-SHA256 of ``challenge`` with a key derived from
``GATEWAY_SECRET_KEY``.  The client tries 0, 1, 2, … until SHA-256 of ``salt + str(n)`` is
``challenge`` (on average ``maxnumber / 2`` hashes) and sends the solution as base64 of the
JSON ``{"algorithm", "challenge", "number", "salt", "signature"}``.  The ``&`` that ends the
salt keeps digits of the number from being read as part of ``expires`` (ALTCHA does the same).

A solution counts once: solved challenges are remembered until they expire (in memory, per
process; forgotten oldest first, amortised O(1)).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import time
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import parse_qs

ALGORITHM = "SHA-256"
SALT_BYTES = 12
MAX_PAYLOAD = 1024
"""Characters of a base64 solution; anything longer is not one of ours."""
MAX_NUMBER = 10**12
KEY_PURPOSE = b"quartier registration proof of work v1"

Clock = Callable[[], float]


class Verdict(StrEnum):
    """What a solution sent along with a registration turned out to be."""

    SOLVED = "solved"
    MISSING = "missing"
    MALFORMED = "malformed"
    FORGED = "forged"
    """The signature was not made with this gateway's key."""
    WRONG = "wrong"
    """The number does not give the challenge."""
    EXPIRED = "expired"
    USED = "used"


@dataclass(frozen=True)
class Challenge:
    algorithm: str
    challenge: str
    maxnumber: int
    salt: str
    signature: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), separators=(",", ":"))


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def expires_of(salt: str) -> int | None:
    """The ``expires`` parameter of a salt (``…?expires=1767225600&``), if it has one."""
    _, _, query = salt.partition("?")
    values = parse_qs(query).get("expires", [])
    if len(values) != 1 or not (values[0].isascii() and values[0].isdigit()):
        return None
    return int(values[0])


class ProofOfWork:
    """Makes challenges and checks their solutions, each solution once."""

    def __init__(
        self,
        secret: str,
        max_number: int,
        lifetime_seconds: float,
        clock: Clock = time.time,
    ) -> None:
        self.max_number = max_number
        self.lifetime = lifetime_seconds
        self._key = hmac.new(secret.encode(), KEY_PURPOSE, hashlib.sha256).digest()
        self._clock = clock
        self._used: dict[str, int] = {}
        self._used_order: deque[tuple[int, str]] = deque()

    def issue(self) -> Challenge:
        expires = int(self._clock() + self.lifetime)
        salt = f"{secrets.token_hex(SALT_BYTES)}?expires={expires}&"
        number = secrets.randbelow(self.max_number + 1)
        challenge = sha256_hex(f"{salt}{number}")
        return Challenge(ALGORITHM, challenge, self.max_number, salt, self._sign(challenge))

    def check(self, payload: str | None) -> Verdict:
        """Whether ``payload`` solves a challenge of ours that is neither expired nor used
        (then it is used from now on)."""
        if not payload:
            return Verdict.MISSING
        solution = _decode(payload)
        if solution is None:
            return Verdict.MALFORMED
        challenge, number, salt, signature = solution
        if not hmac.compare_digest(self._sign(challenge).encode(), signature.encode()):
            return Verdict.FORGED
        expires = expires_of(salt)
        now = self._clock()
        if expires is None:
            return Verdict.MALFORMED
        if expires <= now:
            return Verdict.EXPIRED
        if sha256_hex(f"{salt}{number}") != challenge:
            return Verdict.WRONG
        self._forget(now)
        if challenge in self._used:
            return Verdict.USED
        self._used[challenge] = expires
        self._used_order.append((expires, challenge))
        return Verdict.SOLVED

    def remembered(self) -> int:
        """How many solved challenges are kept (until they expire)."""
        return len(self._used)

    def _sign(self, challenge: str) -> str:
        return hmac.new(self._key, challenge.encode(), hashlib.sha256).hexdigest()

    def _forget(self, now: float) -> None:
        while self._used_order and self._used_order[0][0] <= now:
            _, challenge = self._used_order.popleft()
            del self._used[challenge]


def _decode(payload: str) -> tuple[str, int, str, str] | None:
    """The challenge, number, salt and signature of a base64 solution, or ``None`` if it is
    not one."""
    if len(payload) > MAX_PAYLOAD:
        return None
    try:
        solution = json.loads(base64.b64decode(payload, validate=True))
    except (binascii.Error, ValueError):
        return None
    if not isinstance(solution, dict):
        return None
    algorithm = solution.get("algorithm")
    challenge = solution.get("challenge")
    number = solution.get("number")
    salt = solution.get("salt")
    signature = solution.get("signature")
    if (
        algorithm != ALGORITHM
        or not isinstance(challenge, str)
        or not isinstance(salt, str)
        or not isinstance(signature, str)
        or not isinstance(number, int)
        or isinstance(number, bool)
        or not 0 <= number <= MAX_NUMBER
    ):
        return None
    return challenge, number, salt, signature
