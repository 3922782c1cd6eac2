"""Read, validate and parse questionnaire files.

Validation runs in two passes: JSON Schema (questionnaire.schema.json, Draft 2020-12) for the
structure, then questionnaires.semantic for the rules a schema cannot express. Every problem
from both passes is reported at once, each with its JSON path and, where there is one, the id of
the question it belongs to.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from jsonschema import ValidationError

from questionnaires.json_documents import (
    UnreadableDocument,
    read_document,
    schema_findings,
    shortened,
    validator_for,
)
from questionnaires.model import (
    REVIEW_TYPES,
    Condition,
    Question,
    QuestionKind,
    Questionnaire,
    Scale,
    ScaleOption,
    Section,
    SourceRef,
    Statements,
)
from questionnaires.semantic import Finding, JsonPath, path_sort_key, render, semantic_findings

SCHEMA_PATH = Path(__file__).with_name("questionnaire.schema.json")
_ID_PATTERN = "^[a-z][a-z0-9_]*$"


@dataclass(frozen=True)
class Problem:
    path: str
    message: str
    question_id: str | None = None

    def __str__(self) -> str:
        where = f"{self.path} (question {self.question_id})" if self.question_id else self.path
        return f"{where}: {self.message}"


class InvalidQuestionnaire(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def default_questionnaire_path() -> Path:
    return Path(__file__).with_name("rasso_review.json")


def content_hash(doc: Mapping[str, Any]) -> str:
    """The same content gives the same hash whatever the key order or whitespace of the file."""
    canonical = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def load_questionnaire(path: Path) -> tuple[Questionnaire, dict[str, Any]]:
    """The parsed questionnaire and the raw document; InvalidQuestionnaire lists every problem."""
    try:
        doc, duplicate_keys = read_document(path)
    except UnreadableDocument as exc:
        raise InvalidQuestionnaire([Problem("$", str(exc))]) from exc
    findings = duplicate_keys + _schema_findings(doc) + semantic_findings(doc)
    problems = _sorted_problems(doc, findings)
    if problems:
        raise InvalidQuestionnaire(problems)
    valid = cast(dict[str, Any], doc)  # the schema pass found it to be an object
    return parse_questionnaire(valid), valid


def validate_document(doc: object) -> list[Problem]:
    """Every problem in an already decoded document: schema ones, then semantic ones, by path."""
    return _sorted_problems(doc, _schema_findings(doc) + semantic_findings(doc))


def parse_questionnaire(doc: Mapping[str, Any]) -> Questionnaire:
    """Build the model from a document that validate_document found no problems in."""
    scales = {
        scale_id: Scale(
            id=scale_id,
            options=tuple(
                ScaleOption(
                    code=o["code"],
                    label=o["label"],
                    score=None if o["score"] is None else float(o["score"]),
                    not_applicable=o.get("not_applicable", False),
                    reason_required=o.get("reason_required", False),
                )
                for o in scale["options"]
            ),
        )
        for scale_id, scale in doc["scales"].items()
    }
    sections = tuple(
        Section(
            id=s["id"],
            title=s["title"],
            questions=tuple(_parse_question(q, s["id"]) for q in s["questions"]),
        )
        for s in doc["sections"]
    )
    return Questionnaire(
        id=doc["id"],
        version=int(doc["version"]),
        title=doc["title"],
        scales=scales,
        sections=sections,
        renamed=dict(doc.get("renamed", {})),
        retired=dict(doc.get("retired", {})),
    )


def _parse_question(q: Mapping[str, Any], section_id: str) -> Question:
    return Question(
        id=q["id"],
        section_id=section_id,
        kind=QuestionKind(q["kind"]),
        text=q["text"],
        source=SourceRef(
            document=q["source"]["document"],
            section=q["source"]["section"],
            quote=q["source"].get("quote"),
        ),
        guidance=q.get("guidance", ""),
        scale_id=q.get("scale"),
        weight=float(q.get("weight", 1)),
        critical=q.get("critical", False),
        required=q.get("required", True),
        applies_to=frozenset(q.get("applies_to", REVIEW_TYPES)),
        conditions=tuple(
            Condition(question_id=c["question"], answer_in=frozenset(c["answer_in"]))
            for c in q.get("enabled_when", ())
        ),
        label=q.get("label"),
        statements=Statements(**q["statements"]) if "statements" in q else None,
        outcomes=frozenset(q["outcomes"]) if "outcomes" in q else None,
        cps_direct_only=q.get("cps_direct_only", False),
        themes=tuple(q.get("themes", ())),
    )


def _sorted_problems(doc: object, findings: list[Finding]) -> list[Problem]:
    ordered = sorted(dict.fromkeys(findings), key=lambda f: path_sort_key(f[0]))  # stable
    return [Problem(render(path), message, _question_id(doc, path)) for path, message in ordered]


def _question_id(doc: object, path: JsonPath) -> str | None:
    if len(path) < 4 or path[0] != "sections" or path[2] != "questions":
        return None
    s, q = path[1], path[3]
    try:
        ident = doc["sections"][s]["questions"][q]["id"]  # type: ignore[index]
    except (KeyError, IndexError, TypeError):
        return None
    return ident if isinstance(ident, str) else None


def _schema_findings(doc: object) -> list[Finding]:
    return schema_findings(validator_for(SCHEMA_PATH), doc, _message)


def _message(error: ValidationError) -> str:
    """jsonschema's messages in plainer words, without echoing large values back."""
    value: Any = error.validator_value
    instance: Any = error.instance
    if error.validator == "not" and value == {}:  # the schema forbids this field here
        last = error.absolute_path[-1] if error.absolute_path else ""
        if last == "statements":
            return "only a scale question has statements for the lawyer"
        return "a free_text question has no scale" if last == "scale" else "not allowed here"
    if error.validator == "type":
        expected = " or ".join(value) if isinstance(value, list) else value
        return f"expected {expected}, got {_describe(instance)}"
    if error.validator == "enum":
        choices = ", ".join(json.dumps(v) for v in value)
        return f"expected one of {choices}, got {_describe(instance)}"
    if error.validator == "pattern" and value == _ID_PATTERN:
        return (
            f"{_describe(instance)} is not a valid id: use lowercase letters, digits and "
            "underscores, starting with a letter"
        )
    if error.validator == "maxLength":
        return f"too long: {len(instance)} characters, at most {value}"
    if error.validator == "minLength" and value == 1:
        return "must not be empty"
    return shortened(error)


def _describe(value: object) -> str:
    if isinstance(value, bool):
        return f"boolean {json.dumps(value)}"
    if value is None:
        return "null"
    if isinstance(value, int | float):
        return f"number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"string {json.dumps(shown, ensure_ascii=False)}"
    return "an array" if isinstance(value, list) else "an object"
