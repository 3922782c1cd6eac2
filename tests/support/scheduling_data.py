"""Synthetic people, reviews and open inspections for the outbox, reminder and scheduler tests."""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from questionnaires.loader import content_hash, default_questionnaire_path, load_questionnaire
from storage.models import CaseReview, Inspection, Person, QuestionnaireVersion

AREA = "Wessex"


def _configured_backend() -> str:
    """Read as tests/conftest.py reads it: TEST_DATABASE_URL, else DATABASE_URL, else SQLite."""
    raw = (os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL") or "").strip()
    if not raw or raw.startswith("sqlite"):
        return "sqlite"
    return make_url(raw).get_backend_name()


ON_POSTGRES = _configured_backend() == "postgresql"


def add_person(
    session: Session,
    *,
    email: str,
    name: str,
    roles: list[str],
    now: datetime,
    slack_user_id: str | None = None,
    area: str = AREA,
    unit: str = "RASSO",
) -> Person:
    person = Person(
        email=email,
        name=name,
        area=area,
        unit=unit,
        slack_user_id=slack_user_id,
        active=True,
        created_at=now,
        updated_at=now,
    )
    person.roles = roles
    session.add(person)
    session.flush()
    return person


# Version 1 of the shipped questionnaire, as it was published: the trend tests' history was
# marked on it, and a trend must still read it once version 2 is in use.
V1_PATH = default_questionnaire_path().parent / "published" / "rasso_review_v1.json"


def publish_default_questionnaire(
    session: Session, *, now: datetime, path: Path | None = None
) -> QuestionnaireVersion:
    """Stores the shipped questionnaire (or the file at path) as a published version."""
    _, document = load_questionnaire(path or default_questionnaire_path())
    version = QuestionnaireVersion(
        questionnaire_id=str(document["id"]),
        version=int(document["version"]),
        content_hash=content_hash(document),
        content=document,
        published_at=now,
    )
    session.add(version)
    session.flush()
    return version


def add_open_inspection(
    session: Session,
    *,
    urn: str,
    lawyer: Person,
    inspector: Person,
    questionnaire: QuestionnaireVersion,
    assigned_at: datetime,
    due_at: datetime,
    status: str = "assigned",
) -> Inspection:
    review = CaseReview(
        urn=urn,
        review_type="pre_charge_decision",
        area=lawyer.area,
        unit=lawyer.unit,
        lawyer_id=lawyer.id,
        completed_at=assigned_at - timedelta(hours=1),
        action_plan_count=0,
        outcome="charge",
        source_id=None,
        identity_key=f"{urn}|pre_charge_decision|{assigned_at.isoformat()}",
        received_at=assigned_at,
    )
    session.add(review)
    session.flush()
    inspection = Inspection(
        case_review_id=review.id,
        questionnaire_version_id=questionnaire.id,
        inspector_id=inspector.id,
        status=status,
        due_at=due_at,
        assigned_at=assigned_at,
        created_at=assigned_at,
        updated_at=assigned_at,
    )
    session.add(inspection)
    session.flush()
    return inspection


def urn(number: int) -> str:
    """A synthetic URN: force 42, station AB, a 5-digit serial, year 27."""
    return f"42AB{number:05d}27"
