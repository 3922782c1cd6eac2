"""A synthetic inspection history whose true rates are known, for the trend and report tests.

The directory: two Areas. London North has a Unit Head (top of the unit's chain), a line
manager reporting to them, and lawyers under the line manager; Wessex has its own Unit Head
and lawyers. An admin is the national lead. Every person and URN is made up.

`add_submitted` stores one submitted inspection with the marks given: every enabled scale
question not named gets `default`, yes/no questions are answered "no" (so the conditional
questions stay disabled) unless named, and the stored score is what scoring computes.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspections.answers import Answer as DomainAnswer
from inspections.runtime import enabled_questions
from inspections.scoring import score_inspection
from questionnaires.loader import parse_questionnaire
from questionnaires.model import QuestionKind
from storage import trend_rollup
from storage.models import (
    Answer,
    Calibration,
    CaseReview,
    Inspection,
    Person,
    QuestionnaireVersion,
    TrendMonthInspections,
    TrendMonthMarks,
)
from support.scheduling_data import V1_PATH, publish_default_questionnaire

LONDON = "London North"
LONDON_UNIT = "RASSO London North"
WESSEX = "Wessex"
WESSEX_UNIT = "RASSO Wessex"

# Scored marks per inspection when nothing conditional is enabled (see version 1 of the
# questionnaire, questionnaires/published/rasso_review_v1.json, which this history is marked on).
PCD_SCORED = 13  # meeting offered (no EA meeting), 3 case strategy, 2 pre-charge work,
# 2 charging, 4 victim safety, 1 written review
EA_SCORED = 9  # 1 meeting, 3 case strategy, 1 third-party material, 3 victim safety, 1 written


class Source(Protocol):
    """Where add_submitted takes the questionnaire version and the inspector from."""

    version: QuestionnaireVersion
    inspector: Person


@dataclass
class Given:
    version: QuestionnaireVersion
    inspector: Person


@dataclass
class World:
    admin: Person
    london_head: Person
    london_manager: Person
    london_lawyers: list[Person]
    wessex_head: Person
    wessex_lawyers: list[Person]
    inspector: Person
    version: QuestionnaireVersion


_serial = itertools.count(1)


def person(
    session: Session,
    *,
    name: str,
    roles: list[str],
    area: str,
    unit: str,
    now: datetime,
    manager: Person | None = None,
    slack_user_id: str | None = None,
) -> Person:
    email = name.lower().replace(" ", ".") + "@example.test"
    found = Person(
        email=email,
        name=name,
        area=area,
        unit=unit,
        manager_id=manager.id if manager else None,
        slack_user_id=slack_user_id,
        active=True,
        created_at=now,
        updated_at=now,
    )
    found.roles = roles
    session.add(found)
    session.flush()
    return found


def build_world(session: Session, *, now: datetime, lawyers: int = 3) -> World:
    version = publish_default_questionnaire(session, now=now, path=V1_PATH)
    admin = person(
        session,
        name="Ada Admin",
        roles=["admin"],
        area="CPS Direct",
        unit="Inspection Programme",
        now=now,
        slack_user_id="U0ADMIN001",
    )
    london_head = person(
        session,
        name="Hana Head",
        roles=["manager"],
        area=LONDON,
        unit=LONDON_UNIT,
        now=now,
        slack_user_id="U0LNHEAD01",
    )
    london_manager = person(
        session,
        name="Mo Manager",
        roles=["manager"],
        area=LONDON,
        unit=LONDON_UNIT,
        now=now,
        manager=london_head,
        slack_user_id="U0MANAGE01",
    )
    london_lawyers = [
        person(
            session,
            name=f"Lara Lawyer{n}",
            roles=["lawyer"],
            area=LONDON,
            unit=LONDON_UNIT,
            now=now,
            manager=london_manager,
            slack_user_id=f"U0LAWYER{n:02d}",
        )
        for n in range(1, lawyers + 1)
    ]
    wessex_head = person(
        session,
        name="Will Head",
        roles=["manager"],
        area=WESSEX,
        unit=WESSEX_UNIT,
        now=now,
        slack_user_id="U0WXHEAD01",
    )
    wessex_lawyers = [
        person(
            session,
            name=f"Wyn Lawyer{n}",
            roles=["lawyer"],
            area=WESSEX,
            unit=WESSEX_UNIT,
            now=now,
            manager=wessex_head,
            slack_user_id=f"U0WXLAWY{n:02d}",
        )
        for n in range(1, lawyers + 1)
    ]
    inspector = person(
        session,
        name="Ivy Inspector",
        roles=["inspector"],
        area="London South",
        unit="RASSO London South",
        now=now,
        slack_user_id="U0INSPEC01",
    )
    return World(
        admin,
        london_head,
        london_manager,
        london_lawyers,
        wessex_head,
        wessex_lawyers,
        inspector,
        version,
    )


def add_submitted(
    session: Session,
    world: Source,
    *,
    lawyer: Person,
    submitted_at: datetime,
    review_type: str = "pre_charge_decision",
    default: str = "fully_met",
    marks: Mapping[str, str] | None = None,
    stale: Mapping[str, str] | None = None,
    action_plans: int = 0,
    urn: str | None = None,
    double_of: Inspection | None = None,
    inspector: Person | None = None,
    calibration: Calibration | None = None,
) -> Inspection:
    """`stale` answers are stored as well but belong to questions the others disable.
    `double_of`: a blind second marking of that inspection's review (by `inspector`), or, with
    `calibration`, one of that exercise's markings of it."""
    questionnaire = parse_questionnaire(world.version.content)
    chosen = dict(marks or {})
    answers: dict[str, DomainAnswer] = {}
    # Walk in questionnaire order, so a yes/no answer can enable the questions after it.
    for question in questionnaire.questions:
        enabled = enabled_questions(questionnaire, review_type=review_type, answers=answers)
        if question not in enabled:
            continue
        if question.kind is QuestionKind.FREE_TEXT:
            answers[question.id] = DomainAnswer(question.id, text="Synthetic learning point.")
        elif question.kind is QuestionKind.YES_NO:
            answers[question.id] = DomainAnswer(question.id, chosen.get(question.id, "no"))
        else:
            answers[question.id] = DomainAnswer(question.id, chosen.get(question.id, default))
    result = score_inspection(questionnaire, review_type=review_type, answers=answers)
    number = next(_serial)
    marker = inspector or world.inspector
    review = (
        double_of.case_review
        if double_of is not None
        else CaseReview(
            urn=urn or f"42AB{number:05d}26",
            review_type=review_type,
            area=lawyer.area,
            unit=lawyer.unit,
            lawyer_id=lawyer.id,
            completed_at=submitted_at - timedelta(days=3),
            action_plan_count=action_plans,
            outcome="action_plan" if action_plans else "charge",
            source_id=None,
            identity_key=f"trend-test-{number}",
            received_at=submitted_at - timedelta(days=3),
        )
    )
    session.add(review)
    session.flush()
    inspection = Inspection(
        case_review_id=review.id,
        purpose="primary" if double_of is None else "calibration" if calibration else "double",
        slot=number if calibration else 0,
        calibration_id=calibration.id if calibration else None,
        questionnaire_version_id=world.version.id,
        inspector_id=marker.id,
        status="submitted",
        due_at=submitted_at,
        assigned_at=submitted_at - timedelta(days=1),
        started_at=submitted_at - timedelta(hours=2),
        submitted_at=submitted_at,
        score=result.score,
        marks_scored=result.scored_questions,
        marks_fully_met=result.fully_met,
        created_at=submitted_at - timedelta(days=2),
        updated_at=submitted_at,
    )
    session.add(inspection)
    session.flush()
    stored = {**{k: a.option_code for k, a in answers.items()}, **dict(stale or {})}
    for question_id, code in stored.items():
        text = answers[question_id].text if question_id in answers else None
        session.add(
            Answer(
                inspection_id=inspection.id,
                question_id=question_id,
                option_code=code,
                text=text,
                reason=None if code in (None, "fully_met", "yes", "no") else "Synthetic reason.",
                answered_by=marker.id,
                answered_at=submitted_at - timedelta(hours=1),
                revision=1,
                # As submitting stores it: stale answers' questions are disabled.
                counts_in_trends=question_id in answers,
            )
        )
    session.flush()
    return inspection


def add_open(session: Session, world: Source, *, lawyer: Person, at: datetime) -> Inspection:
    """An inspection still in progress, with a mark already given: never in the trends."""
    inspection = add_submitted(session, world, lawyer=lawyer, submitted_at=at, default="not_met")
    inspection.status = "in_progress"
    inspection.submitted_at = None
    session.flush()
    return inspection


RollupRows = tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]


def rollup_rows(session: Session) -> RollupRows:
    """Both trend roll-up tables, in key order, rows that count for nothing left out."""
    found = []
    for table, total in (
        (TrendMonthMarks, TrendMonthMarks.answers),
        (TrendMonthInspections, TrendMonthInspections.inspections),
    ):
        query = (
            select(*table.__table__.columns)
            .where(total != 0)
            .order_by(*table.__table__.primary_key)
        )
        # Totals of scores added in another order may differ in their last bits.
        found.append([_rounded(tuple(row)) for row in session.execute(query)])
    return found[0], found[1]


def rollups_as_rebuilt(session: Session, tz: ZoneInfo, now: datetime) -> RollupRows:
    """The roll-ups as kept, after checking that a rebuild from the answers gives the same
    (the rebuild stays in the session's transaction)."""
    kept = rollup_rows(session)
    trend_rollup.rebuild(session, tz, now)
    assert rollup_rows(session) == kept
    return kept


def _rounded(row: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(round(value, 9) if isinstance(value, float) else value for value in row)
