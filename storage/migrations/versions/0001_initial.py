"""Initial schema: the people directory, reviews and sampling, inspections and answers,
feedback, alerts, the outbox, reminders, the audit log and job runs.

Revision ID: 0001
Revises:
Create Date: 2026-11-22

Written from an autogenerate run and reviewed. Types are spelled out here rather than imported
from storage.models, so this revision stays what it is when the models move on.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Append-only tables: triggers refuse UPDATE and DELETE on both databases.
APPEND_ONLY = ("audit_events", "answer_revisions")


def _utc() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer(), nullable=False)


def _fk(
    column: str, table: str, target: str, ondelete: str | None = None
) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [target],
        name=op.f(f"fk_{table}_{column}_{target.split('.')[0]}"),
        ondelete=ondelete,
    )


def upgrade() -> None:
    op.create_table(
        "audit_events",
        _id(),
        sa.Column("occurred_at", _utc(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("entity_type", sa.String(), nullable=False),
        sa.Column("entity_id", sa.String(), nullable=False),
        sa.Column("details", _json(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    op.create_index(
        op.f("ix_audit_events_entity_type_entity_id"), "audit_events", ["entity_type", "entity_id"]
    )
    op.create_index(op.f("ix_audit_events_occurred_at"), "audit_events", ["occurred_at"])

    op.create_table(
        "job_runs",
        sa.Column("job_name", sa.String(), nullable=False),
        sa.Column("last_run_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("job_name", name=op.f("pk_job_runs")),
    )

    op.create_table(
        "people",
        _id(),
        sa.Column("email", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("area", sa.String(), nullable=False),
        sa.Column("unit", sa.String(), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=True),
        sa.Column("slack_user_id", sa.String(), nullable=True),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("updated_at", _utc(), nullable=False),
        sa.CheckConstraint("email = lower(email)", name=op.f("ck_people_email_lower_case")),
        _fk("manager_id", "people", "people.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_people")),
        sa.UniqueConstraint("email", name=op.f("uq_people_email")),
        sa.UniqueConstraint("slack_user_id", name=op.f("uq_people_slack_user_id")),
    )
    op.create_index(op.f("ix_people_area_unit"), "people", ["area", "unit"])
    op.create_index(op.f("ix_people_manager_id"), "people", ["manager_id"])

    op.create_table(
        "person_roles",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.CheckConstraint(
            "role IN ('inspector', 'lawyer', 'manager', 'admin')",
            name=op.f("ck_person_roles_role_known"),
        ),
        _fk("person_id", "person_roles", "people.id", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("person_id", "role", name=op.f("pk_person_roles")),
    )
    op.create_index(op.f("ix_person_roles_role"), "person_roles", ["role"])

    op.create_table(
        "absences",
        _id(),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_at", _utc(), nullable=False),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_absences_ends_after_start")),
        _fk("person_id", "absences", "people.id", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_absences")),
    )
    op.create_index(op.f("ix_absences_person_id_starts_on"), "absences", ["person_id", "starts_on"])

    op.create_table(
        "questionnaire_versions",
        _id(),
        sa.Column("questionnaire_id", sa.String(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(), nullable=False),
        sa.Column("content", _json(), nullable=False),
        sa.Column("published_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questionnaire_versions")),
        sa.UniqueConstraint(
            "questionnaire_id",
            "version",
            name=op.f("uq_questionnaire_versions_questionnaire_id_version"),
        ),
    )

    op.create_table(
        "case_reviews",
        _id(),
        sa.Column("urn", sa.String(), nullable=False),
        sa.Column("review_type", sa.String(), nullable=False),
        sa.Column("area", sa.String(), nullable=False),
        sa.Column("unit", sa.String(), nullable=False),
        sa.Column("lawyer_id", sa.Integer(), nullable=False),
        sa.Column("completed_at", _utc(), nullable=False),
        sa.Column("action_plan_count", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(), nullable=True),
        sa.Column("source_id", sa.String(), nullable=True),
        sa.Column("identity_key", sa.String(), nullable=False),
        sa.Column("received_at", _utc(), nullable=False),
        sa.CheckConstraint(
            "review_type IN ('early_advice', 'pre_charge_decision')",
            name=op.f("ck_case_reviews_review_type_known"),
        ),
        sa.CheckConstraint(
            "outcome IS NULL OR outcome IN ('advice_given', 'action_plan', 'charge', "
            "'threshold_charge', 'no_further_action')",
            name=op.f("ck_case_reviews_outcome_known"),
        ),
        sa.CheckConstraint(
            "action_plan_count >= 0", name=op.f("ck_case_reviews_action_plan_count_not_negative")
        ),
        _fk("lawyer_id", "case_reviews", "people.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_reviews")),
        sa.UniqueConstraint("source_id", name=op.f("uq_case_reviews_source_id")),
        sa.UniqueConstraint("identity_key", name=op.f("uq_case_reviews_identity_key")),
    )
    op.create_index(op.f("ix_case_reviews_urn"), "case_reviews", ["urn"])
    op.create_index(
        op.f("ix_case_reviews_lawyer_id_completed_at"),
        "case_reviews",
        ["lawyer_id", "completed_at"],
    )
    op.create_index(
        op.f("ix_case_reviews_area_unit_completed_at"),
        "case_reviews",
        ["area", "unit", "completed_at"],
    )

    op.create_table(
        "sampling_decisions",
        _id(),
        sa.Column("case_review_id", sa.Integer(), nullable=False),
        sa.Column("policy_version", sa.String(), nullable=False),
        sa.Column("selected", sa.Boolean(), nullable=False),
        sa.Column("rule", sa.String(), nullable=False),
        sa.Column("draw", sa.Double(), nullable=True),
        sa.Column("decided_at", _utc(), nullable=False),
        _fk("case_review_id", "sampling_decisions", "case_reviews.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sampling_decisions")),
        sa.UniqueConstraint("case_review_id", name=op.f("uq_sampling_decisions_case_review_id")),
    )
    op.create_index(
        op.f("ix_sampling_decisions_selected_decided_at"),
        "sampling_decisions",
        ["selected", "decided_at"],
    )

    op.create_table(
        "inspections",
        _id(),
        sa.Column("case_review_id", sa.Integer(), nullable=False),
        sa.Column("questionnaire_version_id", sa.Integer(), nullable=False),
        sa.Column("inspector_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("due_at", _utc(), nullable=True),
        sa.Column("assigned_at", _utc(), nullable=True),
        sa.Column("started_at", _utc(), nullable=True),
        sa.Column("submitted_at", _utc(), nullable=True),
        sa.Column("score", sa.Double(), nullable=True),
        sa.Column("current_question_id", sa.String(), nullable=True),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("updated_at", _utc(), nullable=False),
        sa.Column("lock_version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('queued', 'assigned', 'in_progress', 'paused', 'submitted')",
            name=op.f("ck_inspections_status_known"),
        ),
        _fk("case_review_id", "inspections", "case_reviews.id"),
        _fk("questionnaire_version_id", "inspections", "questionnaire_versions.id"),
        _fk("inspector_id", "inspections", "people.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspections")),
        sa.UniqueConstraint("case_review_id", name=op.f("uq_inspections_case_review_id")),
    )
    op.create_index(
        op.f("ix_inspections_inspector_id_status"), "inspections", ["inspector_id", "status"]
    )
    op.create_index(op.f("ix_inspections_status_due_at"), "inspections", ["status", "due_at"])
    op.create_index(
        op.f("ix_inspections_questionnaire_version_id"),
        "inspections",
        ["questionnaire_version_id"],
    )

    op.create_table(
        "assignments",
        _id(),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("inspector_id", sa.Integer(), nullable=False),
        sa.Column("assigned_at", _utc(), nullable=False),
        sa.Column("ended_at", _utc(), nullable=True),
        sa.Column("end_reason", sa.String(), nullable=True),
        sa.Column("decline_reason", sa.Text(), nullable=True),
        _fk("inspection_id", "assignments", "inspections.id"),
        _fk("inspector_id", "assignments", "people.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignments")),
    )
    op.create_index(op.f("ix_assignments_inspection_id"), "assignments", ["inspection_id"])
    op.create_index(
        op.f("ix_assignments_inspector_id_ended_at"), "assignments", ["inspector_id", "ended_at"]
    )

    op.create_table(
        "answers",
        _id(),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(), nullable=False),
        sa.Column("option_code", sa.String(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("answered_by", sa.Integer(), nullable=False),
        sa.Column("answered_at", _utc(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.CheckConstraint("revision >= 1", name=op.f("ck_answers_revision_positive")),
        _fk("inspection_id", "answers", "inspections.id"),
        _fk("answered_by", "answers", "people.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answers")),
        sa.UniqueConstraint(
            "inspection_id", "question_id", name=op.f("uq_answers_inspection_id_question_id")
        ),
    )

    op.create_table(
        "answer_revisions",
        _id(),
        sa.Column("answer_id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("option_code", sa.String(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("changed_by", sa.Integer(), nullable=False),
        sa.Column("changed_at", _utc(), nullable=False),
        _fk("answer_id", "answer_revisions", "answers.id"),
        _fk("inspection_id", "answer_revisions", "inspections.id"),
        _fk("changed_by", "answer_revisions", "people.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answer_revisions")),
        sa.UniqueConstraint(
            "answer_id", "revision", name=op.f("uq_answer_revisions_answer_id_revision")
        ),
    )
    op.create_index(
        op.f("ix_answer_revisions_inspection_id_question_id"),
        "answer_revisions",
        ["inspection_id", "question_id"],
    )

    op.create_table(
        "feedback",
        _id(),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("lawyer_id", sa.Integer(), nullable=False),
        sa.Column("content", _json(), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("acknowledged_at", _utc(), nullable=True),
        _fk("inspection_id", "feedback", "inspections.id"),
        _fk("lawyer_id", "feedback", "people.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback")),
        sa.UniqueConstraint("inspection_id", name=op.f("uq_feedback_inspection_id")),
    )
    op.create_index(op.f("ix_feedback_lawyer_id"), "feedback", ["lawyer_id"])

    op.create_table(
        "challenges",
        _id(),
        sa.Column("feedback_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("outcome_reason", sa.Text(), nullable=True),
        sa.Column("raised_by", sa.Integer(), nullable=False),
        sa.Column("raised_at", _utc(), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", _utc(), nullable=True),
        sa.CheckConstraint(
            "status IN ('open', 'upheld', 'amended')", name=op.f("ck_challenges_status_known")
        ),
        _fk("feedback_id", "challenges", "feedback.id"),
        _fk("raised_by", "challenges", "people.id"),
        _fk("decided_by", "challenges", "people.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_challenges")),
        sa.UniqueConstraint(
            "feedback_id", "question_id", name=op.f("uq_challenges_feedback_id_question_id")
        ),
    )
    op.create_index(op.f("ix_challenges_status"), "challenges", ["status"])

    op.create_table(
        "alerts",
        _id(),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("raised_at", _utc(), nullable=False),
        sa.Column("resolved_at", _utc(), nullable=True),
        _fk("inspection_id", "alerts", "inspections.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
        sa.UniqueConstraint(
            "inspection_id",
            "question_id",
            "kind",
            name=op.f("uq_alerts_inspection_id_question_id_kind"),
        ),
    )

    op.create_table(
        "outbox_messages",
        _id(),
        sa.Column("dedupe_key", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("recipient_person_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(), nullable=True),
        sa.Column("payload", _json(), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("available_at", _utc(), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("status", sa.String(), server_default="pending", nullable=False),
        sa.Column("claimed_until", _utc(), nullable=True),
        sa.Column("sent_at", _utc(), nullable=True),
        sa.Column("delivered_channel", sa.String(), nullable=True),
        sa.Column("delivered_ts", sa.String(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'sent', 'failed')", name=op.f("ck_outbox_messages_status_known")
        ),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_outbox_messages_attempts_not_negative")),
        _fk("recipient_person_id", "outbox_messages", "people.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_outbox_messages_dedupe_key")),
    )
    op.create_index(
        op.f("ix_outbox_messages_status_available_at"),
        "outbox_messages",
        ["status", "available_at"],
    )

    op.create_table(
        "reminders",
        _id(),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("due_at", _utc(), nullable=False),
        sa.Column("sent_at", _utc(), nullable=True),
        sa.Column("cancelled_at", _utc(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('reminder', 'escalation')", name=op.f("ck_reminders_kind_known")
        ),
        _fk("inspection_id", "reminders", "inspections.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminders")),
        sa.UniqueConstraint(
            "inspection_id", "kind", "due_at", name=op.f("uq_reminders_inspection_id_kind_due_at")
        ),
    )
    op.create_index(op.f("ix_reminders_due_at"), "reminders", ["due_at"])

    _create_append_only_triggers()


def downgrade() -> None:
    # Dropping a table drops its indexes and triggers with it; children before parents.
    for table in (
        "reminders",
        "outbox_messages",
        "alerts",
        "challenges",
        "feedback",
        "answer_revisions",
        "answers",
        "assignments",
        "inspections",
        "sampling_decisions",
        "case_reviews",
        "questionnaire_versions",
        "absences",
        "person_roles",
        "people",
        "job_runs",
        "audit_events",
    ):
        op.drop_table(table)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION refuse_append_only_change()")


def _create_append_only_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        # restrict_violation (23001) surfaces as IntegrityError, as SQLite's RAISE(ABORT) does.
        op.execute(
            """
            CREATE FUNCTION refuse_append_only_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
                    USING ERRCODE = 'restrict_violation';
            END
            $$
            """
        )
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change()"
            )
        return
    for table in APPEND_ONLY:
        for operation in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_append_only_{operation.lower()} "
                f"BEFORE {operation} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {operation} refused'); END"
            )
