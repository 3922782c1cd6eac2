"""`dipsample questionnaire …`: validate and publish questionnaire files."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.settings import Settings
from questionnaires.loader import InvalidQuestionnaire, content_hash, load_questionnaire
from questionnaires.model import REVIEW_TYPES, Questionnaire


def _load(path: str) -> tuple[Questionnaire, dict] | None:
    try:
        return load_questionnaire(Path(path))
    except InvalidQuestionnaire as invalid:
        print(f"{path}: {len(invalid.problems)} problem(s)", file=sys.stderr)
        for problem in invalid.problems:
            print(f"  {problem}", file=sys.stderr)
        return None


def outline(questionnaire: Questionnaire) -> str:
    counts = ", ".join(
        f"{sum(review_type in q.applies_to for q in questionnaire.questions)} for {review_type}"
        for review_type in REVIEW_TYPES
    )
    return (
        f"{questionnaire.id} v{questionnaire.version}: {len(questionnaire.sections)} sections, "
        f"{len(questionnaire.questions)} questions ({counts})"
    )


def validate(args: argparse.Namespace, settings: Settings) -> int:
    loaded = _load(args.file)
    if loaded is None:
        return 1
    print(f"{args.file}: valid. {outline(loaded[0])}")
    return 0


def publish(args: argparse.Namespace, settings: Settings) -> int:
    from bot.bootstrap import unit_of_work
    from storage.questionnaire_versions import (
        DroppedQuestions,
        VersionConflict,
        publish_questionnaire,
    )

    loaded = _load(args.file)
    if loaded is None:
        return 1
    questionnaire, document = loaded
    with unit_of_work(settings.database_url) as uow:
        try:
            outcome = publish_questionnaire(
                uow.session,
                questionnaire_id=questionnaire.id,
                version=questionnaire.version,
                content=document,
                content_hash=content_hash(document),
                now=datetime.now(UTC),
            )
        except (VersionConflict, DroppedQuestions) as refused:
            print(f"{args.file}: {refused}", file=sys.stderr)
            return 1
        uow.commit()
    print(f"{questionnaire.id} v{questionnaire.version}: {outcome.status}.")
    return 0
