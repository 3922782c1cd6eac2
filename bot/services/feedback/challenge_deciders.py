"""Who decides a lawyer's challenge, and the marking inspector's comment on it.

A challenge is decided independently (inspections.challenges.decider_problem): by an
inspection lead, or by an inspector a lead names, never by the inspector who gave the mark.
That inspector is asked for a comment instead, which goes on to whoever decides. Each step
checks who is asking, changes and audits in one transaction, and leaves the messages to the
outbox.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from bot import refusals
from bot.refusals import InvalidInput
from bot.services.feedback import challenge_outcomes
from bot.services.feedback.documents import refuse
from bot.services.inspection.state import FlowState, load_state
from bot.services.people.requester import requester
from bot.slack.blocks.challenge_deciders import CommentRequest, comment_note, comment_request
from bot.slack.blocks.feedback_challenges import ChallengeForm, DecisionCard
from inspections import challenges as rules
from storage import audit, feedback_repo, inspections_repo, outbox, people_repo
from storage.models import Challenge, Feedback, Inspection, Person
from storage.uow import UnitOfWork


def deciders_of(session: Session, challenge: Challenge, inspection: Inspection) -> list[int]:
    """Who is asked to decide this challenge (see inspections.challenges.deciders)."""
    return list(
        rules.deciders(
            marking_inspector_id=inspection.inspector_id,
            lawyer_id=challenge.raised_by,
            lead_ids=people_repo.active_admin_ids(session),
            named_decider_id=challenge.decider_id,
            other_markers=inspections_repo.other_markers(session, inspection.id),
        )
    )


def send_to_deciders(
    session: Session,
    state: FlowState,
    feedback: Feedback,
    rows: Sequence[Challenge],
    form: ChallengeForm,
    *,
    now: datetime,
) -> dict[str, object]:
    """A decision message per mark to each decider and the request for a comment to the
    inspector who gave the marks; what was sent, for the audit record."""
    inspection = session.get(Inspection, feedback.inspection_id)
    assert inspection is not None  # the feedback's foreign key
    deciders: list[int] = []
    for row in rows:
        # The deciders; when every lead gave the mark, the leads, to pass it to an inspector.
        deciders = list(
            rules.card_recipients(
                marking_inspector_id=inspection.inspector_id,
                lawyer_id=row.raised_by,
                lead_ids=people_repo.active_admin_ids(session),
                named_decider_id=row.decider_id,
                other_markers=inspections_repo.other_markers(session, inspection.id),
            )
        )
        for decider_id in deciders:
            outbox.enqueue(
                session,
                dedupe_key=f"challenge:{row.id}:decider:{decider_id}",
                kind="challenge_decision",
                recipient_person_id=decider_id,
                payload=challenge_outcomes.decision_payload(session, row, state),
                now=now,
            )
    if inspection.inspector_id is not None:
        request = CommentRequest(
            feedback.id, form.urn, state.review.lawyer_name, form.choices, rows[0].reason
        )
        outbox.enqueue(
            session,
            dedupe_key=f"challenge:{feedback.id}:comment-request",
            kind="challenge_comment_request",
            recipient_person_id=inspection.inspector_id,
            payload=comment_request(request),
            now=now,
        )
    return {"decider_ids": deciders, "comment_asked_of": inspection.inspector_id}


def for_decider(
    session: Session, actor_slack_id: str, challenge_id: int, action: str, now: datetime
) -> tuple[Challenge, Person, FlowState]:
    """The challenge, when the requester may decide it; otherwise an audited refusal. The
    feedback row is locked first, so decisions on one feedback are taken one at a time and the
    last one always sees that every mark is decided."""
    person = requester(session, actor_slack_id, action=action, now=now)
    feedback_id = feedback_repo.feedback_id_of_challenge(session, challenge_id)
    feedback = session.get(Feedback, feedback_id, with_for_update=True) if feedback_id else None
    challenge = session.get(Challenge, challenge_id)
    inspection = session.get(Inspection, feedback.inspection_id) if feedback is not None else None
    problem = (
        rules.decider_problem(
            person.id,
            marking_inspector_id=inspection.inspector_id,
            lawyer_id=challenge.raised_by,
            lead_ids=people_repo.active_admin_ids(session),
            named_decider_id=challenge.decider_id,
            other_markers=inspections_repo.other_markers(session, inspection.id),
        )
        if challenge is not None and inspection is not None
        else rules.DeciderProblem.NOT_A_DECIDER
    )
    if problem is not None or challenge is None or inspection is None:
        reason = (
            refusals.YOU_GAVE_THE_MARK
            if problem is rules.DeciderProblem.GAVE_THE_MARK
            else refusals.YOU_MARKED_IT_TOO
            if problem is rules.DeciderProblem.MARKED_IT_TOO
            else refusals.NOT_YOUR_CHALLENGES
        )
        raise refuse(
            session,
            actor=person.email,
            action=action,
            feedback_id=feedback_id or 0,
            reason=reason,
            now=now,
        )
    return challenge, person, load_state(session, inspection.id)


def _own_marks(
    session: Session, actor_slack_id: str, feedback_id: int, action: str, now: datetime
) -> tuple[Feedback, Person, list[Challenge]]:
    """The feedback and its challenges, when the requester gave the challenged marks."""
    person = requester(session, actor_slack_id, action=action, now=now)
    feedback = session.get(Feedback, feedback_id, with_for_update=True)
    inspection = session.get(Inspection, feedback.inspection_id) if feedback else None
    rows = feedback_repo.challenges_of(session, feedback_id) if feedback else []
    if feedback is None or inspection is None or inspection.inspector_id != person.id or not rows:
        raise refuse(
            session,
            actor=person.email,
            action=action,
            feedback_id=feedback_id,
            reason=refusals.NOT_YOUR_MARKS,
            now=now,
        )
    return feedback, person, rows


def check_commenter(
    uow: UnitOfWork, *, actor_slack_id: str, feedback_id: int, now: datetime
) -> None:
    """Refused unless the requester gave the challenged marks and has not commented yet."""
    with uow:
        _, person, rows = _own_marks(
            uow.session, actor_slack_id, feedback_id, "challenge.comment", now
        )
        if rows[0].inspector_comment is not None:
            raise refuse(
                uow.session,
                actor=person.email,
                action="challenge.comment",
                feedback_id=feedback_id,
                reason=refusals.ALREADY_COMMENTED,
                now=now,
            )


def comment(
    uow: UnitOfWork, *, actor_slack_id: str, feedback_id: int, text: str | None, now: datetime
) -> CommentRequest:
    """Keeps the comment on each challenged mark and sends it to whoever decides them. A second
    comment changes nothing: the first is what the deciders read."""
    with uow:
        session = uow.session
        feedback, inspector, rows = _own_marks(
            session, actor_slack_id, feedback_id, "challenge.comment", now
        )
        state = load_state(session, feedback.inspection_id)
        chosen = {row.question_id for row in rows}
        choices = tuple(c for c in challenge_outcomes.choices(state) if c.question_id in chosen)
        request = CommentRequest(
            feedback.id, state.review.urn, state.review.lawyer_name, choices, rows[0].reason
        )
        if rows[0].inspector_comment is not None:
            return dataclasses.replace(request, comment=rows[0].inspector_comment)
        problems = rules.comment_problems(text)
        if problems:
            raise InvalidInput(problems)
        assert text is not None  # comment_problems refuses a missing comment
        inspection = session.get(Inspection, feedback.inspection_id)
        assert inspection is not None  # the feedback's foreign key
        told: set[int] = set()
        for row in rows:
            row.inspector_comment = text.strip()
            if row.status == rules.OPEN:
                told.update(deciders_of(session, row, inspection))
        note = comment_note(urn=state.review.urn, inspector_name=inspector.name, comment=text)
        for decider_id in sorted(told):
            outbox.enqueue(
                session,
                dedupe_key=f"challenge:{feedback.id}:comment:{decider_id}",
                kind="challenge_comment",
                recipient_person_id=decider_id,
                payload=note,
                now=now,
            )
        audit.record(
            session,
            actor=inspector.email,
            action="challenge.commented",
            entity_type="feedback",
            entity_id=feedback.id,
            details={"challenge_ids": [row.id for row in rows], "sent_to": sorted(told)},
            now=now,
        )
        uow.commit()
        return dataclasses.replace(request, comment=text.strip())


def decider_form(
    uow: UnitOfWork, *, actor_slack_id: str, challenge_id: int, now: datetime
) -> DecisionCard:
    """The card a lead passes on; refused to anyone but an inspection lead."""
    with uow:
        challenge, _, state = _for_lead(uow.session, actor_slack_id, challenge_id, now)
        return challenge_outcomes.decision_card(uow.session, challenge, state)


def _for_lead(
    session: Session, actor_slack_id: str, challenge_id: int, now: datetime
) -> tuple[Challenge, Person, FlowState]:
    """The challenge, when the requester is an inspection lead: any lead may name who decides
    (even one who gave the mark, when no other lead is there to decide it), since the one named
    can never be the inspector who gave the mark. The feedback row is locked, as for deciding."""
    person = requester(session, actor_slack_id, action="challenge.name_decider", now=now)
    feedback_id = feedback_repo.feedback_id_of_challenge(session, challenge_id)
    feedback = session.get(Feedback, feedback_id, with_for_update=True) if feedback_id else None
    challenge = session.get(Challenge, challenge_id)
    if (
        challenge is None
        or feedback is None
        or (person.id not in people_repo.active_admin_ids(session))
    ):
        raise refuse(
            session,
            actor=person.email,
            action="challenge.name_decider",
            feedback_id=feedback_id or 0,
            reason=refusals.ONLY_A_LEAD_NAMES,
            now=now,
        )
    return challenge, person, load_state(session, feedback.inspection_id)


def name_decider(
    uow: UnitOfWork,
    *,
    actor_slack_id: str,
    challenge_id: int,
    email: str | None,
    now: datetime,
) -> DecisionCard:
    """A lead passes one challenged mark to an inspector, who gets the decision message; the
    leads may still decide it. Naming the same inspector again changes nothing."""
    with uow:
        session = uow.session
        challenge, lead, state = _for_lead(session, actor_slack_id, challenge_id, now)
        if challenge.status != rules.OPEN:
            return challenge_outcomes.decision_card(session, challenge, state)
        nominee = people_repo.find_by_email(session, email or "")
        if nominee is not None and not nominee.active:
            nominee = None
        inspection = session.get(Inspection, state.inspection_id)
        assert inspection is not None  # load_state found it
        lawyer = session.get(Person, challenge.raised_by)
        why = rules.nominee_problem(
            nominee.id if nominee is not None else None,
            nominee_is_inspector=nominee is not None and "inspector" in nominee.roles,
            marking_inspector_id=inspection.inspector_id,
            lawyer_id=challenge.raised_by,
            other_markers=inspections_repo.other_markers(session, inspection.id),
            nominee_place=rules.Place(nominee.area, nominee.unit) if nominee else None,
            lawyer_place=(
                rules.Place(lawyer.area, lawyer.unit, lawyer.manager_id) if lawyer else None
            ),
        )
        if why is not None or nominee is None:
            raise InvalidInput([refusals.cannot_decide(email or "(no email)", why or "")])
        if challenge.decider_id == nominee.id:
            return challenge_outcomes.decision_card(session, challenge, state)
        challenge.decider_id = nominee.id
        session.flush()
        outbox.enqueue(
            session,
            dedupe_key=f"challenge:{challenge.id}:decider:{nominee.id}",
            kind="challenge_decision",
            recipient_person_id=nominee.id,
            payload=challenge_outcomes.decision_payload(session, challenge, state, lead_view=False),
            now=now,
        )
        audit.record(
            session,
            actor=lead.email,
            action="challenge.decider_named",
            entity_type="feedback",
            entity_id=challenge.feedback_id,
            details={"challenge_id": challenge.id, "decider_id": nominee.id},
            now=now,
        )
        card = challenge_outcomes.decision_card(session, challenge, state)
        uow.commit()
        return card
