"""The inspection's lifecycle: statuses, moves, who may act and the stale-card rule."""

from __future__ import annotations

import pytest

from inspections.lifecycle import (
    MOVES,
    OPEN,
    STATUSES,
    Action,
    ActorProblem,
    CardProblem,
    NotAllowed,
    Status,
    actor_problem,
    after,
    allows,
    card_problem,
    is_open,
    start_needs_current_card,
)

EVERY_ACTION = list(Action)


def test_statuses_are_the_stored_strings_in_lifecycle_order() -> None:
    assert STATUSES == ("queued", "assigned", "in_progress", "paused", "submitted", "withdrawn")
    assert Status("in_progress") is Status.IN_PROGRESS
    assert Status.SUBMITTED == "submitted"  # compares equal to what the database returns


def test_open_means_with_an_inspector_and_not_submitted() -> None:
    open_statuses = [Status.ASSIGNED, Status.IN_PROGRESS, Status.PAUSED]
    assert set(open_statuses) == OPEN
    assert [s for s in Status if is_open(s)] == open_statuses
    assert not is_open("queued") and not is_open("submitted")


def test_every_action_has_a_move() -> None:
    assert set(MOVES) == set(Action)


@pytest.mark.parametrize(
    ("status", "action", "leaves"),
    [
        ("queued", Action.ASSIGN, Status.ASSIGNED),
        ("assigned", Action.DECLINE, Status.QUEUED),
        ("assigned", Action.START, Status.IN_PROGRESS),
        ("paused", Action.START, Status.IN_PROGRESS),  # resuming
        ("in_progress", Action.PAUSE, Status.PAUSED),
        ("assigned", Action.PAUSE, Status.PAUSED),
        ("paused", Action.ANSWER, Status.IN_PROGRESS),
        ("paused", Action.EDIT, Status.IN_PROGRESS),
        ("paused", Action.BACK, Status.PAUSED),  # going back leaves the status as it was
        ("in_progress", Action.REVIEW, Status.IN_PROGRESS),
        ("in_progress", Action.SUBMIT, Status.SUBMITTED),
    ],
)
def test_each_allowed_move_leaves_its_status(status: str, action: Action, leaves: Status) -> None:
    assert allows(status, action)
    assert after(status, action) is leaves


@pytest.mark.parametrize("action", EVERY_ACTION)
def test_nothing_moves_a_submitted_inspection(action: Action) -> None:
    assert not allows("submitted", action)
    with pytest.raises(NotAllowed, match="an inspection that is submitted cannot"):
        after("submitted", action)


@pytest.mark.parametrize("action", EVERY_ACTION)
def test_nothing_moves_a_withdrawn_inspection_and_its_card_is_refused(action: Action) -> None:
    assert not allows("withdrawn", action)
    with pytest.raises(NotAllowed, match="an inspection that is withdrawn cannot"):
        after("withdrawn", action)
    assert card_problem("withdrawn", clicked_version=3, current_version=3) is CardProblem.NOT_OPEN


def test_only_a_queued_inspection_is_assigned_and_only_an_unstarted_one_declined() -> None:
    assert [s for s in Status if allows(s, Action.ASSIGN)] == [Status.QUEUED]
    assert [s for s in Status if allows(s, Action.DECLINE)] == [Status.ASSIGNED]
    with pytest.raises(NotAllowed):
        after("in_progress", Action.DECLINE)


@pytest.mark.parametrize("action", [a for a in Action if a not in (Action.ASSIGN,)])
def test_a_queued_inspection_has_no_inspector_to_act_on_it(action: Action) -> None:
    assert not allows("queued", action)


def test_only_the_assigned_inspector_may_act() -> None:
    assert actor_problem(7, 7) is None
    assert actor_problem(8, 7) is ActorProblem.NOT_THE_INSPECTOR
    assert actor_problem(8, None) is ActorProblem.NOT_THE_INSPECTOR  # queued: nobody's
    assert actor_problem(None, 7) is ActorProblem.NOT_IN_DIRECTORY


def test_a_current_card_of_an_open_inspection_is_not_stale() -> None:
    assert card_problem("in_progress", clicked_version=4, current_version=4) is None


def test_a_card_from_an_earlier_version_is_stale() -> None:
    assert (
        card_problem("in_progress", clicked_version=3, current_version=4) is CardProblem.OUT_OF_DATE
    )


def test_a_submitted_inspection_is_locked_whatever_the_version() -> None:
    assert card_problem("submitted", clicked_version=4, current_version=4) is CardProblem.LOCKED


def test_a_card_of_an_inspection_back_in_the_queue_is_no_longer_the_inspectors() -> None:
    assert card_problem("queued", clicked_version=4, current_version=4) is CardProblem.NOT_OPEN


def test_start_works_from_any_card_until_started_then_only_from_the_current_one() -> None:
    assert not start_needs_current_card("assigned")
    assert start_needs_current_card("in_progress")
    assert start_needs_current_card("paused")
