"""Read and validate the sampling policy file (bot/policies/sampling_default.json by default).

Two passes, every problem reported at once with its JSON path: the JSON Schema
(sampling_policy.schema.json, Draft 2020-12, format checking on), then the Area names, which
live in inspections.areas rather than being copied into the schema.
"""

from __future__ import annotations

import functools
import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from jsonschema import Draft202012Validator, ValidationError

from inspections.areas import AREAS
from inspections.sampling import AlwaysSelect, MonthlyFloor, RateOverride, Rates, SamplingPolicy
from questionnaires.semantic import JsonPath, path_sort_key, render

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
        text = path.read_text(encoding="utf-8-sig")  # tolerate a byte-order mark
    except OSError as exc:
        raise InvalidSamplingPolicy([PolicyProblem("$", f"cannot read {path}: {exc}")]) from exc
    except UnicodeDecodeError as exc:
        message = f"{path} is not UTF-8 text (byte {exc.start})"
        raise InvalidSamplingPolicy([PolicyProblem("$", message)]) from exc
    try:
        decoded = json.loads(
            text, object_pairs_hook=_RememberingDict.from_pairs, parse_constant=_reject_constant
        )
    except json.JSONDecodeError as exc:
        message = f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        raise InvalidSamplingPolicy([PolicyProblem("$", message)]) from exc
    except ValueError as exc:
        raise InvalidSamplingPolicy([PolicyProblem("$", f"invalid JSON: {exc}")]) from exc
    duplicates: list[Finding] = []
    doc = _plain(decoded, (), duplicates)
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
    )


Finding = tuple[JsonPath, str]


def _findings(doc: object) -> list[Finding]:
    return _schema_findings(doc) + _area_findings(doc)


def _ordered(findings: list[Finding]) -> list[PolicyProblem]:
    ordered = sorted(dict.fromkeys(findings), key=lambda f: path_sort_key(f[0]))
    return [PolicyProblem(render(path), message) for path, message in ordered]


@functools.cache
def _validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _schema_findings(doc: object) -> list[Finding]:
    findings: list[Finding] = []
    for error in _validator().iter_errors(doc):
        path: JsonPath = tuple(error.absolute_path)
        if error.validator == "additionalProperties" and isinstance(error.instance, Mapping):
            known = error.schema.get("properties", {})
            findings += [
                ((*path, k), f"unknown field '{k}'") for k in error.instance if k not in known
            ]
        elif error.validator == "required" and isinstance(error.instance, Mapping):
            # One error per missing field; the duplicates are merged when ordering.
            missing = [k for k in error.validator_value if k not in error.instance]
            findings += [((*path, k), "required field is missing") for k in missing]
        else:
            findings.append((path, _message(error)))
    return findings


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
    return error.message if len(error.message) <= 200 else error.message[:197] + "..."


def _describe(value: object) -> str:
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, int | float):
        return f"{value}"
    if isinstance(value, str):
        return json.dumps(value if len(value) <= 40 else value[:37] + "...", ensure_ascii=False)
    return "an array" if isinstance(value, list) else "an object"


class _RememberingDict(dict[str, Any]):
    """A decoded JSON object that remembers keys it held more than once, which json would
    silently collapse to the last (hiding, say, a second rate for one review type)."""

    duplicates: tuple[str, ...] = ()

    @classmethod
    def from_pairs(cls, pairs: list[tuple[str, Any]]) -> _RememberingDict:
        obj = cls(pairs)
        if len(obj) < len(pairs):
            obj.duplicates = tuple(k for k, n in Counter(k for k, _ in pairs).items() if n > 1)
        return obj


def _reject_constant(name: str) -> float:
    # NaN would slip past the schema's minimum and maximum (every comparison with it is false).
    raise ValueError(f"{name} is not a JSON number")


def _plain(value: object, path: JsonPath, findings: list[Finding]) -> object:
    """The document as plain dicts and lists, noting each repeated key at its path."""
    if isinstance(value, dict):
        for key in getattr(value, "duplicates", ()):
            findings.append(((*path, key), f"duplicate key '{key}' (JSON keeps only the last)"))
        return {k: _plain(v, (*path, k), findings) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v, (*path, i), findings) for i, v in enumerate(value)]
    return value


def _optional_float(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None
