"""The questionnaire, as the trend queries need it: which answers are marks, in which section,
and which depend on earlier answers.

A constant table (mark_map) holds one row per (version, question, option) that is a mark; the
queries join their per-question counts to it. A CASE expression (enabled) tells whether an
answer's question was enabled by the inspection's other answers, with an index probe per
condition for the few conditional questions only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import (
    CTE,
    ColumnElement,
    Integer,
    String,
    and_,
    case,
    column,
    func,
    literal_column,
    select,
    text,
)
from sqlalchemy.orm import Session, aliased

from inspections.mark_map import condition_closures, mark_mappings
from questionnaires.loader import parse_questionnaire
from questionnaires.model import Questionnaire
from storage.models import Answer, Inspection, QuestionnaireVersion


@dataclass(frozen=True)
class Maps:
    marks: CTE
    mark_codes: list[str]  # every option code that is a mark in some version
    # (version id, question id) -> the earlier answers the question needs to be enabled
    closures: Mapping[tuple[int, str], Mapping[str, frozenset[str]]]


# Published versions never change: each is parsed, and each set of versions turned into its
# mapping, once per process.
_PARSED: dict[str, Questionnaire] = {}
_MAPS: dict[tuple[tuple[int, str], ...], Maps | None] = {}

_MARK_COLUMNS: tuple[tuple[str, type[Integer] | type[String]], ...] = (
    ("version_id", Integer),
    ("question_id", String),
    ("option_code", String),
    ("section_id", String),
    ("fully_met", Integer),
    ("not_met", Integer),
    ("critical_failure", Integer),
    ("scored", Integer),
)


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


def _build_maps(session: Session, stored: tuple[tuple[int, str], ...]) -> Maps | None:
    rows: list[tuple[int | str, ...]] = []
    closures: dict[tuple[int, str], Mapping[str, frozenset[str]]] = {}
    for version_id, content_hash in stored:
        parsed = questionnaire(session, version_id, content_hash)
        mappings = mark_mappings(parsed)
        rows += [
            (
                version_id,
                m.question_id,
                m.option_code,
                m.section_id,
                int(m.fully_met),
                int(m.not_met),
                int(m.critical_failure),
                int(m.scored),
            )
            for m in mappings
        ]
        marked = {m.question_id for m in mappings}
        closures.update(
            ((version_id, question_id), needed)
            for question_id, needed in condition_closures(parsed).items()
            if needed and question_id in marked
        )
    if not rows:
        return None
    return Maps(
        marks=_constant_table("mark_map", _MARK_COLUMNS, rows),
        mark_codes=sorted({str(row[2]) for row in rows}),
        closures=closures,
    )


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


def enabled(
    closures: Mapping[tuple[int, str], Mapping[str, frozenset[str]]],
) -> ColumnElement[int]:
    """1 when the answer's question was enabled by the inspection's other answers.

    A CASE per conditional question, each an index probe of the earlier answers it needs; the
    CASE is evaluated in order, so answers to unconditional questions cost one comparison.
    """
    if not closures:
        return literal_column("1")
    earlier = aliased(Answer)
    whens = []
    for (version_id, question_id), needed in sorted(closures.items()):
        # A count, not EXISTS: PostgreSQL may turn an EXISTS into a hash of every matching
        # answer in the table, where one index probe per conditional answer is what is wanted.
        holds = and_(
            *(
                select(func.count())
                .where(
                    earlier.inspection_id == Answer.inspection_id,
                    earlier.question_id == depends_on,
                    earlier.option_code.in_(sorted(codes)),
                )
                .scalar_subquery()
                > 0
                for depends_on, codes in sorted(needed.items())
            )
        )
        whens.append(
            (
                and_(
                    Answer.question_id == question_id,
                    Inspection.questionnaire_version_id == version_id,
                ),
                case((holds, 1), else_=0),
            )
        )
    return case(*whens, else_=1)
