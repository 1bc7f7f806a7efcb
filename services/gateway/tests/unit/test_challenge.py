"""The proof-of-work challenge in ALTCHA's format: made, solved once, and every way a
solution is refused (wrong number, forged signature, expired, used, not a solution)."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from typing import Any

import pytest

from gateway.web.challenge import ProofOfWork, Verdict, expires_of
from services.gateway.tests.unit.conftest import solve_challenge

SECRET = "a-secret-key-of-the-gateway-for-tests"


class Clock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def payload(solution: dict[str, Any]) -> str:
    return base64.b64encode(json.dumps(solution).encode()).decode()


def test_a_challenge_in_altcha_format_is_solved_once():
    clock = Clock()
    proof = ProofOfWork(SECRET, 5000, 600, clock)
    challenge = proof.issue().as_dict()

    assert challenge["algorithm"] == "SHA-256"
    assert challenge["maxnumber"] == 5000
    assert re.fullmatch(r"[0-9a-f]{24}\?expires=\d+&", challenge["salt"])
    assert expires_of(challenge["salt"]) == int(clock.now) + 600
    assert re.fullmatch(r"[0-9a-f]{64}", challenge["challenge"])
    assert re.fullmatch(r"[0-9a-f]{64}", challenge["signature"])
    solution = solve_challenge(challenge)
    assert proof.check(solution) is Verdict.SOLVED
    assert proof.check(solution) is Verdict.USED, "a solution counts once"
    assert proof.issue().challenge != challenge["challenge"], "a fresh one every time"


def test_a_wrong_number_is_refused():
    proof = ProofOfWork(SECRET, 5000, 600, Clock())
    challenge = proof.issue().as_dict()
    right = json.loads(base64.b64decode(solve_challenge(challenge)))["number"]
    assert proof.check(solve_challenge(challenge, number=right + 1)) is Verdict.WRONG
    assert proof.check(solve_challenge(challenge)) is Verdict.SOLVED, "a wrong try uses nothing up"


def test_a_forged_signature_is_refused():
    clock = Clock()
    ours = ProofOfWork(SECRET, 5000, 600, clock)
    theirs = ProofOfWork("someone-elses-key-someone-elses-key", 5000, 600, clock)
    assert ours.check(solve_challenge(theirs.issue().as_dict())) is Verdict.FORGED
    made_up = ours.issue().as_dict()
    salt = made_up["salt"].replace("?expires=", "?expires=9")  # a later expiry
    number = 7
    made_up |= {
        "salt": salt,
        "challenge": hashlib.sha256(f"{salt}{number}".encode()).hexdigest(),
    }
    assert ours.check(solve_challenge(made_up, number=number)) is Verdict.FORGED
    longer = ours.issue().as_dict()
    solved = json.loads(base64.b64decode(solve_challenge(longer)))
    solved["salt"] = solved["salt"].replace("?expires=", "?expires=9")  # same signature
    assert ours.check(payload(solved)) is Verdict.WRONG


def test_an_expired_challenge_is_refused():
    clock = Clock()
    proof = ProofOfWork(SECRET, 5000, 600, clock)
    challenge = proof.issue().as_dict()
    solution = solve_challenge(challenge)
    clock.now += 600
    assert proof.check(solution) is Verdict.EXPIRED


def test_used_solutions_are_forgotten_once_expired():
    clock = Clock()
    proof = ProofOfWork(SECRET, 200, 60, clock)
    for _ in range(3):
        assert proof.check(solve_challenge(proof.issue().as_dict())) is Verdict.SOLVED
    assert proof.remembered() == 3
    clock.now += 61
    assert proof.check(solve_challenge(proof.issue().as_dict())) is Verdict.SOLVED
    assert proof.remembered() == 1


@pytest.mark.parametrize(
    "sent",
    [
        "kein base64!",
        base64.b64encode(b"not json").decode(),
        payload(["a", "list"]),
        "A" * 5000,
        "ä",
    ],
)
def test_what_is_no_solution_at_all(sent):
    assert ProofOfWork(SECRET, 100, 600, Clock()).check(sent) is Verdict.MALFORMED


@pytest.mark.parametrize(
    "change",
    [
        {"algorithm": "SHA-1"},
        {"number": True},
        {"number": "12"},
        {"number": -1},
        {"salt": None},
        {"signature": 5},
        {"challenge": None},
    ],
)
def test_a_solution_of_the_wrong_shape(change):
    proof = ProofOfWork(SECRET, 100, 600, Clock())
    solution = json.loads(base64.b64decode(solve_challenge(proof.issue().as_dict())))
    assert proof.check(payload(solution | change)) is Verdict.MALFORMED
    assert proof.check(None) is Verdict.MISSING
    assert proof.check("") is Verdict.MISSING
