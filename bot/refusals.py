"""Every refusal and error sentence a Slack user can see, and the one type that carries them.

Gathered in one place (as bolt-python gathers its error strings) so the wording stays
consistent and polite, and a test can refer to the exact sentence. A service raises
``Refused`` (after auditing the refusal where it must be audited); a listener shows
``str(refusal)`` to the person who acted. Nothing was changed by a refused request.
"""

from __future__ import annotations

from datetime import date

from bot.slack.mrkdwn import escape
from inspections.lifecycle import ActorProblem, CardProblem


class Refused(Exception):
    """A polite refusal the user sees; nothing was changed."""


class NotInDirectory(Refused):
    """The Slack user is not an active person of the directory."""

    def __init__(self, slack_user_id: str) -> None:
        super().__init__(NOT_IN_DIRECTORY)
        self.slack_user_id = slack_user_id


class InvalidInput(Refused):
    """What was typed into a modal is not valid; each problem is shown under its input."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


NOT_IN_DIRECTORY = (
    "Sorry, you are not in the dipsample directory, so I can't help with that. "
    "If you think you should be, please ask your inspection lead to add you."
)
NOT_IN_DIRECTORY_HOME = (
    "dipsample helps the casework inspection programme, and only people in its directory "
    "can use it. You are not in the directory yet: if you think you should be, please ask "
    "your inspection lead to add you."
)
NOT_YOUR_INSPECTION = "Sorry, only the inspector assigned to this review can do that."
NOTHING_TO_DECLINE = "This inspection is no longer waiting for you, so there is nothing to decline."
DECLINE_NEEDS_REASON = "Please say why you are declining."
ALREADY_DECLINED = "You have already declined this inspection; nothing more to do."
CHANGED_MEANWHILE = (
    "This inspection changed at the same moment; nothing was changed. Please try again."
)
UNREADABLE = "Sorry, I couldn't read that request; nothing was changed."
QUEUE_SENT_TO_DM = "Your open inspections are in our direct messages (case details stay there)."


def unknown_subcommand(subcommand: str) -> str:
    return f"I don't know `/dip {escape(subcommand)}`. Here is what I can do:"


AWAY_USAGE = (
    "Usage: `/dip away FROM TO [reason]`, with dates as YYYY-MM-DD, "
    "for example `/dip away 2026-12-21 2027-01-04 annual leave`."
)


def away_bad_date(value: str) -> str:
    return f"`{escape(value)}` is not a date I can read. {AWAY_USAGE}"


def away_rejected(problem: str) -> str:
    return f"Sorry, I couldn't record that: {escape(problem)}. Nothing was recorded."


# A click or form that cannot be from a card as we rendered it (bot.slack.blocks).
NO_ACTION_ID = "The action has no id."
EDIT_NEEDS_QUESTION = "An edit needs a question and nothing else."
NO_INPUT_VALUES = "The submission has no input values."
MARK_NOT_OFFERED = "The chosen mark is not one we offered."
NO_READABLE_VALUE = "The action carries no value we can read."
VALUE_NOT_JSON = "The action's value is not valid JSON."
VALUE_WITHOUT_FIELDS = "The action's value does not have the expected fields."
BUTTON_WITHOUT_TARGET = "The button does not carry what this action needs."
NO_SUCH_INTERVENTION = "That alert is not in my records; nothing was changed."
FORM_NOT_OURS = "The form's details are not ones we wrote."
UNKNOWN_DECISION = "The form asks for an unknown decision."
CHOICE_NOT_OFFERED = "The form holds a choice we did not offer."
VALUE_NOT_OURS = "The action's value is not one we wrote."


def value_not_for(action_id: str) -> str:
    return f"The value does not belong to action {action_id!r}."


def card_out_of_date(clicked: int, now: int) -> str:
    return f"This card is out of date (version {clicked}, now {now})."


# The inspector's conversation (bot.services.inspection) and declining it.
ACTOR_PROBLEMS = {
    ActorProblem.NOT_IN_DIRECTORY: NOT_IN_DIRECTORY,
    ActorProblem.NOT_THE_INSPECTOR: NOT_YOUR_INSPECTION,
}
CARD_PROBLEMS = {
    CardProblem.LOCKED: "This inspection has been submitted and is now locked.",
    CardProblem.NOT_OPEN: "This inspection is no longer assigned to you.",
    CardProblem.OUT_OF_DATE: (
        "That button is from an earlier version of this card; nothing was changed."
    ),
}
NOT_THE_CURRENT_QUESTION = "That question is not the one on the card any more; nothing was changed."
FIRST_QUESTION = "This is the first question; there is nothing before it."
NO_LONGER_APPLIES = "That question no longer applies, given the answers so far."
UNANSWERED = "Some questions are still unanswered; answer them before submitting."
# {why}: the overall mark's disagreement with the marks (inspections.overall).
OVERALL_UNCONFIRMED = (
    "{why} Change the overall mark, or give your reason with it (Back to the overall mark, "
    "then Mark with a reason), before submitting."
)
NOT_IN_INSPECTION = "That question is not part of this inspection; nothing was changed."
NOT_ASSIGNED_TO_YOU = "This inspection is not assigned to you."
ALREADY_STARTED = (
    "You have already started this inspection, so it can no longer be declined. "
    "Please contact the inspection lead."
)

# Feedback and challenges (bot.services.feedback).
NOT_YOUR_FEEDBACK = "Sorry, only the lawyer this feedback is for can do that."
FEEDBACK_NOT_VISIBLE = "Sorry, this feedback is not one you can see."
ALREADY_CHALLENGED = "You have already challenged this feedback; the inspection lead will reply."
NOT_YOUR_CHALLENGES = (
    "Sorry, only an inspection lead, or the inspector a lead named, can decide this challenge."
)
YOU_MARKED_IT_TOO = (
    "Sorry, you hold another marking of this review, so its challenge is decided by another "
    "inspection lead or an inspector a lead names."
)
YOU_GAVE_THE_MARK = (
    "Sorry, you gave this mark, so its challenge is decided by an inspection lead; use "
    "Add a comment on the challenge message to say what they should know."
)
NOT_YOUR_MARKS = "Sorry, only the inspector who gave these marks can comment on their challenge."
ONLY_A_LEAD_NAMES = "Sorry, only an inspection lead can pass a challenge to an inspector."
ALREADY_COMMENTED = "You have already commented on this challenge; nothing was changed."


def cannot_decide(email: str, why: str) -> str:
    return f"{email} {why}."


# Trends and the RJOIM list (bot.services.trends.requests).
TRENDS_USAGE = (
    "Usage: `/dip trends [me|team|unit|area|national|AREA] [PERIOD] [ea|pcd]`, for example "
    "`/dip trends`, `/dip trends team last-quarter pcd` or `/dip trends London North 2026-Q1`. "
    "A period is `month`, `last-month`, `quarter` (the default), `last-quarter`, `2026-03`, "
    "`2026-Q1` or `2026-01-01..2026-02-15`."
)
DEVELOPMENT_USAGE = (
    "Usage: `/dip development [LAWYER]`, where LAWYER is `me` (the default) or a lawyer's email "
    "address, for example `/dip development lee.lawyer@cps.example`."
)
DEVELOPMENT_BEYOND = (
    "Sorry, you can see the development record of yourself and of the lawyers you manage "
    "(or, as an Area lead, of your Area's lawyers) only."
)


def not_a_lawyer(words: str) -> str:
    if words.strip() in ("", "me"):
        return (
            "You are not a lawyer in the directory, so you have no development record of your "
            f"own; name a lawyer you manage. {DEVELOPMENT_USAGE}"
        )
    return f"`{escape(words)}` is not a lawyer in the directory. {DEVELOPMENT_USAGE}"


APR_USAGE = (
    "Usage: `/dip apr [AREA] [QUARTER]`, for example `/dip apr` (your Area, last quarter) or "
    "`/dip apr Wessex 2026-Q1`. A quarter is `quarter`, `last-quarter` (the default) or "
    "`2026-Q1`."
)

RJOIM_USAGE = (
    "Usage: `/dip rjoim [AREA] [FORCE CODE] [PERIOD]`, for example `/dip rjoim` or "
    "`/dip rjoim London North 01 last-quarter`."
)


def not_a_scope(words: str) -> str:
    return f"`{words}` is not a scope I know. {TRENDS_USAGE}"


def neither_scope_nor_area(words: str) -> str:
    return f"`{words}` is neither a scope nor a CPS Area I know. {TRENDS_USAGE}"


def not_an_area(words: str, usage: str = RJOIM_USAGE) -> str:
    return f"`{words}` is not a CPS Area I know. {usage}"


# Absences (bot.services.people.directory), shown after "Sorry, I couldn't record that:".
def absence_not_in_directory(email: str) -> str:
    return f"{email} is not in the people directory"


def absence_ends_before_it_starts(starts: str, ends: str) -> str:
    return f"the absence ends ({ends}) before it starts ({starts})"


def absence_over(ended: str) -> str:
    return f"the absence ended on {ended}, before today"


ABSENCE_TOO_LONG = "an absence can be at most a year long; record longer ones in parts"
CALIBRATION_NOT_FOR_YOU = (
    "Sorry, the calibration report is for the inspection leads and the inspectors only."
)
CALIBRATION_USAGE = (
    "Usage: `/dip calibration [PERIOD]`, for example `/dip calibration` (this quarter) or "
    "`/dip calibration 2026-Q1`. A period is `month`, `last-month`, `quarter`, `last-quarter`, "
    "`2026-03`, `2026-Q1` or `2026-01-01..2026-02-15`."
)
ONLY_A_LEAD_SETS_REFERENCES = "Sorry, only an inspection lead can set a reference mark."
CALIBRATION_NOT_REPORTED = "That calibration exercise has no results yet; nothing was changed."


def reference_set(told: int) -> str:
    return f"Reference mark set; {told} inspector{'' if told == 1 else 's'} told."


ONLY_A_LEAD_CALIBRATES = "Sorry, only an inspection lead can start a calibration exercise."
CALIBRATION_DUE_PASSED = "The due date has passed; give a date from tomorrow on."
CALIBRATE_USAGE = (
    "Usage: `/dip calibrate URN ea|pcd [EMAIL,EMAIL,…] [DUE YYYY-MM-DD]`, for example "
    "`/dip calibrate 42AB1234525 pcd` (every independent inspector who has not marked it)."
)


def no_such_review(urn: str, review_type: str) -> str:
    return f"There is no {review_type.replace('_', ' ')} review of {urn} in my records."


CHALLENGE_DECIDED = "You have already decided this challenge; nothing was changed."
TYPED_MESSAGE = (
    "I don't read typed messages. Use the buttons on your cards or the Home tab, "
    "or type `/dip help` to see what I can do."
)

NOT_AN_RJOIM_LEAD = (
    "Sorry, the RJOIM record is kept by each Area's RASSO Unit Head or Chief Crown Prosecutor "
    "and by the national inspection lead, so I can't let you do that."
)
NO_SUCH_RJOIM_MEETING = "Sorry, I can't find that RJOIM meeting in the Areas whose record you keep."
NO_SUCH_RJOIM_ACTION = (
    "Sorry, that action is not open for this meeting's force; nothing was changed."
)
RJOIM_RECORDS_ON_THEIR_WAY = "The meeting's records are on their way to our direct messages."
RJOIM_NO_OPEN_ACTIONS = (
    "No action agreed at an earlier meeting with this force is open, so there is no impact "
    "to record."
)
RJOIM_OWNER_NOT_IN_DIRECTORY = (
    "The owner you chose is not in the dipsample directory: choose someone who is, or for a "
    "police action name the police officer who owns it."
)


def rjoim_other_area(area: str) -> str:
    return f"Sorry, you keep the RJOIM record for {escape(area)} only, so I can't let you do that."


def rjoim_meeting_exists(force_code: str, held_on: date) -> str:
    return (
        f"The meeting with force {force_code} on {held_on.isoformat()} is already recorded: "
        "add its issues, actions and impact from the RJOIM panel on the Home tab."
    )
