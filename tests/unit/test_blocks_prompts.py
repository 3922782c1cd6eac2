from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

import pytest
from support.questionnaire_builders import STANDARD_SCALE, YES_NO_SCALE, question
from test_blocks_support import (
    all_text,
    assert_valid_message,
    assert_valid_view,
    buttons,
    review,
)

from bot.slack.blocks import actions
from bot.slack.blocks.actions import ActionValue, Click, ModalContext, decode_metadata, read_click
from bot.slack.blocks.prompts import answer_modal, paused_card, question_card
from bot.slack.blocks.viewmodels import PausedCard, QuestionCard
from inspections.answers import Answer
from questionnaires.loader import default_questionnaire_path, load_questionnaire
from questionnaires.model import Question, QuestionKind

SHIPPED, _ = load_questionnaire(default_questionnaire_path())


def card(q: Question | None = None, **changes: Any) -> QuestionCard:
    """Question 4 of 19 on inspection 11, card version 5, with the question's own scale."""
    q = q or dataclasses.replace(question("q_meeting"), guidance="Look for the record.")
    scale = {STANDARD_SCALE.id: STANDARD_SCALE, YES_NO_SCALE.id: YES_NO_SCALE}.get(q.scale_id or "")
    fields: dict[str, Any] = {
        "inspection_id": 11,
        "card_version": 5,
        "review": review(),
        "section_title": "Meeting with the investigator",
        "position": 4,
        "total": 19,
        "question": q,
        "options": scale.options if scale else (),
    }
    return QuestionCard(**(fields | changes))


def answer_buttons(payload: dict[str, Any]) -> list[dict[str, Any]]:
    return [b for b in buttons(payload["blocks"]) if actions.ANSWER_ACTION.match(b["action_id"])]


def test_question_card_shows_where_the_question_is_then_the_question_in_bold() -> None:
    payload = question_card(card())
    assert_valid_message(payload)
    first, second = payload["blocks"][:2]
    assert first["elements"][0]["text"] == (
        "*42AB1234525* · Meeting with the investigator · Question 4 of 19"
    )
    assert second["text"]["text"] == "*Synthetic question q_meeting?*"
    assert "_Guidance:_ Look for the record." in all_text(payload["blocks"])


def test_each_option_is_a_button_labelled_exactly_with_the_scale_label() -> None:
    payload = question_card(card())
    found = answer_buttons(payload)
    assert [b["text"]["text"] for b in found] == [
        "Fully met",
        "Partially met",
        "Not met",
        "Not applicable",
    ]
    assert [read_click(b) for b in found] == [
        Click(actions.ANSWER, ActionValue(11, 5, "q_meeting", code))
        for code in ("fully_met", "partially_met", "not_met", "not_applicable")
    ]


def test_every_question_of_the_shipped_questionnaire_renders_with_its_scale_labels() -> None:
    for q in SHIPPED.questions:
        scale = SHIPPED.scale_for(q)
        options = scale.options if scale else ()
        payload = question_card(card(q, options=options))
        assert_valid_message(payload)
        assert [b["text"]["text"] for b in answer_buttons(payload)] == [o.label for o in options]


def test_the_card_offers_a_note_pause_and_review_but_back_only_when_possible() -> None:
    ids = [b["action_id"] for b in buttons(question_card(card())["blocks"])]
    assert ids[4:] == [actions.ANSWER_WITH_NOTE, actions.PAUSE, actions.REVIEW]
    ids = [b["action_id"] for b in buttons(question_card(card(can_go_back=True))["blocks"])]
    assert ids[4:] == [actions.ANSWER_WITH_NOTE, actions.BACK, actions.PAUSE, actions.REVIEW]


def test_going_back_shows_the_chosen_mark_as_primary_and_quotes_the_reason() -> None:
    current = Answer(
        "q_meeting", option_code="not_met", reason="No offer recorded.", comment="See notes."
    )
    payload = question_card(card(current_answer=current))
    assert_valid_message(payload)
    styles = {b["text"]["text"]: b.get("style") for b in answer_buttons(payload)}
    assert styles == {
        "Fully met": None,
        "Partially met": None,
        "Not met": "primary",
        "Not applicable": None,
    }
    text = all_text(payload["blocks"])
    assert "*Your answer*\nNot met\n_Reason:_\n>No offer recorded.\n_Comment:_\n>See notes." in text


def test_a_free_text_question_gets_a_write_button_instead_of_marks() -> None:
    payload = question_card(card(question("q_learning", kind=QuestionKind.FREE_TEXT)))
    assert_valid_message(payload)
    assert answer_buttons(payload) == []
    write = buttons(payload["blocks"])[0]
    assert write["text"]["text"] == "Write answer"
    assert read_click(write) == Click(actions.WRITE, ActionValue(11, 5, "q_learning"))


def test_a_critical_question_says_that_not_met_alerts_the_managers() -> None:
    payload = question_card(card(question("q_safety", critical=True)))
    assert "alerts the lawyer's managers" in all_text(payload["blocks"])


def test_long_question_guidance_and_answers_are_shortened_not_rejected() -> None:
    q = dataclasses.replace(question("q_long"), text="T" * 3000, guidance="G & " * 750)
    current = Answer("q_long", option_code="partially_met", reason="R" * 3000, comment="C" * 3000)
    payload = question_card(card(q, current_answer=current))
    assert_valid_message(payload)
    view = answer_modal(card(q, current_answer=current), channel="D01", ts="1.2")
    assert_valid_view(view)


def test_answer_modal_after_a_button_records_that_mark_and_asks_for_reason_and_comment() -> None:
    view = answer_modal(card(), channel="D01", ts="1.2", option_code="not_met")
    assert_valid_view(view)
    assert view["callback_id"] == actions.ANSWER_MODAL
    assert view["title"]["text"] == "Question 4 of 19"
    inputs = {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}
    assert list(inputs) == [actions.REASON_BLOCK, actions.COMMENT_BLOCK]
    assert inputs["reason"]["optional"] is True
    assert inputs["reason"]["label"]["text"] == "Reason (needed for Not met)"
    assert inputs["reason"]["element"]["multiline"] is True
    assert inputs["comment"]["optional"] is True
    assert "Your mark: *Not met*" in all_text(view["blocks"])
    assert decode_metadata(view["private_metadata"]) == ModalContext(
        11, 5, channel="D01", ts="1.2", question_id="q_meeting", option_code="not_met"
    )


def test_answer_modal_without_a_mark_offers_the_scale_and_prefills_the_current_answer() -> None:
    current = Answer("q_meeting", option_code="partially_met", reason="Partly.", comment="Ok.")
    view = answer_modal(card(current_answer=current), channel="D01", ts="1.2")
    assert_valid_view(view)
    inputs = {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}
    assert list(inputs) == ["option", "reason", "comment"]
    select = inputs["option"]["element"]
    assert [o["text"]["text"] for o in select["options"]] == [
        "Fully met",
        "Partially met",
        "Not met",
        "Not applicable",
    ]
    assert select["initial_option"]["value"] == "partially_met"
    assert inputs["reason"]["element"]["initial_value"] == "Partly."
    assert inputs["reason"]["hint"]["text"] == "Partially met and Not met need a reason."
    assert inputs["comment"]["element"]["initial_value"] == "Ok."


def test_free_text_modal_asks_for_the_answer_text() -> None:
    view = answer_modal(
        card(question("q_learning", kind=QuestionKind.FREE_TEXT)), channel="D01", ts="1.2"
    )
    assert_valid_view(view)
    inputs = {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}
    assert list(inputs) == ["text", "comment"]
    assert inputs["text"]["optional"] is False


def test_answer_modal_refuses_an_option_not_on_the_scale() -> None:
    with pytest.raises(ValueError, match="not an option"):
        answer_modal(card(), channel="D01", ts="1.2", option_code="yes")


def test_a_card_without_options_for_a_marked_question_is_a_bug() -> None:
    with pytest.raises(ValueError, match="options are needed"):
        card(options=())


def test_paused_card_offers_resume() -> None:
    payload = paused_card(PausedCard(11, 6, review(), position=4, total=19))
    assert_valid_message(payload)
    assert "at question 4 of 19" in all_text(payload["blocks"])
    (resume,) = buttons(payload["blocks"])
    assert read_click(resume) == Click(actions.RESUME, ActionValue(11, 6))


def test_the_referral_and_meeting_dates_from_intake_are_shown_with_the_working_days() -> None:
    dated = review(
        referred_at=datetime(2026, 11, 10, 9, 0, tzinfo=UTC),
        meeting_held_at=datetime(2026, 11, 12, 14, 0, tzinfo=UTC),
        working_days_to_complete=5,
    )

    text = all_text(question_card(card(review=dated))["blocks"])

    assert (
        "Referred Tue 10 Nov 2026, 09:00 · meeting held Thu 12 Nov 2026, 14:00 · review "
        "completed Tue 17 Nov 2026, 10:00 (5 working days after the referral)"
    ) in text
    assert "Referred" not in all_text(question_card(card())["blocks"])  # intake said nothing
