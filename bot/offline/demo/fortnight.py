"""The demo's script: a fortnight of the programme, Monday 23 March to Good Friday 3 April 2026,
played against the real bot with the clock moved by hand.

Each day: the periodic jobs run at 09:00 (reminders, escalations, the weekly digest, the
quarterly pack, the outbox); reviews arrive through the intake endpoint and are sampled and
assigned at once; inspectors work through what was assigned to them on earlier days at 11:00
and 15:00, clicking the real buttons; lawyers read and acknowledge their feedback at 16:30.
Woven in: one critical failure (alerted before submit), one decline, one inspection paused past
its due time (reminder, then escalation), one challenged mark, and managers asking for trends,
the APR pack, a lawyer's development record and the RJOIM list; a Unit Head records an RJOIM
and the action's owner is reminded the working day before it is due. Every step checks what
Slack received and stops the demo if it is wrong.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from bot.offline.demo import cast, rjoim
from bot.offline.demo.arrivals import Arrival, arrivals
from bot.offline.demo.players import DemoStepFailed, Inspector, Player, button_labels, check
from bot.offline.demo.transcript import Transcript
from bot.offline.demo.world import World
from bot.offline.standin import Message
from inspections.bank_holidays import england_and_wales_bank_holidays
from questionnaires.loader import default_questionnaire_path, load_questionnaire

FIRST_DAY = date(2026, 3, 23)
LAST_DAY = date(2026, 4, 3)
WORK_SESSIONS = (time(11, 0), time(15, 0))
PER_SESSION = 3  # inspections one inspector finishes in a sitting
CRITICAL_DAY = date(2026, 3, 25)  # the first inspection Iris starts this day has a critical Not met
DECLINE_DAY = date(2026, 3, 26)  # Isla declines the first assignment she looks at this day
PAUSE_DAY = date(2026, 3, 24)  # Ivan pauses his first inspection this day ...
RESUME_DAY = date(2026, 3, 27)  # ... and finishes it only after it was escalated
CHALLENGE_DAY = date(2026, 3, 26)  # the first lawyer with a Partially met mark this day objects
TRENDS_DAY = date(2026, 4, 1)
SCHEDULED = (
    "Reminder:",
    "Overdue inspection:",
    "Weekly digest:",
    "Area Performance Review",
    "RJOIM action due",
)


@dataclass
class Story:
    """What happened, for the closing summary; the checks run as it happens."""

    reviews: int = 0
    selected: int = 0
    submitted: int = 0
    by_rule: dict[str, int] = field(default_factory=dict)
    critical: str | None = None  # the URN with the critical failure
    declined: str | None = None
    paused: str | None = None
    challenged: str | None = None
    acknowledged: int = 0


class Fortnight:
    def __init__(self, world: World, say: Callable[[str], None]) -> None:
        self.world, self.say = world, say
        self.tz = world.settings.timezone
        self.holidays = england_and_wales_bank_holidays([2026])
        self.story = Story()
        self.transcript = Transcript(world.standin, cast.EVERYONE, self.tz)
        questionnaire, _ = load_questionnaire(default_questionnaire_path())
        self.critical_ids = {
            q.id for s in questionnaire.sections for q in s.questions if q.critical
        }
        # The scripted failure is a missed safeguard (the story's words are about one), not a
        # wrong decision, though both are critical.
        self.safeguard_ids = {
            q.id for q in questionnaire.section("victim_safety").questions if q.critical
        }
        self.inspectors = {
            m.email: Inspector(m, world.driver, world.standin, seed=n)
            for n, m in enumerate(cast.INSPECTORS, start=1)
        }
        self.paused: dict[str, Message] = {}  # inspector email -> their paused card
        self.told: set[tuple[str, str]] = set()  # messages already looked at by jobs()
        self.started: set[str] = set()  # URNs an inspector has started or declined

    # the clock ------------------------------------------------------------------------------

    def at(self, day: date, wall: time) -> datetime:
        moment = datetime.combine(day, wall, self.tz).astimezone(UTC)
        self.world.clock.set(moment)
        return moment

    def jobs(self) -> None:
        """Runs the periodic jobs at the clock's time and tells what they sent on their own:
        reminders, escalations, digests and packs (the rest is told where it happens)."""
        now = self.world.clock()
        self.world.run_jobs()
        self.transcript.note(now)
        for member in cast.EVERYONE:
            for message in self.world.standin.messages_to(member.slack_id):
                key = (message.channel, message.ts)
                if self.transcript.first_seen.get(key) == now and key not in self.told:
                    self.told.add(key)
                    if message.text.startswith(SCHEDULED):
                        self.say(f"{_when(now, self)}  to {member.name}: {message.text}")

    def stamp(self, day: date, wall: time) -> str:
        return datetime.combine(day, wall).strftime("%a %d %b %H:%M")

    # the play -------------------------------------------------------------------------------

    def play(self) -> Story:
        arriving = arrivals(FIRST_DAY, LAST_DAY, tz=self.tz, holidays=self.holidays)
        day = FIRST_DAY
        while day <= LAST_DAY:
            self.at(day, time(9, 0))
            self.jobs()
            todays = [a for a in arriving if a.at.astimezone(self.tz).date() == day]
            for session in WORK_SESSIONS:
                for arrival in [a for a in todays if a.at.astimezone(self.tz).time() < session]:
                    self._arrive(arrival)
                    todays.remove(arrival)
                self.at(day, session)
                self.jobs()
                if day.weekday() < 5 and day not in self.holidays:
                    self._inspectors_work(day, session)
            for arrival in todays:
                self._arrive(arrival)
            self.at(day, time(16, 30))
            self.jobs()
            self._lawyers_read(day)
            if day == TRENDS_DAY:
                self._managers_ask(day)
            day += timedelta(days=1)
        self.at(LAST_DAY, time(17, 0))
        self.jobs()
        reminded = [
            m
            for m in Player(rjoim.owner(), self.world.driver, self.world.standin).messages()
            if m.text.startswith(rjoim.REMINDER)
        ]
        check(len(reminded) == 1, f"{rjoim.owner().name} got {len(reminded)} RJOIM reminders")
        return self.story

    def _arrive(self, arrival: Arrival) -> None:
        self.world.clock.set(arrival.at)
        before = {m.email: len(self.world.standin.messages_to(m.slack_id)) for m in cast.INSPECTORS}
        answer = self.world.post_review(arrival.fields)
        check(answer.get("created") == 1, f"intake did not store {arrival.fields['urn']}: {answer}")
        self.story.reviews += 1
        self.jobs()
        fields = arrival.fields
        lawyer = cast.by_email(fields["lawyer_email"]).name
        line = f"{_when(arrival.at, self)}  review {fields['urn']} ({_kind(fields)}, {lawyer}): "
        if not answer["selected"]:
            self.say(line + "not sampled")
            return
        self.story.selected += 1
        for rule in answer["by_rule"]:
            self.story.by_rule[rule] = self.story.by_rule.get(rule, 0) + 1
        got = [
            m.name
            for m in cast.INSPECTORS
            if any(
                fields["urn"] in msg.text and "Start inspection" in button_labels(msg)
                for msg in self.world.standin.messages_to(m.slack_id)[before[m.email] :]
            )
        ]
        check(
            answer["assigned"] == 1 and len(got) == 1, f"{fields['urn']} was not assigned: {answer}"
        )
        self.say(line + f"sampled ({', '.join(answer['by_rule'])}), assigned to {got[0]}")

    # inspectors -----------------------------------------------------------------------------

    def _inspectors_work(self, day: date, session: time) -> None:
        for email, inspector in self.inspectors.items():
            if email in self.paused:
                if day >= RESUME_DAY:
                    self._resume(inspector, self.paused.pop(email), day, session)
                continue
            for message in self._waiting(inspector, day)[:PER_SESSION]:
                self._inspect(inspector, message, day, session)
                if email in self.paused:
                    break

    def _waiting(self, inspector: Inspector, day: date) -> list[Message]:
        """Assignments from earlier days not yet started, oldest first (a reminder carries a
        Start button too: the first message for each URN is the one taken)."""
        waiting: dict[str, Message] = {}
        for message in inspector.messages():
            seen = self.transcript.first_seen.get((message.channel, message.ts))
            if (
                seen is not None
                and seen.astimezone(self.tz).date() < day
                and "Start inspection" in button_labels(message)
            ):
                urn = _urn_of(message)
                if urn not in self.started:
                    waiting.setdefault(urn, message)
        return list(waiting.values())

    def _inspect(self, inspector: Inspector, assignment: Message, day: date, wall: time) -> None:
        urn = _urn_of(assignment)
        name = inspector.member.name
        self.started.add(urn)
        if (
            inspector.member is cast.INSPECTORS[2]
            and day >= DECLINE_DAY
            and not self.story.declined
        ):
            self._decline(inspector, assignment, urn, day, wall)
            return
        inspector.start(assignment)
        self.transcript.note(self.world.clock())  # the card's time is when it was posted
        critical_due = inspector.member is cast.INSPECTORS[0] and day >= CRITICAL_DAY
        critical_due = critical_due and self.story.critical is None
        pause_due = inspector.member is cast.INSPECTORS[1] and day >= PAUSE_DAY
        pause_due = pause_due and self.story.paused is None
        answered = 0
        while not inspector.on_summary():
            question = inspector.question_id() or ""
            if critical_due and question in self.safeguard_ids:
                self._critical_failure(inspector, urn, day, wall)
                critical_due = False
                continue
            if pause_due and answered == 5:
                inspector.answer("Pause")
                check("paused" in inspector.card().text.lower(), f"{urn} did not pause")
                self.paused[inspector.member.email] = inspector.card()
                self.story.paused = urn
                self.say(f"{self.stamp(day, wall)}  {name} paused {urn} after 5 answers")
                return
            inspector.answer_current(critical=question in self.critical_ids)
            answered += 1
        self._submit(inspector, urn, day, wall)

    def _critical_failure(self, inspector: Inspector, urn: str, day: date, wall: time) -> None:
        inspector.answer("Not met", "No safeguarding or special measures considered in the review.")
        inspector.critical_failed = True
        self.story.critical = urn
        head, manager = cast.unit_head(_area_of(urn)), cast.line_manager(_area_of(urn))
        alerts_before = {
            m.email: len(self.world.standin.messages_to(m.slack_id)) for m in (head, manager)
        }
        self.world.clock.set(self.world.clock() + timedelta(minutes=2))
        self.jobs()  # the outbox delivers the alert while the inspection is still open
        for person in (head, manager):
            received = self.world.standin.messages_to(person.slack_id)[
                alerts_before[person.email] :
            ]
            check(
                any(urn in m.text or urn in str(m.blocks) for m in received),
                f"{person.name} got no alert for the critical failure on {urn}",
            )
        self.say(
            f"{self.stamp(day, wall)}  {inspector.member.name} marked a critical question Not met "
            f"on {urn}: alert sent to {manager.name} and {head.name} before submit"
        )
        self._act_on_alert(manager, head, urn, day, wall)

    def _act_on_alert(
        self, manager: cast.Member, head: cast.Member, urn: str, day: date, wall: time
    ) -> None:
        """The line manager acknowledges the alert; the Unit Head records what was done."""
        standin, driver = self.world.standin, self.world.driver
        line, top = Player(manager, driver, standin), Player(head, driver, standin)
        alert = next(m for m in reversed(line.messages()) if m.text.startswith("Safeguard alert"))
        line.click(alert, "Acknowledge")
        alert_copy = next(
            m for m in reversed(top.messages()) if m.text.startswith("Safeguard alert")
        )
        top.click_and_fill(
            alert_copy,
            "Record what was done",
            {
                "outcome": {"value": "safeguarding_steps_taken"},
                "action": {"value": "Asked the officer in the case to review bail conditions."},
            },
        )
        standin.wait_for(lambda: "Closed by" in str(line.card().blocks))
        self.say(
            f"{self.stamp(day, wall)}  {manager.name} acknowledged the alert on {urn}; "
            f"{head.name} recorded what was done (safeguarding steps taken): both copies updated"
        )

    def _decline(
        self, inspector: Inspector, assignment: Message, urn: str, day: date, wall: time
    ) -> None:
        before = {m.email: len(self.world.standin.messages_to(m.slack_id)) for m in cast.INSPECTORS}
        inspector.click_and_fill(
            assignment,
            "Decline",
            {"reason": {"value": "I worked in this lawyer's unit until last month."}},
        )
        self.jobs()
        others = [
            m.name
            for m in cast.INSPECTORS
            if m is not inspector.member
            and len(self.world.standin.messages_to(m.slack_id)) > before[m.email]
        ]
        check(len(others) == 1, f"declined {urn} was not reassigned")
        self.story.declined = urn
        self.say(
            f"{self.stamp(day, wall)}  {inspector.member.name} declined {urn}; "
            f"reassigned to {others[0]}"
        )

    def _resume(self, inspector: Inspector, card: Message, day: date, wall: time) -> None:
        urn = _urn_of(card)
        inspector.pin(card.ts)
        inspector.answer("Resume")
        inspector.pin(inspector.card().ts)
        while not inspector.on_summary():
            question = inspector.question_id() or ""
            inspector.answer_current(critical=question in self.critical_ids)
        self.say(f"{self.stamp(day, wall)}  {inspector.member.name} resumed {urn}")
        self._submit(inspector, urn, day, wall)

    def _submit(self, inspector: Inspector, urn: str, day: date, wall: time) -> None:
        score = inspector.summary_score()
        inspector.answer("Submit")
        self.world.clock.set(self.world.clock() + timedelta(minutes=1))
        self.jobs()
        self.story.submitted += 1
        self.say(f"{self.stamp(day, wall)}  {inspector.member.name} submitted {urn}: {score}")

    # lawyers and managers -------------------------------------------------------------------

    def _lawyers_read(self, day: date) -> None:
        for member in cast.LAWYERS:
            lawyer = Player(member, self.world.driver, self.world.standin)
            for message in lawyer.messages():
                labels = button_labels(message)
                if "Acknowledge" not in labels:
                    continue
                # Feedback speaks to the lawyer: statements, not the inspectors' questions.
                shown = str(message.blocks)
                check(
                    "Does the review" not in shown and "What inspectors look for" not in shown,
                    f"{member.name}'s feedback shows an inspector's question or guidance",
                )
                if (
                    day >= CHALLENGE_DAY
                    and self.story.challenged is None
                    and "Partially met" in str(message.blocks)
                ):
                    self._challenge(lawyer, message, day)
                    continue
                lawyer.click(message, "Acknowledge")
                self.story.acknowledged += 1

    def _challenge(self, lawyer: Player, feedback: Message, day: date) -> None:
        urn = _urn_of(feedback)
        view = lawyer.click(feedback, "Challenge a mark")
        check(view is not None, "Challenge a mark opened no modal")
        assert view is not None
        first = _partly_met_choice(view.blocks)
        lawyer.submit(
            view,
            {
                "marks": {"value": [first]},
                "reason": {"value": "The rationale is in the annex to the review."},
            },
        )
        self.jobs()
        self.story.challenged = urn
        self.say(
            f"{self.stamp(day, time(16, 30))}  {lawyer.member.name} challenged a mark on {urn}"
        )
        # The inspector who gave the mark comments; the inspection lead decides.
        inspector = self._marker_of(urn)
        asked = next(
            m for m in reversed(inspector.messages()) if "Add a comment" in button_labels(m)
        )
        inspector.click_and_fill(
            asked, "Add a comment", {"reason": {"value": "I missed the annex, I think."}}
        )
        self.jobs()
        lead = Player(cast.NATIONAL_LEAD, self.world.driver, self.world.standin)
        decision = next(m for m in reversed(lead.messages()) if "Amend" in button_labels(m))
        check(
            not any("Amend" in button_labels(m) for m in inspector.messages()),
            f"{inspector.member.name} was asked to decide a challenge to their own mark",
        )
        lead.click_and_fill(
            decision,
            "Amend",
            {
                "new_mark": {"value": "fully_met"},
                "reason": {"value": "The annex does record it; amended."},
            },
        )
        self.jobs()
        outcome = lawyer.messages()[-1]
        check("outcome" in outcome.text.lower(), f"{lawyer.member.name} was not told the outcome")
        self.say(
            f"{self.stamp(day, time(16, 45))}  {inspector.member.name} commented; "
            f"{lead.member.name}, the inspection lead, amended the mark: {outcome.text}"
        )

    def _marker_of(self, urn: str) -> Inspector:
        for inspector in self.inspectors.values():
            if any(urn in m.text or urn in str(m.blocks) for m in inspector.messages()):
                return inspector
        raise AssertionError(f"no inspector has {urn}")

    def _managers_ask(self, day: date) -> None:
        asks = (
            (cast.line_manager(cast.WESSEX), "trends team last-quarter"),
            (cast.unit_head(cast.WESSEX), "trends area last-quarter"),
            (cast.unit_head(cast.THAMES), "rjoim last-quarter"),
            (cast.NATIONAL_LEAD, "trends national last-quarter"),
            (cast.unit_head(cast.WESSEX), "apr last-quarter"),
            (cast.line_manager(cast.WESSEX), f"development {cast.WESSEX_TEAM[2].email}"),
        )
        self.at(day, time(16, 45))
        for member, text in asks:
            self._ask(member, text)
            self.say(f"{self.stamp(day, time(16, 45))}  {member.name}: /dip {text}")
        home = Player(
            cast.line_manager(cast.WESSEX), self.world.driver, self.world.standin
        ).open_home()
        check(bool(home.blocks), "the manager's App Home is empty")
        self.say(f"{self.stamp(day, time(16, 45))}  {rjoim.record_meeting(self.world, day)}")

    def _ask(self, member: cast.Member, text: str) -> None:
        """Types `/dip TEXT`; waits for the answer in the DM and, for trends and the APR pack,
        the files."""
        standin, player = self.world.standin, Player(member, self.world.driver, self.world.standin)
        files, messages = len(standin.files), len(player.messages())
        player.command(text)
        standin.wait_for(lambda: len(player.messages()) > messages)
        if text.startswith("trends"):
            standin.wait_for(lambda: len(standin.files) > files)
        if text.startswith("apr"):  # the pack: the PDF, its metrics, the trend CSV and chart
            standin.wait_for(lambda: len(standin.files) >= files + 4)
            pack = [f.filename for f in standin.files[files:]]
            check(any(name.endswith(".pdf") for name in pack), f"no PDF in the APR pack: {pack}")
        self.transcript.note(self.world.clock())


def _when(moment: datetime, fortnight: Fortnight) -> str:
    return moment.astimezone(fortnight.tz).strftime("%a %d %b %H:%M")


def _kind(fields: dict[str, str]) -> str:
    return "early advice" if fields["review_type"] == "early_advice" else "pre-charge decision"


def _urn_of(message: Message) -> str:
    import re

    found = re.search(r"\b\d{2}[A-Z]{2}\d{7}\b", message.text + " " + str(message.blocks))
    check(found is not None, f"no URN in {message.text!r}")
    assert found is not None
    return found.group(0)


def _area_of(urn: str) -> str:
    return next(
        area
        for area, code in (("Wessex", "55"), ("Thames and Chiltern", "43"))
        if urn.startswith(code)
    )


def _partly_met_choice(blocks: list[dict[str, Any]]) -> str:
    """The first mark offered in the challenge modal that is Partially met (else the first)."""
    for block in blocks:
        element = block.get("element") or {}
        options = list(element.get("options", []))
        for group in element.get("option_groups", []):
            options += group["options"]
        if options:
            partly = [o for o in options if o["text"]["text"].startswith("Partially met")]
            return str((partly or options)[0]["value"])
    raise DemoStepFailed("the challenge modal offers no marks to choose")
