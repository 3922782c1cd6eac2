"""An inspection's life: its statuses, the moves between them, who may act on it, and when a
card the inspector clicked is out of date.

    queued ──assign──► assigned ──start──► in_progress ◄──resume/answer/edit── paused
       ▲                  │                    │   └──────────pause──────────────►┘
       └─────decline──────┘                    └──submit──► submitted (locked)

A sampled review waits in ``queued`` until an eligible inspector has room. The inspector may
decline it only before starting. Once started, it moves between ``in_progress`` and
``paused`` until it is submitted, after which nothing about it changes here (a challenge
amends a submitted inspection's marks, not its status). A calibration marking not submitted
when its exercise is reported is ``withdrawn`` (inspections.calibration.closes): closed for
good, no action moves it.
"""

from __future__ import annotations

from enum import Enum, StrEnum


class Status(StrEnum):
    """Stored as these strings (the database's check constraint lists the same)."""

    QUEUED = "queued"  # sampled, waiting for an eligible inspector
    ASSIGNED = "assigned"  # with an inspector, not started
    IN_PROGRESS = "in_progress"
    PAUSED = "paused"
    SUBMITTED = "submitted"  # locked: feedback sent, counted in trends
    WITHDRAWN = "withdrawn"  # closed unsubmitted: a calibration marking past its exercise


STATUSES: tuple[str, ...] = tuple(status.value for status in Status)


class Purpose(StrEnum):
    """Why an inspection exists. Only the primary inspection of a review gives the lawyer
    feedback, raises alerts and counts in trends; a blind second marking ("double") counts only
    for consistency between inspectors (inspections.agreement)."""

    PRIMARY = "primary"
    DOUBLE = "double"
    CALIBRATION = "calibration"  # one of several blind markings in a calibration exercise


PURPOSES: tuple[str, ...] = tuple(purpose.value for purpose in Purpose)
# With an inspector and not yet submitted: what a queue, a reminder or a card can act on.
OPEN: frozenset[Status] = frozenset({Status.ASSIGNED, Status.IN_PROGRESS, Status.PAUSED})


class Action(StrEnum):
    ASSIGN = "assign"
    DECLINE = "decline"
    START = "start"  # also resumes a paused inspection
    PAUSE = "pause"
    ANSWER = "answer"
    EDIT = "edit"
    BACK = "back"
    REVIEW = "review"
    SUBMIT = "submit"


# For each action: the statuses it may be taken from, and the status it leaves (None: as was).
MOVES: dict[Action, tuple[frozenset[Status], Status | None]] = {
    Action.ASSIGN: (frozenset({Status.QUEUED}), Status.ASSIGNED),
    Action.DECLINE: (frozenset({Status.ASSIGNED}), Status.QUEUED),
    Action.START: (OPEN, Status.IN_PROGRESS),
    Action.PAUSE: (OPEN, Status.PAUSED),
    Action.ANSWER: (OPEN, Status.IN_PROGRESS),
    Action.EDIT: (OPEN, Status.IN_PROGRESS),
    Action.BACK: (OPEN, None),
    Action.REVIEW: (OPEN, None),
    Action.SUBMIT: (OPEN, Status.SUBMITTED),
}


class NotAllowed(ValueError):
    def __init__(self, status: str, action: Action) -> None:
        super().__init__(f"an inspection that is {status} cannot {action}")
        self.status = status
        self.action = action


def allows(status: str, action: Action) -> bool:
    return status in MOVES[action][0]


def after(status: str, action: Action) -> Status:
    """The status ``action`` leaves; NotAllowed when it cannot be taken from ``status``."""
    allowed_from, leaves = MOVES[action]
    if status not in allowed_from:
        raise NotAllowed(status, action)
    return leaves if leaves is not None else Status(status)


def is_open(status: str) -> bool:
    return status in OPEN


class ActorProblem(Enum):
    NOT_IN_DIRECTORY = "not in the directory"
    NOT_THE_INSPECTOR = "not the assigned inspector"


def actor_problem(actor_id: int | None, inspector_id: int | None) -> ActorProblem | None:
    """Only the inspector the review is assigned to may act on its inspection."""
    if actor_id is None:
        return ActorProblem.NOT_IN_DIRECTORY
    if inspector_id != actor_id:
        return ActorProblem.NOT_THE_INSPECTOR
    return None


class CardProblem(Enum):
    LOCKED = "submitted"
    NOT_OPEN = "no longer with the inspector"
    OUT_OF_DATE = "an earlier version of the card"


def card_problem(status: str, *, clicked_version: int, current_version: int) -> CardProblem | None:
    """The stale-card rule. Every change to an inspection bumps its version, and each card
    carries the version it showed, so a double click, a retried delivery or an old message
    finds its card out of date and changes nothing."""
    if status == Status.SUBMITTED:
        return CardProblem.LOCKED
    if not is_open(status):
        return CardProblem.NOT_OPEN
    if clicked_version != current_version:
        return CardProblem.OUT_OF_DATE
    return None


def start_needs_current_card(status: str) -> bool:
    """Start on the assignment message (or a reminder, or the queue) works while the inspection
    is only assigned, whatever the card's version; once started, only an up-to-date card may
    resume it, so a second click on Start changes nothing."""
    return status != Status.ASSIGNED
