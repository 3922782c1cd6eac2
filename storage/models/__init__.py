"""SQLAlchemy models: plain data, one module per idea; import them from here."""

from storage.models.audit import AuditEvent, JobRun
from storage.models.base import NAMING_CONVENTION, Base, JsonDocument, UtcDateTime
from storage.models.cases import (
    OUTCOMES,
    REVIEW_TYPES,
    CaseReview,
    SamplingDecision,
    SamplingPolicyVersion,
)
from storage.models.feedback import CHALLENGE_STATUSES, Alert, Challenge, Feedback
from storage.models.inspections import (
    Answer,
    AnswerRevision,
    Assignment,
    Calibration,
    Inspection,
)
from storage.models.messaging import OUTBOX_STATUSES, REMINDER_KINDS, OutboxMessage, Reminder
from storage.models.people import ROLES, Absence, Person, PersonRole
from storage.models.questionnaires import QuestionnaireVersion
from storage.models.rjoim import (
    RjoimAction,
    RjoimCaseDiscussed,
    RjoimImpact,
    RjoimIssue,
    RjoimMeeting,
)
from storage.models.trend_rollup import TrendMonthInspections, TrendMonthMarks, TrendRollupState

__all__ = [
    "CHALLENGE_STATUSES",
    "NAMING_CONVENTION",
    "OUTBOX_STATUSES",
    "OUTCOMES",
    "REMINDER_KINDS",
    "REVIEW_TYPES",
    "ROLES",
    "Absence",
    "Alert",
    "Answer",
    "AnswerRevision",
    "Assignment",
    "AuditEvent",
    "Base",
    "Calibration",
    "CaseReview",
    "Challenge",
    "Feedback",
    "Inspection",
    "JobRun",
    "JsonDocument",
    "OutboxMessage",
    "Person",
    "PersonRole",
    "QuestionnaireVersion",
    "Reminder",
    "RjoimAction",
    "RjoimCaseDiscussed",
    "RjoimImpact",
    "RjoimIssue",
    "RjoimMeeting",
    "SamplingDecision",
    "SamplingPolicyVersion",
    "TrendMonthInspections",
    "TrendMonthMarks",
    "TrendRollupState",
    "UtcDateTime",
]
