"""Publishing questionnaire versions: immutable once stored, identified by content hash."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import AuditEvent, QuestionnaireVersion


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
    """Store a new version; the same content again is a no-op, different content a conflict."""
    existing = _find(session, questionnaire_id, version)
    if existing is not None:
        return _unchanged_or_conflict(existing, content_hash)
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
