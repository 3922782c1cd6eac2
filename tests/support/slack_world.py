"""The synthetic world of the Slack tests: the directory, the served bot and a seeded review."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from slack_bolt import App
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.offline.demo.cast import Member
from bot.offline.standin import Message
from bot.services.inspection.versions import current_review_questionnaire
from bot.settings import Settings
from storage.models import CaseReview, Inspection, Person, SamplingDecision
from storage.uow import UnitOfWork

SIGNING_SECRET = "slack-tests-signing-secret"
BOT_TOKEN = "xoxb-slack-tests"
INTAKE_TOKEN = "intake-slack-tests"
# A Monday morning in London, clear of bank holidays.
START = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
URN = "42AB1234525"


LAWYER = Member(
    "lara.lawyer@example.test", "Lara Lawyer", "lawyer", "London North",
    "RASSO London North", "mo.manager@example.test", "U0LAWYER01",
)  # fmt: skip
MANAGER = Member(
    "mo.manager@example.test", "Mo Manager", "manager", "London North",
    "RASSO London North", "", "U0MANAGE01",
)  # fmt: skip
INSPECTOR_A = Member(
    "ivy.inspector@example.test", "Ivy Inspector", "inspector", "London South",
    "RASSO London South", "", "U0INSPEC01",
)  # fmt: skip
INSPECTOR_B = Member(
    "ian.inspector@example.test", "Ian Inspector", "inspector", "Wessex",
    "RASSO Wessex", "", "U0INSPEC02",
)  # fmt: skip
ADMIN = Member(
    "ada.admin@example.test", "Ada Admin", "admin", "CPS Direct",
    "Inspection Programme", "", "U0ADMIN001",
)  # fmt: skip
DIRECTORY = (LAWYER, MANAGER, INSPECTOR_A, INSPECTOR_B, ADMIN)
STRANGER = "U0STRANGE1"  # a Slack user of the workspace who is not in the directory


@dataclass(frozen=True)
class RunningBot:
    app: App
    url: str
    settings: Settings
    session_factory: sessionmaker[Session]
    stop: Callable[[], None]  # stops serving and closes its connections; idempotent

    @property
    def events_url(self) -> str:
        return f"{self.url}/slack/events"

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.session_factory)


@dataclass(frozen=True)
class Assigned:
    inspection_id: int
    inspector: Member  # who got it
    other: Member  # the other inspector, who did not
    message: Message  # the assignment message in the inspector's DM


def seed_review(bot: RunningBot, *, urn: str, now: datetime, outcome: str = "charge") -> int:
    """A completed review, sampled, waiting for an inspector: the inspection's id."""
    with bot.uow() as uow:
        session = uow.session
        lawyer = session.scalars(select(Person).where(Person.email == LAWYER.email)).one()
        version = current_review_questionnaire(session, now=now)
        review = CaseReview(
            urn=urn,
            review_type="pre_charge_decision",
            area=LAWYER.area,
            unit=LAWYER.unit,
            lawyer_id=lawyer.id,
            completed_at=now,
            action_plan_count=0,
            outcome=outcome,
            source_id=f"test-{urn}",
            identity_key=f"test-{urn}",
            received_at=now,
        )
        session.add(review)
        session.flush()
        session.add(
            SamplingDecision(
                case_review_id=review.id,
                policy_version="test",
                selected=True,
                rule="random_rate",
                draw=0.01,
                decided_at=now,
            )
        )
        inspection = Inspection(
            case_review_id=review.id,
            questionnaire_version_id=version.id,
            status="queued",
            created_at=now,
            updated_at=now,
        )
        session.add(inspection)
        uow.commit()
        return inspection.id
