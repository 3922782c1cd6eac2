"""The second pass: rules JSON Schema cannot express, checked on whatever is structurally usable.

Every lookup is defensive because this runs even when the schema pass found errors, so that an
author sees every problem in one go.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from questionnaires.model import OUTCOMES_BY_REVIEW_TYPE, REVIEW_TYPES
from questionnaires.themes import THEMES

JsonPath = tuple[str | int, ...]
Finding = tuple[JsonPath, str]  # (where, what is wrong)


@dataclass(frozen=True)
class _QuestionRef:
    index: int  # position in the whole file, for "earlier" and "later"
    path: JsonPath
    kind: object
    scale: object
    applies_to: frozenset[str] | None  # None when unreadable: the schema pass reports it
    outcomes: frozenset[str] | None  # None when absent (any outcome) or unreadable


_ALL_REVIEW_TYPES = frozenset(REVIEW_TYPES)


def semantic_findings(doc: object) -> list[Finding]:
    if not isinstance(doc, Mapping):
        return []  # the schema pass reports the wrong type at $
    scales = doc.get("scales")
    scales = scales if isinstance(scales, Mapping) else {}
    sections = doc.get("sections")
    questions = list(_questions(sections))
    by_id: dict[str, _QuestionRef] = {}
    for question, ref in questions:
        if isinstance(question.get("id"), str):
            by_id.setdefault(question["id"], ref)  # a duplicate is reported; use the first
    ids_complete = _all_question_ids_readable(sections)
    findings = [*_scale_findings(scales), *_id_findings(sections, questions)]
    if ids_complete:
        findings += _earlier_id_findings(doc, set(by_id))
    for question, ref in questions:
        findings += _question_scale_findings(ref, scales)
        findings += _critical_findings(question, ref)
        findings += _outcome_findings(ref)
        findings += _theme_findings(question, ref)
        findings += _condition_findings(question, ref, by_id, scales, ids_complete)
    return findings


def _scale_findings(scales: Mapping[str, Any]) -> Iterator[Finding]:
    for scale_id, scale in scales.items():
        seen: set[str] = set()
        for i, option in _indexed_mappings(_get(scale, "options")):
            path: JsonPath = ("scales", scale_id, "options", i)
            code = option.get("code")
            if isinstance(code, str):
                if code in seen:
                    yield (*path, "code"), f"duplicate option code '{code}' in scale '{scale_id}'"
                seen.add(code)
            if option.get("not_applicable") is True and option.get("score") is not None:
                yield (*path, "score"), "a not-applicable option must have score null"


def _questions(sections: object) -> Iterator[tuple[Mapping[str, Any], _QuestionRef]]:
    index = 0
    for s, section in _indexed_mappings(sections):
        for q, question in _indexed_mappings(section.get("questions")):
            applies = question.get("applies_to", sorted(_ALL_REVIEW_TYPES))
            readable = isinstance(applies, list) and bool(applies)
            readable = readable and all(a in _ALL_REVIEW_TYPES for a in applies)
            listed = question.get("outcomes")
            outcomes = (
                frozenset(listed)
                if isinstance(listed, list) and all(isinstance(o, str) for o in listed)
                else None
            )
            ref = _QuestionRef(
                index=index,
                path=("sections", s, "questions", q),
                kind=question.get("kind"),
                scale=question.get("scale"),
                applies_to=frozenset(applies) if readable else None,
                outcomes=outcomes,
            )
            yield question, ref
            index += 1


def _all_question_ids_readable(sections: object) -> bool:
    if not isinstance(sections, list):
        return False
    question_lists = [_get(section, "questions") for section in sections]
    return all(
        isinstance(questions, list) and all(isinstance(_get(q, "id"), str) for q in questions)
        for questions in question_lists
    )


def _id_findings(
    sections: object, questions: list[tuple[Mapping[str, Any], _QuestionRef]]
) -> Iterator[Finding]:
    # Section and question ids share one namespace so that an id names one thing in the file.
    first_seen: dict[str, JsonPath] = {}
    holders: list[tuple[JsonPath, Mapping[str, Any]]] = [
        (("sections", s), sec) for s, sec in _indexed_mappings(sections)
    ]
    holders += [(ref.path, question) for question, ref in questions]
    holders.sort(key=lambda holder: path_sort_key(holder[0]))
    for path, holder in holders:
        ident = holder.get("id")
        if not isinstance(ident, str):
            continue
        if ident in first_seen:
            first = render(first_seen[ident])
            yield (*path, "id"), f"duplicate id '{ident}' (first used at {first})"
        else:
            first_seen[ident] = path


def _question_scale_findings(ref: _QuestionRef, scales: Mapping[str, Any]) -> Iterator[Finding]:
    if ref.kind == "free_text" or not isinstance(ref.scale, str):
        return  # the schema pass covers a missing or forbidden scale
    if ref.scale not in scales:
        yield (*ref.path, "scale"), f"unknown scale '{ref.scale}'"
        return
    if ref.kind != "scale":
        return
    unscored = [
        f"'{option['code']}'"
        for _, option in _indexed_mappings(_get(scales[ref.scale], "options"))
        if option.get("score") is None
        and option.get("not_applicable") is not True
        and isinstance(option.get("code"), str)
    ]
    if unscored:
        yield (
            (*ref.path, "scale"),
            f"scale '{ref.scale}' gives no score to {', '.join(unscored)}; a scale question "
            "needs a score for every option that is not marked not_applicable",
        )


def _critical_findings(question: Mapping[str, Any], ref: _QuestionRef) -> Iterator[Finding]:
    # A critical failure is a "Not met" mark; a question without scores can never fail.
    if question.get("critical") is True and ref.kind in ("yes_no", "free_text"):
        message = f"a {ref.kind} question is never scored, so it cannot be critical"
        yield (*ref.path, "critical"), message


def _outcome_findings(ref: _QuestionRef) -> Iterator[Finding]:
    # An outcome no review of the question's types can have would never let it be asked.
    if ref.applies_to is None or ref.outcomes is None:
        return
    possible = {o for t in ref.applies_to for o in OUTCOMES_BY_REVIEW_TYPE.get(t, ())}
    for outcome in sorted(ref.outcomes - possible):
        types = ", ".join(sorted(ref.applies_to))
        yield (*ref.path, "outcomes"), f"'{outcome}' is not an outcome of {types}"


def _theme_findings(question: Mapping[str, Any], ref: _QuestionRef) -> Iterator[Finding]:
    themes = question.get("themes")
    if not isinstance(themes, list):
        return  # absent, or the schema pass reports the wrong type
    for index, theme in enumerate(themes):
        if isinstance(theme, str) and theme not in THEMES:
            yield (
                (*ref.path, "themes", index),
                (
                    f"'{theme}' is not a theme of the Annual Rape Scrutiny Report; the themes are "
                    f"{', '.join(THEMES)}"
                ),
            )


def _earlier_id_findings(doc: Mapping[str, Any], asked: set[str]) -> Iterator[Finding]:
    # Ids of earlier versions: a renamed id points at a question asked here; neither a renamed
    # nor a retired id is still asked, and no id is both.
    renamed = doc.get("renamed")
    renamed = renamed if isinstance(renamed, Mapping) else {}
    retired = doc.get("retired")
    retired = retired if isinstance(retired, Mapping) else {}
    for old, new in renamed.items():
        if old in asked:
            yield ("renamed", old), f"'{old}' is still asked, so it cannot be renamed"
        elif isinstance(new, str) and new not in asked:
            yield ("renamed", old), f"'{old}' is renamed to '{new}', which is not a question here"
        if old in retired:
            yield ("retired", old), f"'{old}' is both renamed and retired"
    for old in retired:
        if old in asked:
            yield ("retired", old), f"'{old}' is still asked, so it cannot be retired"


def _condition_findings(
    question: Mapping[str, Any],
    ref: _QuestionRef,
    by_id: Mapping[str, _QuestionRef],
    scales: Mapping[str, Any],
    ids_complete: bool,
) -> Iterator[Finding]:
    for c, condition in _indexed_mappings(question.get("enabled_when")):
        path = (*ref.path, "enabled_when", c)
        target_id = condition.get("question")
        if not isinstance(target_id, str):
            continue
        target = by_id.get(target_id)
        if target is None:
            if ids_complete:  # else the id may belong to a question too broken to read
                yield (*path, "question"), f"condition refers to unknown question '{target_id}'"
            continue
        if target.index >= ref.index:
            which = "itself" if target.index == ref.index else f"'{target_id}', a later question"
            yield (
                (*path, "question"),
                f"condition refers to {which}; only earlier questions may be used",
            )
            continue
        if target.kind == "free_text":
            yield (*path, "question"), f"condition refers to free-text question '{target_id}'"
            continue
        yield from _unreachable_findings(path, target_id, ref, target)
        yield from _answer_code_findings(path, target_id, target, condition, scales)


def _unreachable_findings(
    path: JsonPath, target_id: str, ref: _QuestionRef, target: _QuestionRef
) -> Iterator[Finding]:
    # A question gated on one that is never asked for a review type could never be enabled.
    if ref.applies_to is None or target.applies_to is None:
        return
    missing = sorted(ref.applies_to - target.applies_to)
    if missing:
        yield (
            (*path, "question"),
            f"condition refers to '{target_id}', which is not asked for {', '.join(missing)}",
        )
    elif target.outcomes is not None:
        possible = {o for t in ref.applies_to for o in OUTCOMES_BY_REVIEW_TYPE.get(t, ())}
        outcomes = sorted((possible if ref.outcomes is None else ref.outcomes) - target.outcomes)
        if outcomes:
            yield (
                (*path, "question"),
                f"condition refers to '{target_id}', which is not asked when the outcome is "
                f"{', '.join(outcomes)}",
            )


def _answer_code_findings(
    path: JsonPath,
    target_id: str,
    target: _QuestionRef,
    condition: Mapping[str, Any],
    scales: Mapping[str, Any],
) -> Iterator[Finding]:
    if not isinstance(target.scale, str) or target.scale not in scales:
        return  # already reported on the target question
    options = _indexed_mappings(_get(scales[target.scale], "options"))
    codes = {o.get("code") for _, o in options}
    answer_in = condition.get("answer_in")
    for a, code in enumerate(answer_in if isinstance(answer_in, list) else []):
        if isinstance(code, str) and code not in codes:
            yield (
                (*path, "answer_in", a),
                f"'{code}' is not an option of scale '{target.scale}' "
                f"used by question '{target_id}'",
            )


def _indexed_mappings(items: object) -> list[tuple[int, Mapping[str, Any]]]:
    if not isinstance(items, list):
        return []
    return [(i, item) for i, item in enumerate(items) if isinstance(item, Mapping)]


def _get(mapping: object, key: str) -> object:
    return mapping.get(key) if isinstance(mapping, Mapping) else None


def path_sort_key(path: JsonPath) -> tuple[tuple[int, int, str], ...]:
    """Orders paths as a reader expects: [2] before [10], a parent before its children."""
    return tuple((0, part, "") if isinstance(part, int) else (1, 0, part) for part in path)


def render(path: JsonPath) -> str:
    """JSONPath-like: $.sections[2].questions[0].scale; odd keys are quoted: $.scales['a b']."""
    out = "$"
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part.isidentifier() and part.isascii():
            out += f".{part}"
        else:
            out += "['" + part.replace("\\", "\\\\").replace("'", "\\'") + "']"
    return out
