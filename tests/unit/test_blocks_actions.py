from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.slack.blocks import actions
from bot.slack.blocks.actions import (
    ActionValue,
    Click,
    ModalContext,
    ModalSubmission,
    StaleOrMalformedAction,
    decode_metadata,
    decode_value,
    encode_metadata,
    encode_value,
    ensure_current,
    modal_errors,
    read_click,
    read_submission,
)

codes = st.from_regex(r"[a-z][a-z0-9_]{0,30}", fullmatch=True)
values = st.builds(
    ActionValue,
    inspection_id=st.integers(min_value=1, max_value=10**12),
    card_version=st.integers(min_value=0, max_value=10**6),
    question_id=st.none() | codes,
    option_code=st.none(),
) | st.builds(
    ActionValue,
    inspection_id=st.integers(min_value=1, max_value=10**12),
    card_version=st.integers(min_value=0, max_value=10**6),
    question_id=codes,
    option_code=codes,
)


@given(values)
def test_a_value_survives_encoding_and_decoding(value: ActionValue) -> None:
    assert decode_value(encode_value(value)) == value


def test_values_are_compact_json() -> None:
    encoded = encode_value(ActionValue(7, 3, "q_meeting", "not_met"))
    assert encoded == '{"i":7,"v":3,"q":"q_meeting","o":"not_met"}'


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "not json",
        "[7, 3]",
        '{"i": 7}',
        '{"i": "7", "v": 3}',
        '{"i": 7, "v": -1}',
        '{"i": 0, "v": 1}',
        '{"i": true, "v": 1}',
        '{"i": 7, "v": 1.5}',
        '{"i": 7, "v": 3, "x": 1}',
        '{"i": 7, "v": 3, "q": "Not An Id"}',
        '{"i": 7, "v": 3, "o": "not_met"}',
        '{"i": 7, "v": 3, "q": "' + "q" * 200 + '"}',
    ],
)
def test_a_tampered_or_malformed_value_is_refused(raw: str | None) -> None:
    with pytest.raises(StaleOrMalformedAction):
        decode_value(raw)


def test_stale_or_malformed_is_a_value_error() -> None:
    assert issubclass(StaleOrMalformedAction, ValueError)


def test_encoding_a_bad_value_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="inspection id"):
        encode_value(ActionValue(0, 1))


def _button(action_id: str, value: ActionValue) -> dict[str, object]:
    return {"type": "button", "action_id": action_id, "value": encode_value(value)}


def test_an_answer_click_reads_back_its_question_and_option() -> None:
    value = ActionValue(7, 3, "q1", "not_met")
    click = read_click(_button(actions.answer_action_id("not_met"), value))
    assert click == Click(actions.ANSWER, value)


def test_an_answer_click_whose_value_disagrees_with_its_action_id_is_refused() -> None:
    value = ActionValue(7, 3, "q1", "fully_met")
    with pytest.raises(StaleOrMalformedAction):
        read_click(_button(actions.answer_action_id("not_met"), value))


def test_listeners_match_answer_and_edit_action_ids_by_pattern() -> None:
    assert actions.ANSWER_ACTION.match(actions.answer_action_id("fully_met"))
    assert not actions.ANSWER_ACTION.match(actions.ANSWER_WITH_NOTE)
    assert actions.EDIT_ACTION.match(actions.edit_action_id("q1"))
    assert actions.EDIT_ACTION.match(actions.EDIT_MENU)


def test_an_edit_button_and_an_edit_menu_choice_read_the_same() -> None:
    value = ActionValue(7, 3, "q1")
    menu = {
        "type": "overflow",
        "action_id": actions.EDIT_MENU,
        "selected_option": {
            "text": {"type": "plain_text", "text": "Edit"},
            "value": encode_value(value),
        },
    }
    assert read_click(_button(actions.edit_action_id("q1"), value)) == Click(actions.EDIT, value)
    assert read_click(menu) == Click(actions.EDIT, value)


@pytest.mark.parametrize(
    "action_id",
    [actions.START, actions.DECLINE, actions.PAUSE, actions.RESUME, actions.REVIEW, actions.SUBMIT],
)
def test_card_level_clicks_read_back(action_id: str) -> None:
    value = ActionValue(7, 3)
    assert read_click(_button(action_id, value)) == Click(action_id, value)


def test_an_unknown_action_id_is_refused() -> None:
    with pytest.raises(StaleOrMalformedAction):
        read_click(_button("inspection.delete", ActionValue(7, 3)))


def test_modal_metadata_survives_encoding_and_decoding() -> None:
    context = ModalContext(7, 3, channel="D0123", ts="1764000000.000100", question_id="q1")
    encoded = encode_metadata(context)
    assert json.loads(encoded) == {
        "i": 7,
        "v": 3,
        "channel": "D0123",
        "ts": "1764000000.000100",
        "q": "q1",
    }
    assert decode_metadata(encoded) == context


@pytest.mark.parametrize(
    "raw",
    [
        '{"i": 7, "v": 3}',
        '{"i": 7, "v": 3, "channel": "", "ts": "1.2"}',
        '{"i": 7, "v": 3, "channel": "D1", "ts": 1.2}',
        "x" * 3001,
    ],
)
def test_malformed_modal_metadata_is_refused(raw: str) -> None:
    with pytest.raises(StaleOrMalformedAction):
        decode_metadata(raw)


def _view(values: dict[str, dict[str, object]]) -> dict[str, object]:
    return {"state": {"values": {block: {"value": v} for block, v in values.items()}}}


def test_a_submission_reads_the_mark_reason_and_comment_and_blank_reads_as_none() -> None:
    view = _view(
        {
            "option": {"type": "static_select", "selected_option": {"value": "not_met"}},
            "reason": {"type": "plain_text_input", "value": "  Missed the meeting.  "},
            "comment": {"type": "plain_text_input", "value": "   "},
        }
    )
    assert read_submission(view) == ModalSubmission(
        option_code="not_met", reason="Missed the meeting."
    )


def test_a_submission_with_an_empty_reason_reads_as_no_reason() -> None:
    view = _view({"reason": {"type": "plain_text_input", "value": None}})
    assert read_submission(view) == ModalSubmission()


def test_a_submission_with_a_forged_option_is_refused() -> None:
    view = _view({"option": {"type": "static_select", "selected_option": {"value": "<script>"}}})
    with pytest.raises(StaleOrMalformedAction):
        read_submission(view)


def test_modal_errors_builds_the_inline_error_acknowledgement() -> None:
    assert modal_errors({"reason": "Not met needs a written reason."}) == {
        "response_action": "errors",
        "errors": {"reason": "Not met needs a written reason."},
    }


def test_a_click_from_the_current_card_passes_and_one_from_an_older_card_is_stale() -> None:
    ensure_current(ActionValue(7, 3), card_version=3)
    with pytest.raises(StaleOrMalformedAction, match="out of date"):
        ensure_current(ActionValue(7, 2), card_version=3)
    with pytest.raises(StaleOrMalformedAction, match="out of date"):
        ensure_current(ModalContext(7, 2, channel="D1", ts="1.2"), card_version=3)
