import copy
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from bot.services.intake.policy_file import (
    DEFAULT_POLICY_PATH,
    SCHEMA_PATH,
    InvalidSamplingPolicy,
    load_sampling_policy,
)
from inspections.sampling import AlwaysSelect, MonthlyFloor, RateOverride, Rates, SamplingPolicy

VALID: dict[str, Any] = {
    "version": "2026-12-2",
    "rates": {"early_advice": 0.1, "pre_charge_decision": 0.5},
    "area_rates": {"North East": {"early_advice": 1}},
    "always_select": {
        "pcd_action_plans": {"enabled": False, "threshold": 4},
        "threshold_charge": {"enabled": True},
        "no_further_action": {"enabled": False},
    },
    "monthly_floor": {"enabled": True, "by_day": 10},
}


def write(tmp_path: Path, doc: object) -> Path:
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def problems_in(path: Path) -> list[str]:
    with pytest.raises(InvalidSamplingPolicy) as caught:
        load_sampling_policy(path)
    return [str(p) for p in caught.value.problems]


def variant(**changes: Any) -> dict[str, Any]:
    doc = copy.deepcopy(VALID)
    doc.update(changes)
    return doc


def test_the_shipped_default_policy_loads() -> None:
    assert load_sampling_policy() == SamplingPolicy(
        version="2026-11-1",
        rates=Rates(early_advice=0.2, pre_charge_decision=0.25),
        area_rates={"CPS Direct": RateOverride(pre_charge_decision=0.3)},
        always_select=AlwaysSelect(
            pcd_action_plans=True,
            action_plan_threshold=3,
            threshold_charge=True,
            no_further_action=True,
        ),
        monthly_floor=MonthlyFloor(enabled=True, by_day=15),
    )
    assert load_sampling_policy(DEFAULT_POLICY_PATH) == load_sampling_policy()


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))

    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_a_valid_file_becomes_the_policy_it_describes(tmp_path: Path) -> None:
    assert load_sampling_policy(write(tmp_path, VALID)) == SamplingPolicy(
        version="2026-12-2",
        rates=Rates(early_advice=0.1, pre_charge_decision=0.5),
        area_rates={"North East": RateOverride(early_advice=1.0)},
        always_select=AlwaysSelect(
            pcd_action_plans=False,
            action_plan_threshold=4,
            threshold_charge=True,
            no_further_action=False,
        ),
        monthly_floor=MonthlyFloor(enabled=True, by_day=10),
    )


def test_area_rates_are_optional(tmp_path: Path) -> None:
    doc = variant()
    del doc["area_rates"]

    assert load_sampling_policy(write(tmp_path, doc)).area_rates == {}


def test_every_problem_is_reported_with_its_path(tmp_path: Path) -> None:
    doc = variant(sample_everything=True)
    doc["rates"]["pre_charge_decision"] = 1.5
    doc["area_rates"] = {"Londn North": {"early_advice": 0.5}, "Wessex": {"early_advise": 0.5}}

    assert problems_in(write(tmp_path, doc)) == [
        "$.area_rates['Londn North']: unknown Area 'Londn North' (expected one of: Cymru/Wales, "
        "East Midlands, East of England, London North, London South, Mersey-Cheshire, "
        "North East, North West, South East, South West, Thames and Chiltern, Wessex, "
        "West Midlands, Yorkshire and Humberside, CPS Direct)",
        "$.area_rates.Wessex.early_advise: unknown field 'early_advise'",
        "$.rates.pre_charge_decision: must be at most 1, got 1.5",
        "$.sample_everything: unknown field 'sample_everything'",
    ]


def test_missing_fields_and_wrong_types_are_named(tmp_path: Path) -> None:
    doc = variant(version="November", monthly_floor={"enabled": "yes", "by_day": 29})
    del doc["rates"]["early_advice"]
    doc["always_select"]["pcd_action_plans"] = {"enabled": True, "threshold": 0}
    doc["area_rates"] = {"Wessex": {}}

    assert problems_in(write(tmp_path, doc)) == [
        "$.always_select.pcd_action_plans.threshold: must be at least 1, got 0",
        "$.area_rates.Wessex: give a rate for at least one review type",
        "$.monthly_floor.by_day: must be at most 28, got 29",
        '$.monthly_floor.enabled: expected boolean, got "yes"',
        "$.rates.early_advice: required field is missing",
        '$.version: "November" is not a version like 2026-11-1 (year-month-number)',
    ]


def test_a_repeated_key_is_reported_rather_than_silently_overwritten(tmp_path: Path) -> None:
    text = json.dumps(VALID).replace(
        '"early_advice": 0.1,', '"early_advice": 0.1, "early_advice": 0.9,'
    )
    path = tmp_path / "policy.json"
    path.write_text(text, encoding="utf-8")

    assert problems_in(path) == [
        "$.rates.early_advice: duplicate key 'early_advice' (JSON keeps only the last)"
    ]


def test_invalid_json_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "policy.json"
    path.write_text('{\n  "version": "2026-11-1",\n}', encoding="utf-8")

    assert problems_in(path) == [
        "$: invalid JSON at line 3, column 1: Expecting property name enclosed in double quotes"
    ]


def test_nan_is_not_accepted_as_a_rate(tmp_path: Path) -> None:
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(VALID).replace("0.5", "NaN", 1), encoding="utf-8")

    assert problems_in(path) == ["$: invalid JSON: NaN is not a JSON number"]


def test_a_missing_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    [problem] = problems_in(tmp_path / "absent.json")

    assert problem.startswith("$: cannot read ")
