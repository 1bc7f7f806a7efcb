"""The one error body of every HTTP API of the platform, internal and public.

Every 4xx and 5xx answer of the registration service, capacity and the gateway's public JSON
API is an ``ApiError``: a machine-readable ``code`` and a message in German and English; a
refusal about particular fields lists them in ``errors``, each as a ``Problem``.  Callers
show the message in their visitor's language and put a ``Problem`` next to its field.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Problem(BaseModel):
    """One thing wrong with one field of a request, in German and English."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    field: str = Field(
        description="the request field, dotted for nested ones (`body` for the whole body)"
    )
    code: str = Field(description="what is wrong, e.g. `missing`, `too_long`, `invalid`")
    message_de: str
    message_en: str

    def message(self, locale: str) -> str:
        """The message in ``locale`` (``de`` or ``en``; German for anything else)."""
        return self.message_en if locale == "en" else self.message_de


class ApiError(BaseModel):
    """Why a request was not done, in German and English."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    code: str = Field(description="machine-readable, e.g. `not_found`, `invalid_input`")
    message_de: str
    message_en: str
    errors: tuple[Problem, ...] = Field(
        default=(), description="the fields the refusal is about; empty when it is not"
    )

    def message(self, locale: str) -> str:
        """The message in ``locale`` (``de`` or ``en``; German for anything else)."""
        return self.message_en if locale == "en" else self.message_de


class ErrorCode(StrEnum):
    """The codes every API may answer; each API adds its own (``RegistrationErrorCode``,
    ``CapacityErrorCode``)."""

    NOT_FOUND = "not_found"
    INVALID_REQUEST = "invalid_request"
    """The body or a parameter does not fit the API's model; ``errors`` says where."""
    INTERNAL_TOKEN_REQUIRED = "internal_token_required"  # noqa: S105 - a code, not a secret
    HTTP_ERROR = "http_error"
    """Any other refusal of the web framework (e.g. 405 method not allowed)."""
    INTERNAL_ERROR = "internal_error"
