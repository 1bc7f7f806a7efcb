"""The public API's reference page, made from its own OpenAPI document (no script, no CDN)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from gateway.web.rendering import Pages

API_PAGES = Pages(Path(__file__).resolve().parent / "templates")
router = APIRouter()


@dataclass(frozen=True)
class ApiField:
    """A parameter or a body field of an API operation."""

    name: str
    location: str
    required: bool
    type: str
    description: str


@dataclass(frozen=True)
class ApiResponse:
    status: str
    description: str
    type: str


@dataclass(frozen=True)
class ApiOperation:
    method: str
    path: str
    summary: str
    description: str
    parameters: list[ApiField]
    body_type: str
    body_fields: list[ApiField]
    responses: list[ApiResponse]

    @property
    def anchor(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", f"{self.method} {self.path}".lower()).strip("-")


Json = dict[str, Any]


def _schema_name(reference: str) -> str:
    return reference.rsplit("/", 1)[-1]


def schema_type(schema: Json) -> str:
    """A short, readable type: ``string``, ``EventOut``, ``array of EventOut``, ``… | null``."""
    if "$ref" in schema:
        return _schema_name(schema["$ref"])
    if "anyOf" in schema:
        return " | ".join(schema_type(option) for option in schema["anyOf"])
    if schema.get("type") == "array":
        return f"array of {schema_type(schema.get('items', {}))}"
    kind = str(schema.get("type", "object"))
    fmt = schema.get("format")
    return f"{kind} ({fmt})" if fmt else kind


def _content_schema(part: Json) -> Json:
    """The schema of a request body's or response's first content type."""
    content: Json = part.get("content", {})
    first: Json = next(iter(content.values()), {})
    schema: Json = first.get("schema", {})
    return schema


def _parameters(operation: Json) -> list[ApiField]:
    fields = []
    for parameter in operation.get("parameters", []):
        schema: Json = parameter.get("schema", {})
        description = parameter.get("description", schema.get("description", ""))
        fields.append(
            ApiField(
                str(parameter["name"]),
                str(parameter["in"]),
                bool(parameter.get("required")),
                schema_type(schema),
                str(description),
            )
        )
    return fields


def _body_fields(schema: Json, schemas: Json) -> list[ApiField]:
    model: Json = schemas.get(_schema_name(schema.get("$ref", "")), schema)
    required = set(model.get("required", []))
    properties: Json = model.get("properties", {})
    return [
        ApiField(
            name, "body", name in required, schema_type(prop), str(prop.get("description", ""))
        )
        for name, prop in properties.items()
    ]


def _responses(operation: Json) -> list[ApiResponse]:
    answers: Json = operation.get("responses", {})
    return [
        ApiResponse(
            status,
            str(answer.get("description", "")),
            schema_type(schema) if (schema := _content_schema(answer)) else "",
        )
        for status, answer in answers.items()
    ]


def api_reference(openapi: Json) -> list[ApiOperation]:
    """Every operation of the OpenAPI document, in its order."""
    schemas: Json = openapi.get("components", {}).get("schemas", {})
    paths: Json = openapi.get("paths", {})
    operations = []
    for path, methods in paths.items():
        for method, operation in methods.items():
            body = _content_schema(operation.get("requestBody", {}))
            operations.append(
                ApiOperation(
                    method=method.upper(),
                    path=path,
                    summary=str(operation.get("summary", "")),
                    description=str(operation.get("description", "")),
                    parameters=_parameters(operation),
                    body_type=schema_type(body) if body else "",
                    body_fields=_body_fields(body, schemas) if body else [],
                    responses=_responses(operation),
                )
            )
    return operations


@router.get("/api/docs")
async def api_docs(request: Request) -> HTMLResponse:
    """The public API's reference, made from its OpenAPI document."""
    operations = api_reference(request.app.openapi())
    return API_PAGES.render(request, "api_docs.html", {"operations": operations})
