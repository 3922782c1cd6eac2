"""Publishing questionnaire versions: immutable once stored, identified by content hash."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from questionnaires.lineage import unaccounted_ids
from questionnaires.loader import parse_questionnaire
from storage.models import AuditEvent, QuestionnaireVersion


class DroppedQuestions(Exception):
    """A new version stops asking questions of the version before without saying what became
    of them, so a trend could no longer follow them."""

    def __init__(self, questionnaire_id: str, version: int, previous: int, ids: list[str]) -> None:
        super().__init__(
            f"{questionnaire_id} version {version} no longer asks {', '.join(ids)} "
            f'(asked in version {previous}). List each under "renamed" (with the id that '
            f'asks the same thing now) or under "retired" (with the reason).'
        )
        self.ids = ids


class VersionConflict(Exception):
    """Different content was offered under a version number that is already published."""

    def __init__(
        self, questionnaire_id: str, version: int, stored_hash: str, offered_hash: str
    ) -> None:
        super().__init__(
            f"{questionnaire_id} version {version} is already published with content hash "
            f"{stored_hash}; this content has hash {offered_hash}. Published versions never "
            f"change: give the new content a new version number."
        )
        self.questionnaire_id = questionnaire_id
        self.version = version
        self.stored_hash = stored_hash
        self.offered_hash = offered_hash


@dataclass(frozen=True)
class PublishOutcome:
    status: Literal["created", "unchanged"]
    id: int


def publish_questionnaire(
    session: Session,
    *,
    questionnaire_id: str,
    version: int,
    content: dict[str, Any],
    content_hash: str,
    now: datetime,
    actor: str = "system",
) -> PublishOutcome:
    """Store a new version; the same content again is a no-op, different content a conflict,
    and a version that drops a question of the one before without renaming or retiring it is
    refused (DroppedQuestions)."""
    existing = _find(session, questionnaire_id, version)
    if existing is not None:
        return _unchanged_or_conflict(existing, content_hash)
    _refuse_dropped_questions(session, questionnaire_id, version, content)
    row = QuestionnaireVersion(
        questionnaire_id=questionnaire_id,
        version=version,
        content_hash=content_hash,
        content=content,
        published_at=now,
    )
    try:
        # A savepoint, so losing a race with a concurrent publish leaves the caller's
        # transaction usable and the winner's row can be compared with ours.
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        winner = _find(session, questionnaire_id, version)
        if winner is None:
            raise
        return _unchanged_or_conflict(winner, content_hash)
    session.add(
        AuditEvent(
            occurred_at=now,
            actor=actor,
            action="questionnaire.published",
            entity_type="questionnaire_version",
            entity_id=str(row.id),
            details={
                "questionnaire_id": questionnaire_id,
                "version": version,
                "content_hash": content_hash,
            },
        )
    )
    session.flush()
    return PublishOutcome(status="created", id=row.id)


def latest_version(session: Session, questionnaire_id: str) -> QuestionnaireVersion | None:
    """The highest published version of a questionnaire, or None if none is published."""
    return session.scalars(
        select(QuestionnaireVersion)
        .where(QuestionnaireVersion.questionnaire_id == questionnaire_id)
        .order_by(QuestionnaireVersion.version.desc())
        .limit(1)
    ).first()


def _refuse_dropped_questions(
    session: Session, questionnaire_id: str, version: int, content: dict[str, Any]
) -> None:
    previous = session.scalars(
        select(QuestionnaireVersion)
        .where(
            QuestionnaireVersion.questionnaire_id == questionnaire_id,
            QuestionnaireVersion.version < version,
        )
        .order_by(QuestionnaireVersion.version.desc())
        .limit(1)
    ).first()
    if previous is None:
        return
    dropped = unaccounted_ids(parse_questionnaire(previous.content), parse_questionnaire(content))
    if dropped:
        raise DroppedQuestions(questionnaire_id, version, previous.version, dropped)


def _find(session: Session, questionnaire_id: str, version: int) -> QuestionnaireVersion | None:
    return session.scalars(
        select(QuestionnaireVersion).where(
            QuestionnaireVersion.questionnaire_id == questionnaire_id,
            QuestionnaireVersion.version == version,
        )
    ).one_or_none()


def _unchanged_or_conflict(row: QuestionnaireVersion, content_hash: str) -> PublishOutcome:
    if row.content_hash != content_hash:
        raise VersionConflict(row.questionnaire_id, row.version, row.content_hash, content_hash)
    return PublishOutcome(status="unchanged", id=row.id)
