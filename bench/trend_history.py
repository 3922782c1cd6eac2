"""A synthetic inspection history for bench/trends.py, written with bulk loads.

14 Areas x 2 units x 15 lawyers; inspections spread evenly over `months` months before `end`,
each answered as an inspector would answer the shipped questionnaire (yes/no questions that
enable follow-ups, "Not applicable" now and then, and now and then a stale mark left on a
follow-up the inspector then disabled, stored with counts_in_trends false as submitting would).
Each Area has its own chance of a mark being fully met, so the Areas differ. Everything is
invented.

Every inspection is stored whole: generation stops at an inspection boundary once the answer
target is reached, so the answer total overshoots the target by less than one inspection's
answers. With the shipped questionnaire a pre-charge decision review has at most 24 answers
(about 21 here) and an early advice review at most 19 (about 16), so an inspection averages
about 19.2 answers: 1,000,000 answers is about 52,000 inspections, 10,000,000 about 520,000.

SQLite: executemany of plain INSERTs in large transactions. PostgreSQL: COPY.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, insert, select, text
from sqlalchemy.orm import Session

from bot.services.inspection.versions import current_review_questionnaire
from inspections.areas import AREAS
from inspections.lifecycle import Status
from questionnaires.loader import parse_questionnaire
from questionnaires.model import Question, QuestionKind, Questionnaire
from storage.models import Answer, CaseReview, Inspection, Person, PersonRole

UNITS_PER_AREA = 2
LAWYERS_PER_UNIT = 15
CHUNK = 20_000  # inspections per batch
STALE = 0.05  # chance that a disabled follow-up keeps a mark from before its gate changed


@dataclass(frozen=True)
class History:
    inspections: int
    answers: int
    version_id: int


def build(engine: Engine, *, answers: int, months: int, end: datetime, seed: int) -> History:
    with Session(engine) as session:
        version = current_review_questionnaire(session, now=end - timedelta(days=40 * months))
        lawyers = _people(session, end)
        session.commit()
        version_id = version.id
        questionnaire = parse_questionnaire(version.content)
    rng = random.Random(seed)
    start = end - timedelta(days=30.44 * months)
    span = (end - start).total_seconds()
    written = inspections = 0
    reviews: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    answer_rows: list[dict[str, Any]] = []
    while written < answers:  # the inspection that reaches the target is stored whole
        inspections += 1
        review, row, marks = _inspection(
            rng, questionnaire, lawyers, inspections, version_id, start, span
        )
        reviews.append(review)
        rows.append(row)
        answer_rows += marks
        written += len(marks)
        if len(rows) == CHUNK:
            _load(engine, reviews, rows, answer_rows)
            reviews, rows, answer_rows = [], [], []
    if rows:
        _load(engine, reviews, rows, answer_rows)
    return History(inspections, written, version_id)


@dataclass(frozen=True)
class Stored:
    """What the database holds after build, counted there rather than taken from build."""

    inspections: int  # submitted
    answers: int
    without_answers: int  # submitted inspections with no answer at all: must be 0


def stored(engine: Engine) -> Stored:
    with engine.connect() as connection:
        inspections, answers, without = connection.execute(
            text(
                "SELECT (SELECT COUNT(*) FROM inspections WHERE status = 'submitted'),"
                " (SELECT COUNT(*) FROM answers),"
                " (SELECT COUNT(*) FROM inspections i WHERE i.status = 'submitted'"
                "  AND NOT EXISTS (SELECT 1 FROM answers a WHERE a.inspection_id = i.id))"
            )
        ).one()
    return Stored(int(inspections), int(answers), int(without))


def _people(session: Session, now: datetime) -> list[tuple[int, str, str]]:
    for area_index, area in enumerate(AREAS[:14]):
        for unit_index in range(UNITS_PER_AREA):
            unit = f"RASSO {area} {unit_index + 1}"
            for n in range(LAWYERS_PER_UNIT):
                email = f"lawyer.{area_index}.{unit_index}.{n}@example.test"
                session.add(
                    Person(
                        email=email,
                        name=f"Lawyer {area_index}-{unit_index}-{n}",
                        area=area,
                        unit=unit,
                        active=True,
                        created_at=now,
                        updated_at=now,
                    )
                )
    session.flush()
    people = session.execute(select(Person.id, Person.area, Person.unit).order_by(Person.id))
    lawyers = [(int(i), a, u) for i, a, u in people]
    session.execute(insert(PersonRole), [{"person_id": i, "role": "lawyer"} for i, _, _ in lawyers])
    return lawyers


def _inspection(
    rng: random.Random,
    questionnaire: Questionnaire,
    lawyers: list[tuple[int, str, str]],
    number: int,
    version_id: int,
    start: datetime,
    span: float,
) -> tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]]]:
    """One submitted inspection: its case review, its row and all of its answers."""
    lawyer_id, area, unit = lawyers[rng.randrange(len(lawyers))]
    review_type = "pre_charge_decision" if rng.random() < 0.6 else "early_advice"
    submitted = start + timedelta(seconds=rng.random() * span)
    fully = 0.55 + 0.02 * AREAS.index(area)  # Areas differ: 55% to 81% fully met
    marks, score, scored, fully_met = _answers(rng, questionnaire, review_type, fully)
    review = {
        "id": number,
        "urn": f"{10 + number % 90:02d}AB{number % 100000:05d}25",
        "review_type": review_type,
        "area": area,
        "unit": unit,
        "lawyer_id": lawyer_id,
        "completed_at": submitted - timedelta(days=4),
        "action_plan_count": rng.choice((0, 0, 1, 2, 3, 4)),
        "outcome": None,
        "source_id": None,
        "identity_key": f"bench-{number}",
        "received_at": submitted - timedelta(days=4),
    }
    inspection = {
        "id": number,
        "case_review_id": number,
        "questionnaire_version_id": version_id,
        "inspector_id": None,
        "status": Status.SUBMITTED,
        "due_at": None,
        "assigned_at": None,
        "started_at": None,
        "submitted_at": submitted,
        "score": score,
        "marks_scored": scored,
        "marks_fully_met": fully_met,
        "current_question_id": None,
        "created_at": submitted - timedelta(days=3),
        "updated_at": submitted,
        "lock_version": 1,
    }
    answers = [
        {
            "inspection_id": number,
            "question_id": question_id,
            "option_code": code,
            "text": None,
            "reason": None,
            "comment": None,
            "answered_by": lawyer_id,
            "answered_at": submitted,
            "revision": 1,
            "counts_in_trends": counts,
        }
        for question_id, code, counts in marks
    ]
    return review, inspection, answers


def _answers(
    rng: random.Random, questionnaire: Questionnaire, review_type: str, fully: float
) -> tuple[list[tuple[str, str | None, bool]], float | None, int, int]:
    """(question, option, counts in trends) for each stored answer, the score, and the marks
    counted in it with, of them, those fully met."""
    given: dict[str, str | None] = {}
    stale: list[tuple[str, str | None, bool]] = []
    weight_total = weighted = 0.0
    scored = fully_met = 0
    for question in questionnaire.questions:
        if review_type not in question.applies_to:
            continue
        if not _enabled(question, given):
            if question.kind is QuestionKind.SCALE and rng.random() < STALE:
                standard = question.scale_id == "standard"
                stale.append(
                    (question.id, _mark(rng, fully, allow_na=False, partial=standard), False)
                )
            continue
        if question.kind is QuestionKind.FREE_TEXT:
            given[question.id] = None
        elif question.kind is QuestionKind.YES_NO:
            given[question.id] = "yes" if rng.random() < 0.3 else "no"
        else:
            standard = question.scale_id == "standard"
            code = _mark(rng, fully, allow_na=standard, partial=standard)
            given[question.id] = code
            value = {"fully_met": 1.0, "partially_met": 0.5, "not_met": 0.0}.get(code)
            if value is not None and question.weight > 0:
                weight_total += question.weight
                weighted += question.weight * value
                scored += 1
                fully_met += code == "fully_met"
    score = weighted / weight_total if weight_total else None
    return [(q, code, True) for q, code in given.items()] + stale, score, scored, fully_met


def _enabled(question: Question, given: dict[str, str | None]) -> bool:
    return all(given.get(c.question_id) in c.answer_in for c in question.conditions)


def _mark(rng: random.Random, fully: float, *, allow_na: bool, partial: bool = True) -> str:
    """A mark of the standard scale; without `partial` (the decision scale: Fully met or Not
    met), a mark short of Fully met is Not met."""
    draw = rng.random()
    if allow_na and draw < 0.05:
        return "not_applicable"
    draw = rng.random()
    if draw < fully:
        return "fully_met"
    if not partial:
        return "not_met"
    return "partially_met" if draw < fully + (1 - fully) * 0.7 else "not_met"


def _load(
    engine: Engine,
    reviews: list[dict[str, Any]],
    inspections: list[dict[str, Any]],
    answers: list[dict[str, Any]],
) -> None:
    if engine.dialect.name == "postgresql":
        _copy(engine, [(CaseReview, reviews), (Inspection, inspections), (Answer, answers)])
        return
    with engine.begin() as connection:
        for model, rows in ((CaseReview, reviews), (Inspection, inspections), (Answer, answers)):
            connection.execute(insert(model), rows)


def _copy(engine: Engine, batches: list[tuple[type, list[dict[str, Any]]]]) -> None:
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for model, rows in batches:
            if not rows:
                continue
            names = list(rows[0])
            with cursor.copy(f"COPY {model.__tablename__} ({', '.join(names)}) FROM STDIN") as copy:
                for row in _tuples(rows, names):
                    copy.write_row(row)
        raw.commit()
    finally:
        raw.close()


def _tuples(rows: list[dict[str, Any]], names: list[str]) -> Iterator[tuple[Any, ...]]:
    for row in rows:
        yield tuple(row[name] for name in names)
