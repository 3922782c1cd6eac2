"""Which questionnaire version a new inspection uses: the latest published one, and the shipped
questionnaire published first when nothing has been published yet."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from questionnaires.loader import content_hash, default_questionnaire_path, load_questionnaire
from storage.models import QuestionnaireVersion
from storage.questionnaire_versions import latest_version, publish_questionnaire

REVIEW_QUESTIONNAIRE_ID = "rasso_review"


def current_review_questionnaire(session: Session, *, now: datetime) -> QuestionnaireVersion:
    latest = latest_version(session, REVIEW_QUESTIONNAIRE_ID)
    if latest is not None:
        return latest
    questionnaire, document = load_questionnaire(default_questionnaire_path())
    if questionnaire.id != REVIEW_QUESTIONNAIRE_ID:
        expected = REVIEW_QUESTIONNAIRE_ID
        raise RuntimeError(f"the shipped questionnaire is {questionnaire.id!r}, not {expected!r}")
    # publish_questionnaire writes the audit row; a concurrent publish of the same file is
    # "unchanged" there, so both callers end up on the same version.
    publish_questionnaire(
        session,
        questionnaire_id=questionnaire.id,
        version=questionnaire.version,
        content=document,
        content_hash=content_hash(document),
        now=now,
    )
    published = latest_version(session, REVIEW_QUESTIONNAIRE_ID)
    if published is None:
        raise RuntimeError("the shipped questionnaire was published but cannot be read back")
    return published
