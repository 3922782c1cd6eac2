"""The questionnaire, as the trend queries need it: which answers are marks, and in which section.

A constant table (mark_map) holds one row per (version, question, option) that is a mark; the
queries join their per-question counts to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from sqlalchemy import CTE, Integer, String, column, select, text
from sqlalchemy.orm import Session

from inspections.mark_map import mark_mappings
from questionnaires import lineage
from questionnaires.loader import (
    default_questionnaire_path,
    load_questionnaire,
    parse_questionnaire,
)
from questionnaires.model import Questionnaire
from storage.models import QuestionnaireVersion


@dataclass(frozen=True)
class Maps:
    marks: CTE
    mark_codes: list[str]  # every option code that is a mark in some version
    # The same rows for Python: (version id, question id, option code) -> (trend question id,
    # fully met, scored), for queries that read answers one by one (learning_queries).
    lookup: dict[tuple[int, str, str], tuple[str, bool, bool]]


# Published versions never change: each is parsed, and each set of versions turned into its
# mapping, once per process.
_PARSED: dict[str, Questionnaire] = {}
_MAPS: dict[tuple[tuple[int, str], ...], Maps | None] = {}

_MARK_COLUMNS: tuple[tuple[str, type[Integer] | type[String]], ...] = (
    ("version_id", Integer),
    ("question_id", String),
    ("option_code", String),
    # The question and section a trend counts the mark under: a renamed question's newest id.
    ("trend_question_id", String),
    ("section_id", String),
    ("fully_met", Integer),
    ("not_met", Integer),
    ("critical_failure", Integer),
    ("scored", Integer),
    # In thousandths, so the constant table holds only integers and the sums stay exact.
    ("weight_milli", Integer),
    ("points_milli", Integer),  # weight x score
)
MILLI = 1000


def versions(session: Session) -> tuple[tuple[int, str], ...]:
    query = select(QuestionnaireVersion.id, QuestionnaireVersion.content_hash).order_by(
        QuestionnaireVersion.published_at, QuestionnaireVersion.id
    )
    return tuple((int(v), str(h)) for v, h in session.execute(query))


def questionnaire(session: Session, version_id: int, content_hash: str) -> Questionnaire:
    if content_hash not in _PARSED:
        content = session.scalar(
            select(QuestionnaireVersion.content).where(QuestionnaireVersion.id == version_id)
        )
        _PARSED[content_hash] = parse_questionnaire(content or {})
    return _PARSED[content_hash]


def maps(session: Session) -> Maps | None:
    stored = versions(session)
    if stored not in _MAPS:
        _MAPS[stored] = _build_maps(session, stored)
    return _MAPS[stored]


def themes_of(session: Session) -> dict[str, tuple[str, ...]]:
    """The themes each trend question counts under: its newest stored version's, or else the
    shipped questionnaire's for the same id (themes classify a question; they are not part of
    what was asked, so answers given under a version that had none still count under them)."""
    found = {q.id: q.themes for q in _shipped().questions if q.themes}
    parsed = {v: questionnaire(session, v, h) for v, h in versions(session)}
    for history in _histories(parsed):
        found |= {q.id: q.themes for q in history[-1][1].questions if q.themes}
    return found


@cache
def _shipped() -> Questionnaire:
    return load_questionnaire(default_questionnaire_path())[0]


def _build_maps(session: Session, stored: tuple[tuple[int, str], ...]) -> Maps | None:
    rows: list[tuple[int | str, ...]] = []
    parsed = {v: questionnaire(session, v, h) for v, h in stored}
    for history in _histories(parsed):
        newest = history[-1][1]
        sections = {q.id: q.section_id for q in newest.questions}
        for (version_id, version), trend_ids in zip(
            history, lineage.trend_ids([q for _, q in history]), strict=True
        ):
            for m in mark_mappings(version):
                trend_id = trend_ids[m.question_id]
                rows.append(
                    (
                        version_id,
                        m.question_id,
                        m.option_code,
                        trend_id,
                        sections.get(trend_id, m.section_id),
                        int(m.fully_met),
                        int(m.not_met),
                        int(m.critical_failure),
                        int(m.scored),
                        round(m.weight * MILLI),
                        round(m.weight * m.score * MILLI),
                    )
                )
    if not rows:
        return None
    return Maps(
        marks=_constant_table("mark_map", _MARK_COLUMNS, rows),
        mark_codes=sorted({str(row[2]) for row in rows}),
        lookup={
            (int(r[0]), str(r[1]), str(r[2])): (str(r[3]), bool(r[5]), bool(r[8])) for r in rows
        },
    )


def _histories(
    parsed: dict[int, Questionnaire],
) -> list[list[tuple[int, Questionnaire]]]:
    """The stored versions of each questionnaire, oldest version first."""
    by_id: dict[str, list[tuple[int, Questionnaire]]] = {}
    for version_id, q in sorted(parsed.items(), key=lambda item: item[1].version):
        by_id.setdefault(q.id, []).append((version_id, q))
    return list(by_id.values())


def _constant_table(
    name: str,
    columns: Sequence[tuple[str, type[Integer] | type[String]]],
    rows: Sequence[tuple[int | str, ...]],
) -> CTE:
    """A CTE of constant rows written into the SQL text. Unlike VALUES with bound data, text
    is part of SQLAlchemy's cache key, so the statements around it compile once, not per call.
    The values are ids and codes of a validated questionnaire; quoting keeps any text inert."""
    selects = (
        "SELECT "
        + ", ".join(f"{_sql_literal(v)} AS {c}" for v, (c, _) in zip(row, columns, strict=True))
        for row in rows
    )
    return text(" UNION ALL ".join(selects)).columns(*(column(c, t) for c, t in columns)).cte(name)


def _sql_literal(value: int | str) -> str:
    return str(value) if isinstance(value, int) else "'" + value.replace("'", "''") + "'"
