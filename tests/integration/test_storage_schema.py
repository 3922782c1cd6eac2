"""What the schema guarantees on the configured database: unique keys, foreign keys, known
codes, append-only history and optimistic locking."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import delete, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from storage.models import (
    Absence,
    Answer,
    AuditEvent,
    CaseReview,
    Inspection,
    OutboxMessage,
    Person,
    QuestionnaireVersion,
)

NOW = datetime(2025, 3, 3, 9, 30, tzinfo=UTC)


def _person(email: str, *roles: str) -> Person:
    person = Person(
        email=email,
        name="Synthetic Person",
        area="Wessex",
        unit="RASSO",
        created_at=NOW,
        updated_at=NOW,
    )
    person.roles = list(roles)
    return person


def _inspection(session: Session, urn: str = "42AB1234525") -> Inspection:
    lawyer = _person(f"lawyer.{urn.lower()}@example.test", "lawyer")
    review = CaseReview(
        urn=urn,
        review_type="pre_charge_decision",
        area="Wessex",
        unit="RASSO",
        lawyer=lawyer,
        completed_at=NOW,
        action_plan_count=0,
        outcome="charge",
        source_id=None,
        identity_key=f"review:{urn}|pre_charge_decision|{NOW.isoformat()}",
        received_at=NOW,
    )
    version = QuestionnaireVersion(
        questionnaire_id=f"q_{urn.lower()}",
        version=1,
        content_hash="0" * 64,
        content={},
        published_at=NOW,
    )
    inspection = Inspection(
        case_review=review,
        questionnaire_version=version,
        status="queued",
        created_at=NOW,
        updated_at=NOW,
    )
    session.add(inspection)
    session.flush()
    return inspection


def _answer(inspection: Inspection, answered_by: int) -> Answer:
    return Answer(
        inspection_id=inspection.id,
        question_id="ea_meeting_offered",
        option_code="fully_met",
        answered_by=answered_by,
        answered_at=NOW,
        revision=1,
    )


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    with session_factory() as session:
        yield session
        session.rollback()


# --- keys and codes -------------------------------------------------------------------------


def test_a_second_answer_to_the_same_question_is_refused(session: Session) -> None:
    inspection = _inspection(session)
    inspector = _person("inspector@example.test", "inspector")
    session.add(inspector)
    session.flush()
    session.add(_answer(inspection, inspector.id))
    session.flush()

    session.add(_answer(inspection, inspector.id))
    with pytest.raises(IntegrityError):
        session.flush()


def test_a_second_outbox_message_with_the_same_dedupe_key_is_refused(session: Session) -> None:
    def message() -> OutboxMessage:
        return OutboxMessage(
            dedupe_key="assignment:1",
            kind="assignment",
            payload={"text": "hello"},
            created_at=NOW,
            available_at=NOW,
        )

    session.add(message())
    session.flush()
    session.add(message())
    with pytest.raises(IntegrityError):
        session.flush()


def test_the_same_review_cannot_be_stored_twice(session: Session) -> None:
    _inspection(session, urn="42AB1234525")
    duplicate = CaseReview(
        urn="42AB1234525",
        review_type="pre_charge_decision",
        area="Wessex",
        unit="RASSO",
        lawyer=_person("other.lawyer@example.test", "lawyer"),
        completed_at=NOW,
        action_plan_count=0,
        identity_key=f"review:42AB1234525|pre_charge_decision|{NOW.isoformat()}",
        received_at=NOW,
    )
    session.add(duplicate)
    with pytest.raises(IntegrityError):
        session.flush()


def test_outbox_defaults_to_pending_with_no_attempts(session: Session) -> None:
    message = OutboxMessage(
        dedupe_key="reminder:1",
        kind="reminder",
        payload={"text": "due soon"},
        created_at=NOW,
        available_at=NOW,
    )
    session.add(message)
    session.flush()

    assert (message.status, message.attempts) == ("pending", 0)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE inspections SET status = 'lost'",
        "UPDATE person_roles SET role = 'superuser'",
        "UPDATE people SET email = 'Upper.Case@Example.test'",
        "UPDATE case_reviews SET action_plan_count = -1",
    ],
)
def test_unknown_codes_and_impossible_values_are_refused(session: Session, statement: str) -> None:
    _inspection(session)

    with pytest.raises(IntegrityError):
        session.execute(text(statement))


def test_an_absence_cannot_end_before_it_starts(session: Session) -> None:
    person = _person("away@example.test", "inspector")
    session.add(person)
    session.flush()
    session.add(
        Absence(
            person_id=person.id,
            starts_on=date(2025, 3, 10),
            ends_on=date(2025, 3, 7),
            created_at=NOW,
        )
    )
    with pytest.raises(IntegrityError):
        session.flush()


def test_foreign_keys_are_enforced(session: Session) -> None:
    person = _person("inspector@example.test", "inspector")
    session.add(person)
    session.flush()
    orphan = Answer(
        inspection_id=999_999,
        question_id="q1",
        option_code="fully_met",
        answered_by=person.id,
        answered_at=NOW,
        revision=1,
    )
    session.add(orphan)
    with pytest.raises(IntegrityError):
        session.flush()


# --- append-only history and optimistic locking ---------------------------------------------


def _audit_event(session: Session) -> None:
    session.add(
        AuditEvent(
            occurred_at=NOW,
            actor="system",
            action="test.recorded",
            entity_type="test",
            entity_id="1",
            details={"note": "synthetic"},
        )
    )
    session.flush()


def test_audit_events_cannot_be_changed(session: Session) -> None:
    _audit_event(session)

    with pytest.raises(IntegrityError, match="append-only"):
        session.execute(update(AuditEvent).values(actor="someone else"))


def test_audit_events_cannot_be_deleted(session: Session) -> None:
    _audit_event(session)

    with pytest.raises(IntegrityError, match="append-only"):
        session.execute(delete(AuditEvent))


def test_an_update_from_a_stale_copy_of_an_inspection_is_refused(
    session_factory: sessionmaker[Session],
) -> None:
    with session_factory() as session:
        inspection_id = _inspection(session).id
        session.commit()

    with session_factory() as stale:
        stale_copy = stale.get_one(Inspection, inspection_id)
        # Keep the copy as read, but end the transaction: on SQLite it holds the write lock.
        stale.expunge(stale_copy)
        stale.rollback()
        with session_factory() as fresh:
            fresh.get_one(Inspection, inspection_id).status = "assigned"
            fresh.commit()

        stale.add(stale_copy)
        stale_copy.status = "paused"
        with pytest.raises(StaleDataError):
            stale.commit()
