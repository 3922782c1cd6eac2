"""Changing, commenting on and protecting answers, through the real app, signed requests and the
Slack stand-in: edits from the summary, the locked card after submit, the optional comment, a
resubmitted modal, and a click from someone outside the directory."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from support.inspection_support import (
    button_texts,
    count_rows,
    first_question_button_value,
    start,
    stored_inspection,
)
from support.slack_world import STRANGER, Assigned, RunningBot

from bot import refusals
from bot.offline.driver import SlackDriver
from bot.offline.standin import Message, SlackStandIn
from bot.slack.blocks.prompts import NOTE_LABEL
from storage.models import Answer, AnswerRevision, AuditEvent

EDITED = "suspect_focused_strategy"  # weight 1 of the 23 scored in a charging review


def _answers(bot: RunningBot, inspection_id: int) -> dict[str, tuple[str | None, str | None]]:
    """Every stored answer: question id -> (option code, comment)."""
    with bot.uow() as uow:
        rows = uow.session.scalars(select(Answer).where(Answer.inspection_id == inspection_id))
        return {row.question_id: (row.option_code, row.comment) for row in rows}


def _revisions(bot: RunningBot, inspection_id: int, question_id: str) -> list[tuple[int, str]]:
    with bot.uow() as uow:
        rows = uow.session.execute(
            select(AnswerRevision.revision, AnswerRevision.option_code)
            .where(
                AnswerRevision.inspection_id == inspection_id,
                AnswerRevision.question_id == question_id,
            )
            .order_by(AnswerRevision.id)
        )
        return [(revision, str(code)) for revision, code in rows]


def _summary_row(summary: Message, question_id: str) -> str:
    """The text of the summary's line for a question (the section holding its Edit button)."""
    block = next(
        b
        for b in summary.blocks
        if (b.get("accessory") or {}).get("action_id") == f"inspection.edit:{question_id}"
    )
    return str(block["text"]["text"])


def _section_texts(message: Message) -> list[str]:
    return [str(b["text"]["text"]) for b in message.blocks if b["type"] == "section"]


def _overall(summary: Message) -> str:
    scores = next(b for b in summary.blocks if "Overall score" in str(b.get("text")))
    lines = str(scores["text"]["text"]).splitlines()
    return next(line for line in lines if line.startswith("*Overall score"))


def _dm_as_it_stands(standin: SlackStandIn, user: str) -> list[tuple[str, int, str]]:
    return [(m.ts, m.edits, m.text) for m in standin.messages_to(user)]


def test_an_answer_edited_from_the_summary_returns_to_the_summary_rescored(
    bot: RunningBot, assigned: Assigned, driver: SlackDriver, standin: SlackStandIn
) -> None:
    talk = start(assigned, driver, standin)
    talk.answer_all_passing()
    summary = talk.card()
    assert _overall(summary) == "*Overall score: 100.0%*"
    assert "Fully met" in _summary_row(summary, EDITED)

    talk.click(summary, action_id=f"inspection.edit:{EDITED}")
    assert talk.question_id() == EDITED
    assert "*Your answer*\nFully met" in _section_texts(talk.card())
    modal = talk.open_modal(text="Partially met")  # Partially met needs a reason
    talk.submit(modal, {"reason": {"value": "The strategy looks at the victim first."}})

    summary = talk.card()
    assert "Check your answers" in summary.text
    row = _summary_row(summary, EDITED)
    assert "Partially met" in row and "The strategy looks at the victim first." in row
    assert _overall(summary) == "*Overall score: 97.8%*"  # (23 - 0.5) / 23
    assert "Submit" in button_texts(summary)
    assert _revisions(bot, assigned.inspection_id, EDITED) == [
        (1, "fully_met"),
        (2, "partially_met"),
    ]
    with bot.uow() as uow:
        edits = uow.session.scalars(
            select(AuditEvent.details).where(AuditEvent.action == "inspection.edit")
        ).all()
    assert edits == [{"question_id": EDITED}]


def test_after_submit_an_old_cards_buttons_change_nothing_and_say_it_is_locked(
    bot: RunningBot, assigned: Assigned, driver: SlackDriver, standin: SlackStandIn
) -> None:
    talk = start(assigned, driver, standin)
    talk.answer("No")
    old_question = talk.card()  # a question card, about to be answered and replaced
    talk.answer_all_passing()
    old_summary = talk.card()
    talk.click(old_summary, text="Submit")
    submitted = stored_inspection(bot, assigned.inspection_id)
    assert submitted.status == "submitted"
    answers, revisions = (
        _answers(bot, assigned.inspection_id),
        count_rows(bot, AnswerRevision, assigned.inspection_id),
    )
    dm = _dm_as_it_stands(standin, talk.user)
    modals = len(standin.views_opened)

    clicks = [
        driver.click(talk.user, old_question, text="Not met"),
        driver.click(talk.user, old_question, text="Back"),
        driver.click(talk.user, old_summary, action_id=f"inspection.edit:{EDITED}"),
    ]

    assert [c.status for c in clicks] == [200, 200, 200]
    standin.wait_for(lambda: len(standin.ephemerals_to(talk.user)) >= 3)
    texts = [m.text for m in standin.ephemerals_to(talk.user)]
    assert texts == ["This inspection has been submitted and is now locked."] * 3
    assert len(standin.views_opened) == modals  # Not met did not open its reason modal
    after = stored_inspection(bot, assigned.inspection_id)
    assert (after.status, after.score, after.lock_version) == (
        "submitted",
        submitted.score,
        submitted.lock_version,
    )
    assert _answers(bot, assigned.inspection_id) == answers
    assert count_rows(bot, AnswerRevision, assigned.inspection_id) == revisions
    assert _dm_as_it_stands(standin, talk.user) == dm


def test_a_mark_with_an_optional_comment_is_stored_and_the_next_question_follows(
    bot: RunningBot, assigned: Assigned, driver: SlackDriver, standin: SlackStandIn
) -> None:
    talk = start(assigned, driver, standin)
    talk.answer("No")
    question = talk.question_id()
    modal = talk.open_modal(text=NOTE_LABEL)
    inputs = {b.get("block_id") for b in modal.blocks if b["type"] == "input"}
    assert inputs == {"option", "reason", "comment"}

    talk.submit(
        modal,
        {"option": {"value": "fully_met"}, "comment": {"value": "A model meeting record."}},
    )

    assert talk.question_id() != question
    assert "Question 3 of" in str(talk.card().blocks)
    with bot.uow() as uow:
        stored = uow.session.scalars(
            select(Answer).where(
                Answer.inspection_id == assigned.inspection_id, Answer.question_id == question
            )
        ).one()
        assert (stored.option_code, stored.reason, stored.comment) == (
            "fully_met",
            None,
            "A model meeting record.",
        )
    assert _revisions(bot, assigned.inspection_id, question) == [(1, "fully_met")]


def test_a_resubmitted_answer_modal_stores_one_answer_and_one_revision(
    bot: RunningBot, assigned: Assigned, driver: SlackDriver, standin: SlackStandIn
) -> None:
    talk = start(assigned, driver, standin)
    talk.answer("No")
    question = talk.question_id()
    modal = talk.open_modal(text="Not met")
    first = talk.submit(modal, {"reason": {"value": "No meeting offer on file."}})
    moved_on = talk.question_id()

    again = driver.resend(first.sent, retry_num=1, retry_reason="http_timeout")

    assert again.status == 200
    # The retry is refused as a stale card: a short note, nothing changed.
    standin.wait_for(lambda: standin.ephemerals_to(talk.user))
    assert "nothing was changed" in standin.ephemerals_to(talk.user)[0].text
    assert _answers(bot, assigned.inspection_id)[question] == ("not_met", None)
    assert _revisions(bot, assigned.inspection_id, question) == [(1, "not_met")]
    assert count_rows(bot, Answer, assigned.inspection_id) == 2  # the gate and this one
    assert count_rows(bot, AnswerRevision, assigned.inspection_id) == 2
    assert talk.question_id() == moved_on


def test_someone_outside_the_directory_cannot_mark_and_is_refused_politely(
    bot: RunningBot, assigned: Assigned, driver: SlackDriver, standin: SlackStandIn
) -> None:
    talk = start(assigned, driver, standin)
    talk.answer("No")
    card = talk.card()
    value: dict[str, Any] = first_question_button_value(card)
    dm = _dm_as_it_stands(standin, talk.user)
    version = stored_inspection(bot, assigned.inspection_id).lock_version

    response = driver.click(STRANGER, card, text="Fully met")

    assert response.status == 200
    standin.wait_for(lambda: standin.ephemerals_to(STRANGER))
    assert [m.text for m in standin.ephemerals_to(STRANGER)] == [refusals.NOT_IN_DIRECTORY]
    assert standin.ephemerals_to(talk.user) == []
    assert _answers(bot, assigned.inspection_id) == {"pcd_ea_meeting_held": ("no", None)}
    assert count_rows(bot, AnswerRevision, assigned.inspection_id) == 1
    after = stored_inspection(bot, assigned.inspection_id)
    assert (after.status, after.lock_version) == ("in_progress", version)
    assert _dm_as_it_stands(standin, talk.user) == dm
    with bot.uow() as uow:
        refused = uow.session.execute(
            select(
                AuditEvent.actor, AuditEvent.action, AuditEvent.entity_id, AuditEvent.details
            ).where(AuditEvent.action.like("refused:%"))
        ).all()
    assert [tuple(r) for r in refused] == [
        (STRANGER, "refused:answer", str(value["i"]), {"reason": "unknown user"})
    ]
    # The inspector's own click on the same card still works: the refusal left it current.
    talk.answer("Fully met")
    assert _answers(bot, assigned.inspection_id)[value["q"]] == ("fully_met", None)
