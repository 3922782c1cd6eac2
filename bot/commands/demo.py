"""`dipsample demo`: the programme offline, on its own SQLite file.

So far the demo sets up a fresh database, publishes the shipped questionnaire and prints its
outline; the Slack flow joins it as the later issues land.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

from bot.settings import Settings
from questionnaires.loader import content_hash, default_questionnaire_path, load_questionnaire
from questionnaires.model import REVIEW_TYPES, Questionnaire
from storage import migrate
from storage.db import make_engine, session_factory
from storage.questionnaire_versions import publish_questionnaire
from storage.uow import UnitOfWork


def print_outline(questionnaire: Questionnaire) -> None:
    print(f"\n{questionnaire.title} ({questionnaire.id} v{questionnaire.version})")
    for section in questionnaire.sections:
        print(f"\n  {section.title}")
        for q in section.questions:
            flags = []
            if q.critical:
                flags.append("CRITICAL")
            if set(q.applies_to) != set(REVIEW_TYPES):
                flags.append("only " + "/".join(sorted(q.applies_to)))
            if q.conditions:
                flags.append("if " + ", ".join(c.question_id for c in q.conditions))
            suffix = f"  [{'; '.join(flags)}]" if flags else ""
            print(f"    - {q.id}: {q.text}{suffix}")
            print(f"        source: {q.source.document} {q.source.section}")


def run(args: argparse.Namespace, settings: Settings) -> int:
    output = Path(args.output)
    output.mkdir(parents=True, exist_ok=True)
    db_path = output / "demo.db"
    for stale in output.glob("demo.db*"):
        stale.unlink()
    url = f"sqlite:///{db_path}"
    migrate.upgrade(url)
    print(f"Fresh database {db_path} migrated to {migrate.current(url)}.")

    questionnaire, document = load_questionnaire(default_questionnaire_path())
    with UnitOfWork(session_factory(make_engine(url))) as uow:
        outcome = publish_questionnaire(
            uow.session,
            questionnaire_id=questionnaire.id,
            version=questionnaire.version,
            content=document,
            content_hash=content_hash(document),
            now=datetime.now(UTC),
        )
        uow.commit()
    print(f"Published {questionnaire.id} v{questionnaire.version}: {outcome.status}.")
    print_outline(questionnaire)
    print(
        "\nNot in the demo yet: intake and sampling, the Slack conversation, feedback and "
        "trends (issues 3 to 7)."
    )
    return 0
