"""Reading a JSON document and checking it against its JSON Schema (Draft 2020-12, formats
checked), each problem at its JSON path: shared by questionnaire files and the sampling policy
file, which word their own messages."""

from __future__ import annotations

import functools
import json
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, ValidationError

from questionnaires.semantic import Finding, JsonPath

DUPLICATE_KEY = "duplicate key '{key}' (JSON keeps only the last)"
UNKNOWN_FIELD = "unknown field '{key}'"


class UnreadableDocument(Exception):
    """The file cannot be read as JSON at all: one problem, at ``$``."""


def read_document(path: Path) -> tuple[object, list[Finding]]:
    """The document as plain dicts and lists, and the keys repeated within one object (which
    json would silently collapse to the last, hiding for example a second scale of one id)."""
    try:
        text = path.read_text(encoding="utf-8-sig")  # tolerate a byte-order mark
    except OSError as exc:
        raise UnreadableDocument(f"cannot read {path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise UnreadableDocument(f"{path} is not UTF-8 text (byte {exc.start})") from exc
    try:
        decoded = json.loads(
            text, object_pairs_hook=_object_with_duplicates, parse_constant=_reject_constant
        )
    except json.JSONDecodeError as exc:
        raise UnreadableDocument(
            f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from exc
    except ValueError as exc:
        raise UnreadableDocument(f"invalid JSON: {exc}") from exc
    duplicates: list[Finding] = []
    return _plain(decoded, (), duplicates), duplicates


@functools.cache
def validator_for(schema_path: Path) -> Draft202012Validator:
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def schema_findings(
    validator: Draft202012Validator,
    doc: object,
    message: Callable[[ValidationError], str],
    *,
    missing_field: str | None = None,
) -> list[Finding]:
    """Every schema error as (path, words). An unknown field is reported at its own path; so
    is a missing one when ``missing_field`` gives the words (else jsonschema's, at the parent);
    a bad property name at the name; everything else in ``message``'s words."""
    findings: list[Finding] = []
    for error in validator.iter_errors(doc):
        path: JsonPath = tuple(error.absolute_path)
        if error.validator == "additionalProperties" and isinstance(error.instance, Mapping):
            known = error.schema.get("properties", {})
            unknown = [k for k in error.instance if k not in known]
            findings += [((*path, k), UNKNOWN_FIELD.format(key=k)) for k in unknown]
        elif (
            missing_field is not None
            and error.validator == "required"
            and isinstance(error.instance, Mapping)
        ):
            # One error per missing field; the caller merges duplicates when ordering.
            missing = [k for k in error.validator_value if k not in error.instance]
            findings += [((*path, k), missing_field) for k in missing]
        elif "propertyNames" in error.relative_schema_path:
            findings.append(((*path, str(error.instance)), message(error)))
        else:
            findings.append((path, message(error)))
    return findings


def shortened(error: ValidationError) -> str:
    """jsonschema's own message, without echoing a large value back."""
    return error.message if len(error.message) <= 200 else error.message[:197] + "..."


class _DecodedObject(dict[str, Any]):
    """A decoded JSON object that remembers keys it held more than once."""

    duplicates: tuple[str, ...] = ()


def _object_with_duplicates(pairs: list[tuple[str, Any]]) -> _DecodedObject:
    obj = _DecodedObject(pairs)
    if len(obj) < len(pairs):
        obj.duplicates = tuple(k for k, n in Counter(k for k, _ in pairs).items() if n > 1)
    return obj


def _reject_constant(name: str) -> float:
    # NaN would slip past a schema's minimum and maximum (every comparison with it is false).
    raise ValueError(f"{name} is not a JSON number")


def _plain(value: object, path: JsonPath, findings: list[Finding]) -> object:
    if isinstance(value, dict):
        for key in getattr(value, "duplicates", ()):
            findings.append(((*path, key), DUPLICATE_KEY.format(key=key)))
        return {k: _plain(v, (*path, k), findings) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v, (*path, i), findings) for i, v in enumerate(value)]
    return value
