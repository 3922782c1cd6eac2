"""Read and validate the sampling policy file (policies/sampling_default.json, beside this
module, by default).

Two passes, every problem reported at once with its JSON path: the JSON Schema
(sampling_policy.schema.json, Draft 2020-12, format checking on), then the Area names, which
live in inspections.areas rather than being copied into the schema.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from jsonschema import ValidationError

from inspections.areas import AREAS
from inspections.sampling import (
    DEFAULT_DOUBLE_MARK_RATE,
    AlwaysSelect,
    MonthlyFloor,
    RateOverride,
    Rates,
    SamplingPolicy,
)
from questionnaires.json_documents import (
    UnreadableDocument,
    read_document,
    schema_findings,
    shortened,
    validator_for,
)
from questionnaires.semantic import Finding, path_sort_key, render

POLICY_DIR = Path(__file__).with_name("policies")
DEFAULT_POLICY_PATH = POLICY_DIR / "sampling_default.json"
SCHEMA_PATH = POLICY_DIR / "sampling_policy.schema.json"


@dataclass(frozen=True)
class PolicyProblem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class InvalidSamplingPolicy(Exception):
    def __init__(self, problems: list[PolicyProblem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def load_sampling_policy(path: Path | None = None) -> SamplingPolicy:
    """The policy in path (the default file when None); InvalidSamplingPolicy lists every fault."""
    path = DEFAULT_POLICY_PATH if path is None else path
    try:
        doc, duplicates = read_document(path)
    except UnreadableDocument as exc:
        raise InvalidSamplingPolicy([PolicyProblem("$", str(exc))]) from exc
    problems = _ordered(duplicates + _findings(doc))
    if problems:
        raise InvalidSamplingPolicy(problems)
    return parse_policy(cast(dict[str, Any], doc))  # the schema pass found an object


def validate_policy_document(doc: object) -> list[PolicyProblem]:
    """Every problem in a decoded policy document, ordered by JSON path."""
    return _ordered(_findings(doc))


def parse_policy(doc: Mapping[str, Any]) -> SamplingPolicy:
    """Build the policy from a document validate_policy_document found no problems in."""
    rules = doc["always_select"]
    return SamplingPolicy(
        version=doc["version"],
        rates=Rates(
            early_advice=float(doc["rates"]["early_advice"]),
            pre_charge_decision=float(doc["rates"]["pre_charge_decision"]),
        ),
        area_rates={
            area: RateOverride(
                early_advice=_optional_float(override.get("early_advice")),
                pre_charge_decision=_optional_float(override.get("pre_charge_decision")),
            )
            for area, override in doc.get("area_rates", {}).items()
        },
        always_select=AlwaysSelect(
            pcd_action_plans=rules["pcd_action_plans"]["enabled"],
            action_plan_threshold=int(rules["pcd_action_plans"]["threshold"]),
            threshold_charge=rules["threshold_charge"]["enabled"],
            no_further_action=rules["no_further_action"]["enabled"],
        ),
        monthly_floor=MonthlyFloor(
            enabled=doc["monthly_floor"]["enabled"],
            by_day=int(doc["monthly_floor"]["by_day"]),
        ),
        double_mark_rate=float(doc.get("double_mark_rate", DEFAULT_DOUBLE_MARK_RATE)),
    )


def _findings(doc: object) -> list[Finding]:
    return _schema_findings(doc) + _area_findings(doc)


def _ordered(findings: list[Finding]) -> list[PolicyProblem]:
    ordered = sorted(dict.fromkeys(findings), key=lambda f: path_sort_key(f[0]))
    return [PolicyProblem(render(path), message) for path, message in ordered]


def _schema_findings(doc: object) -> list[Finding]:
    return schema_findings(
        validator_for(SCHEMA_PATH), doc, _message, missing_field="required field is missing"
    )


def _area_findings(doc: object) -> list[Finding]:
    overrides = doc.get("area_rates") if isinstance(doc, Mapping) else None
    if not isinstance(overrides, Mapping):
        return []  # missing is fine; a wrong type is the schema pass's to report
    return [
        (("area_rates", area), f"unknown Area '{area}' (expected one of: {', '.join(AREAS)})")
        for area in overrides
        if area not in AREAS
    ]


def _message(error: ValidationError) -> str:
    value: Any = error.validator_value
    if error.validator == "type":
        return f"expected {value}, got {_describe(error.instance)}"
    if error.validator == "minimum":
        return f"must be at least {value}, got {_describe(error.instance)}"
    if error.validator == "maximum":
        return f"must be at most {value}, got {_describe(error.instance)}"
    if error.validator == "pattern" and list(error.absolute_path) == ["version"]:
        return f"{_describe(error.instance)} is not a version like 2026-11-1 (year-month-number)"
    if error.validator == "minProperties":
        return "give a rate for at least one review type"
    return shortened(error)


def _describe(value: object) -> str:
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, int | float):
        return f"{value}"
    if isinstance(value, str):
        return json.dumps(value if len(value) <= 40 else value[:37] + "...", ensure_ascii=False)
    return "an array" if isinstance(value, list) else "an object"


def _optional_float(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None
