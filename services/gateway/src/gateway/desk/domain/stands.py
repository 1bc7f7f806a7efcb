"""The Markt der guten Ideen at the desk: which applications for a stand the list shows
(its query ``seite``, ``suche``, ``status``, ``bedarf``, ``kommune``, ``reihenfolge``);
the registration service searches, filters, counts and pages them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from contracts.http.errors import Problem
from contracts.http.stands import (
    NOTE_MAX_LENGTH,
    ORGANISATION_MAX_LENGTH,
    SEARCH_MAX_LENGTH,
    ApplicationDecision,
    ApplicationOrder,
    StandNeed,
)
from contracts.messages import ApplicationState
from gateway.desk.domain.fields import check_text
from gateway.desk.domain.model import Paged, page_number, search_text
from gateway.domain.validation import InvalidInput

StrEnumT = TypeVar("StrEnumT", bound=StrEnum)

STATE_ORDER = (
    ApplicationState.RECEIVED,
    ApplicationState.ACCEPTED,
    ApplicationState.WAITLISTED,
    ApplicationState.DECLINED,
    ApplicationState.WITHDRAWN,
)
"""The order of the states in the counts, the filter and the exports."""


class ApplicationNotFound(Exception):
    """The event has no application for a stand with this id."""


def _chosen(values: Iterable[str], kind: type[StrEnumT]) -> tuple[StrEnumT, ...]:
    """The values ``kind`` knows, each once, in its own order; the others left out."""
    given = set(values)
    return tuple(member for member in kind if member.value in given)


@dataclass(frozen=True)
class ApplicationFilter(Paged):
    """Which applications the Markt's list shows: found by ``text`` (project, Kommune,
    contact, e-mail), in any of ``states``, needing any of ``needs``, from exactly
    ``organisation``; the oldest first unless asked otherwise."""

    text: str = ""
    states: tuple[ApplicationState, ...] = ()
    needs: tuple[StandNeed, ...] = ()
    organisation: str = ""
    order: ApplicationOrder = ApplicationOrder.OLDEST

    @classmethod
    def of(cls, pairs: Iterable[tuple[str, str]]) -> ApplicationFilter:
        """From the page's query (``status`` and ``bedarf`` may come more than once); what
        cannot be read is left out."""
        values: dict[str, list[str]] = {}
        for name, value in pairs:
            values.setdefault(name, []).append(value)

        def first(name: str) -> str:
            return values.get(name, [""])[0]

        order = first("reihenfolge")
        return cls(
            page=page_number(first("seite")),
            text=search_text(first("suche"), SEARCH_MAX_LENGTH),
            states=_chosen(values.get("status", []), ApplicationState),
            needs=_chosen(values.get("bedarf", []), StandNeed),
            organisation=first("kommune").strip()[:ORGANISATION_MAX_LENGTH],
            order=ApplicationOrder(order)
            if order in set(ApplicationOrder)
            else ApplicationOrder.OLDEST,
        )

    @property
    def filtered(self) -> bool:
        return bool(self.text or self.states or self.needs or self.organisation)

    def params(self, page: int | None = None) -> list[tuple[str, str]]:
        """The query that shows this selection (on ``page``); page 1, the default order and
        empty fields are left out."""
        values = [("suche", self.text)] if self.text else []
        values += [("status", state.value) for state in self.states]
        values += [("bedarf", need.value) for need in self.needs]
        if self.organisation:
            values.append(("kommune", self.organisation))
        if self.order is not ApplicationOrder.OLDEST:
            values.append(("reihenfolge", self.order.value))
        number = self.page if page is None else page
        if number > 1:
            values.append(("seite", str(number)))
        return values


def decision_from_form(form: Mapping[str, str]) -> tuple[ApplicationDecision, str]:
    """The decision form as sent (``decision``, ``note``); ``InvalidInput`` when no decision
    is chosen or the note is too long."""
    problems: list[Problem] = []
    try:
        decision: ApplicationDecision | None = ApplicationDecision(form.get("decision", ""))
    except ValueError:
        decision = None
        problems.append(
            Problem(
                field="decision",
                code="missing",
                message_de="Bitte wählen Sie: annehmen, auf die Warteliste setzen oder ablehnen.",
                message_en="Please choose: accept, put on the waiting list or decline.",
            )
        )
    note = check_text(
        form.get("note", ""), "note", NOTE_MAX_LENGTH, problems, required=False, multiline=True
    )
    if problems or decision is None:
        raise InvalidInput(problems)
    return decision, note
