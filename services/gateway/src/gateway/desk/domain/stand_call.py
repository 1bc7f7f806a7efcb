"""The event form's call for stands at the Markt der guten Ideen: how many stands, from when
until when Kommunen and initiatives may apply, what a stand offers.  Every field left empty
is no call; capacity checks the same rules again (``contracts.http.capacity.call_problems``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from contracts.http.capacity import call_problems
from contracts.http.errors import Problem
from contracts.messages import MAX_STANDS, STAND_CALL_DESCRIPTION_MAX_LENGTH, StandCall
from gateway.desk.domain.fields import check_text, form_moment, local_moment

FIELDS = (
    "call_stands",
    "call_opens_date",
    "call_opens_time",
    "call_closes_date",
    "call_closes_time",
    "call_description",
)
CAPACITY_FIELDS = {
    "stand_call.opens_at": "call_opens_date",
    "stand_call.closes_at": "call_closes_date",
    "stand_call.stands": "call_stands",
    "stand_call.description": "call_description",
}
"""Capacity's request fields and the form fields that show their problems."""


def _stands(value: str, problems: list[Problem]) -> int | None:
    try:
        stands = int(value.strip())
    except ValueError:
        stands = 0
    if not 1 <= stands <= MAX_STANDS:
        problems.append(
            Problem(
                field="call_stands",
                code="invalid",
                message_de=f"Bitte geben Sie die Zahl der Stände an (1 bis {MAX_STANDS}).",
                message_en=f"Please enter the number of stands (1 to {MAX_STANDS}).",
            )
        )
        return None
    return stands


def stand_call_from_form(
    form: Mapping[str, str], starts_at: datetime | None, problems: list[Problem]
) -> StandCall | None:
    """The call as typed (Berlin time); None when every field of it is empty."""
    if not any(form.get(name, "").strip() for name in FIELDS):
        return None
    known = len(problems)
    stands = _stands(form.get("call_stands", ""), problems)
    opens_at = local_moment(
        form.get("call_opens_date", ""), form.get("call_opens_time", ""), "call_opens", problems
    )
    closes_at = local_moment(
        form.get("call_closes_date", ""), form.get("call_closes_time", ""), "call_closes", problems
    )
    description = check_text(
        form.get("call_description", ""),
        "call_description",
        STAND_CALL_DESCRIPTION_MAX_LENGTH,
        problems,
        required=False,
        multiline=True,
    )
    if opens_at is not None and closes_at is not None:
        problems.extend(
            problem.model_copy(update={"field": "call_closes_date"})
            for problem in call_problems(opens_at, closes_at, starts_at)
        )
    if len(problems) > known or stands is None or opens_at is None or closes_at is None:
        return None
    return StandCall(opens_at=opens_at, closes_at=closes_at, stands=stands, description=description)


def stand_call_values(call: StandCall | None) -> dict[str, str]:
    """The call as the form shows it for editing."""
    if call is None:
        return {}
    values = {"call_stands": str(call.stands), "call_description": call.description}
    for name, moment in (("call_opens", call.opens_at), ("call_closes", call.closes_at)):
        values[f"{name}_date"], values[f"{name}_time"] = form_moment(moment)
    return values
