"""Publishing questionnaire versions: created once, a no-op when repeated, refused when changed."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session

from storage.db import is_postgres
from storage.models import AuditEvent, QuestionnaireVersion
from storage.questionnaire_versions import (
    PublishOutcome,
    VersionConflict,
    latest_version,
    publish_questionnaire,
)
from storage.uow import UnitOfWork

NOW = datetime(2025, 3, 3, 9, 30, tzinfo=UTC)

UowFactory = Callable[[], UnitOfWork]


def _document(version: int, text: str = "Was a meeting offered?") -> dict[str, Any]:
    return {
        "id": "rasso_review",
        "version": version,
        "sections": [{"id": "meetings", "questions": [{"id": "q1", "text": text}]}],
    }


def _hash(document: dict[str, Any]) -> str:
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _publish_in(session: Session, document: dict[str, Any], now: datetime = NOW) -> PublishOutcome:
    return publish_questionnaire(
        session,
        questionnaire_id=document["id"],
        version=document["version"],
        content=document,
        content_hash=_hash(document),
        now=now,
    )


def _publish(
    uow_factory: UowFactory, document: dict[str, Any], now: datetime = NOW
) -> PublishOutcome:
    with uow_factory() as uow:
        outcome = _publish_in(uow.session, document, now)
        uow.commit()
    return outcome


def test_a_new_version_is_stored_with_its_content_and_audited(uow_factory: UowFactory) -> None:
    document = _document(1)

    outcome = _publish(uow_factory, document)

    assert outcome.status == "created"
    with uow_factory() as uow:
        stored = uow.session.get_one(QuestionnaireVersion, outcome.id)
        assert (stored.questionnaire_id, stored.version) == ("rasso_review", 1)
        assert stored.content == document
        assert stored.content_hash == _hash(document)
        assert stored.published_at == NOW
        events = uow.session.scalars(select(AuditEvent)).all()
        assert [(e.action, e.entity_type, e.entity_id, e.details) for e in events] == [
            (
                "questionnaire.published",
                "questionnaire_version",
                str(outcome.id),
                {"questionnaire_id": "rasso_review", "version": 1, "content_hash": _hash(document)},
            )
        ]


def test_publishing_the_same_content_again_changes_nothing(uow_factory: UowFactory) -> None:
    first = _publish(uow_factory, _document(1))

    again = _publish(uow_factory, _document(1), now=NOW + timedelta(days=1))

    assert again == PublishOutcome(status="unchanged", id=first.id)
    with uow_factory() as uow:
        assert len(uow.session.scalars(select(QuestionnaireVersion)).all()) == 1
        assert len(uow.session.scalars(select(AuditEvent)).all()) == 1
        assert uow.session.get_one(QuestionnaireVersion, first.id).published_at == NOW


def test_different_content_under_a_published_version_is_refused(uow_factory: UowFactory) -> None:
    original = _document(1)
    changed = _document(1, text="Was a meeting offered and recorded?")
    _publish(uow_factory, original)

    with pytest.raises(VersionConflict) as raised:
        _publish(uow_factory, changed)

    message = str(raised.value)
    assert "rasso_review version 1" in message
    assert _hash(original) in message
    assert _hash(changed) in message
    with uow_factory() as uow:
        assert uow.session.scalars(select(QuestionnaireVersion.content)).all() == [original]


def test_latest_version_is_the_highest_version_number(uow_factory: UowFactory) -> None:
    _publish(uow_factory, _document(2))
    _publish(uow_factory, _document(1))
    _publish(uow_factory, _document(3) | {"id": "another_questionnaire"})

    with uow_factory() as uow:
        latest = latest_version(uow.session, "rasso_review")

    assert latest is not None
    assert latest.version == 2


def test_latest_version_is_none_before_anything_is_published(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        assert latest_version(uow.session, "rasso_review") is None


def test_losing_a_race_to_publish_the_same_content_is_unchanged(
    engine: Engine, uow_factory: UowFactory
) -> None:
    if not is_postgres(engine):
        pytest.skip("SQLite serialises writers (BEGIN IMMEDIATE): the race cannot happen there")
    document = _document(1)
    rival_ids: list[int] = []

    def rival_publishes_first(session: Session, *_: object) -> None:
        # Another process commits the same version between our check and our insert.
        with uow_factory() as rival:
            rival_ids.append(_publish_in(rival.session, document).id)
            rival.commit()

    with uow_factory() as uow:
        event.listen(uow.session, "before_flush", rival_publishes_first, once=True)
        outcome = _publish_in(uow.session, document)
        uow.commit()

    assert outcome == PublishOutcome(status="unchanged", id=rival_ids[0])
