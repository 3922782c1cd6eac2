"""`/dip trends` and `/dip rjoim` through the real app and the Slack stand-in: the summary and
the chart land in the requester's direct message, the chart through the whole external upload
sequence, and nobody sees beyond their scope."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select
from support.scheduling_data import V1_PATH, publish_default_questionnaire
from support.slack_world import ADMIN, INSPECTOR_A, LAWYER, MANAGER, STRANGER, Member, RunningBot
from support.trend_data import Given, add_submitted, person

from bot import refusals
from bot.offline.driver import SlackDriver
from bot.offline.standin import Message, SlackStandIn
from bot.services.trends.charts import CHART_HEIGHT, CHART_WIDTH
from bot.slack.listeners.development import DEVELOPMENT_SENT
from bot.slack.listeners.trends import APR_SENT, RJOIM_SENT, TRENDS_SENT
from storage.models import AuditEvent, Person

JANUARY = datetime(2026, 1, 12, 11, 0, tzinfo=UTC)


def command(driver: SlackDriver, standin: SlackStandIn, user_id: str, text: str) -> Message:
    """Type `/dip text`; the one reply only the typist sees."""
    before = len(standin.ephemerals_to(user_id))
    assert driver.slash_command(user_id, "/dip", text).status == 200
    standin.wait_for(lambda: len(standin.ephemerals_to(user_id)) > before)
    return standin.ephemerals_to(user_id)[-1]


def seed(bot: RunningBot, count: int, *, action_plans: int = 0) -> None:
    """`count` submitted pre-charge decisions by the directory's lawyer, one mark not met."""
    with bot.uow() as uow:
        session = uow.session
        inspector = person(
            session,
            name="Iris Inspector",
            roles=["inspector"],
            area="Wessex",
            unit="RASSO Wessex",
            now=JANUARY,
        )
        given = Given(publish_default_questionnaire(session, now=JANUARY, path=V1_PATH), inspector)
        lawyer = session.scalars(select(Person).where(Person.email == LAWYER.email)).one()
        for n in range(count):
            add_submitted(
                session,
                given,
                lawyer=lawyer,
                submitted_at=JANUARY + timedelta(days=n),
                marks={"review_language": "not_met"},
                action_plans=action_plans,
                urn=f"42AB{n:05d}26",
            )
        uow.commit()


def text_of(message: Message) -> str:
    return json.dumps(message.blocks) + message.text


def test_trends_send_the_summary_and_a_1200_by_800_chart_to_the_requesters_dm(
    bot: RunningBot, driver: SlackDriver, standin: SlackStandIn, directory: tuple[Member, ...]
) -> None:
    seed(bot, 6)

    reply = command(driver, standin, MANAGER.slack_id, "trends")

    assert reply.text == TRENDS_SENT
    summary = standin.wait_for(lambda: standin.messages_to(MANAGER.slack_id))[-1]
    assert summary.blocks[0]["text"]["text"] == "Trends: London North, 2026-Q1"
    assert "Inspections*\\n6" in text_of(summary)
    assert "RASSO London North: 6 inspections" in text_of(summary)
    methods = [c.method for c in standin.calls]
    upload = methods.index("files.getUploadURLExternal")
    assert methods[upload + 1] == "files.completeUploadExternal"
    [chart] = standin.wait_for(lambda: standin.files)
    assert (chart.channel, chart.filename) == (summary.channel, "trends-2026-Q1.png")
    assert chart.title == "Trends: London North, 2026-Q1"
    image = Image.open(io.BytesIO(chart.content))
    assert (image.format, image.size) == ("PNG", (CHART_WIDTH, CHART_HEIGHT))
    assert (CHART_WIDTH, CHART_HEIGHT) == (1200, 800)


def test_a_manager_asking_for_another_area_is_refused_and_nothing_is_sent(
    bot: RunningBot, driver: SlackDriver, standin: SlackStandIn, directory: tuple[Member, ...]
) -> None:
    seed(bot, 6)

    reply = command(driver, standin, MANAGER.slack_id, "trends area Wessex")

    assert reply.text == (
        "Sorry, your trends cover London North only, so I can't show you that Area. "
        "The national inspection lead can see every Area."
    )
    assert standin.messages_to(MANAGER.slack_id) == []
    assert standin.files == []
    with bot.uow() as uow:
        actions = list(uow.session.scalars(select(AuditEvent.action)))
    assert "refused:trends" in actions


def test_the_national_lead_may_see_another_area(
    bot: RunningBot, driver: SlackDriver, standin: SlackStandIn, directory: tuple[Member, ...]
) -> None:
    seed(bot, 6)

    assert command(driver, standin, ADMIN.slack_id, "trends London North pcd").text == TRENDS_SENT

    summary = standin.wait_for(lambda: standin.messages_to(ADMIN.slack_id))[-1]
    assert summary.blocks[0]["text"]["text"] == (
        "Trends: London North, 2026-Q1, Pre-charge decision"
    )


def test_fewer_than_five_inspections_show_no_figures(
    bot: RunningBot, driver: SlackDriver, standin: SlackStandIn, directory: tuple[Member, ...]
) -> None:
    seed(bot, 3)

    assert command(driver, standin, LAWYER.slack_id, "trends me").text == TRENDS_SENT

    summary = standin.wait_for(lambda: standin.messages_to(LAWYER.slack_id))[-1]
    assert "Fewer than 5 inspections" in text_of(summary)
    assert "review_language" not in text_of(summary)
    assert "Inspections*" not in text_of(summary)
    standin.wait_for(lambda: standin.files)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("trends team", "Sorry, you can see trends for your own reviews only, not team figures."),
        ("trends 2026-13", "`2026-13` is not a month"),
    ],
)
def test_bad_or_out_of_scope_requests_get_a_reason(
    driver: SlackDriver,
    standin: SlackStandIn,
    directory: tuple[Member, ...],
    text: str,
    expected: str,
) -> None:
    assert command(driver, standin, LAWYER.slack_id, text).text.startswith(expected)
    assert standin.files == []


def test_someone_outside_the_directory_is_refused(
    driver: SlackDriver, standin: SlackStandIn, directory: tuple[Member, ...]
) -> None:
    assert command(driver, standin, STRANGER, "trends").text == refusals.NOT_IN_DIRECTORY


def test_rjoim_lists_the_cases_with_three_or_more_action_plans_in_the_dm(
    bot: RunningBot, driver: SlackDriver, standin: SlackStandIn, directory: tuple[Member, ...]
) -> None:
    seed(bot, 2, action_plans=3)

    assert command(driver, standin, MANAGER.slack_id, "rjoim").text == RJOIM_SENT

    listing = standin.wait_for(lambda: standin.messages_to(MANAGER.slack_id))[-1]
    assert listing.blocks[0]["text"]["text"] == "RJOIM agenda: London North, 2026-Q1"
    assert "42AB0000026: 3 action plans" in text_of(listing)
    assert "Inspected; Where the review sets an action plan" in text_of(listing)


def test_apr_sends_the_areas_pack_as_pdf_and_csv_into_the_requesters_dm(
    bot: RunningBot, driver: SlackDriver, standin: SlackStandIn, directory: tuple[Member, ...]
) -> None:
    seed(bot, 6)

    reply = command(driver, standin, MANAGER.slack_id, "apr 2026-Q1")

    assert reply.text == APR_SENT
    [covering] = standin.wait_for(lambda: standin.messages_to(MANAGER.slack_id))
    assert covering.blocks[0]["text"]["text"] == (
        "Area Performance Review pack: London North, 2026-Q1"
    )
    files = standin.wait_for(lambda: standin.files if len(standin.files) == 4 else [])
    stem = "apr-london-north-2026-Q1"
    assert [(f.filename, f.channel) for f in files] == [
        (f"{stem}.csv", covering.channel),
        (f"{stem}.png", covering.channel),
        (f"{stem}-metrics.csv", covering.channel),
        (f"{stem}.pdf", covering.channel),
    ]
    metrics = files[2].content.decode("utf-8")
    assert "London North,2026-Q1,pre_charge_decision,reviews_inspected,6," in metrics
    document = PdfReader(io.BytesIO(files[3].content))
    assert len(document.pages) == 3
    with bot.uow() as uow:
        viewed = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "apr.viewed")
        ).one()
    assert (viewed.actor, viewed.entity_id) == (MANAGER.email, "London North")


def test_apr_refuses_another_area_and_a_period_that_is_not_a_quarter(
    bot: RunningBot, driver: SlackDriver, standin: SlackStandIn, directory: tuple[Member, ...]
) -> None:
    seed(bot, 6)

    other = command(driver, standin, MANAGER.slack_id, "apr Wessex 2026-Q1")
    month = command(driver, standin, MANAGER.slack_id, "apr 2026-03")
    nowhere = command(driver, standin, MANAGER.slack_id, "apr Atlantis")

    assert other.text.startswith("Sorry, your trends cover London North only")
    assert month.text == f"`2026-03` is not a quarter. {refusals.APR_USAGE}"
    assert nowhere.text == refusals.not_an_area("Atlantis", refusals.APR_USAGE)
    assert standin.messages_to(MANAGER.slack_id) == []
    assert standin.files == []


def test_a_manager_gets_their_lawyers_development_record_by_theme_in_the_dm(
    bot: RunningBot, driver: SlackDriver, standin: SlackStandIn, directory: tuple[Member, ...]
) -> None:
    seed(bot, 6)  # six inspections in 2026-Q1, the language of the review Not met in each

    reply = command(driver, standin, MANAGER.slack_id, f"development {LAWYER.email}")

    assert reply.text == DEVELOPMENT_SENT
    [record] = standin.wait_for(lambda: standin.messages_to(MANAGER.slack_id))
    text = text_of(record)
    assert record.blocks[0]["text"]["text"] == "Development record: Lara Lawyer"
    assert (
        "2025-Q2 0 inspections, 2025-Q3 0 inspections, 2025-Q4 0 inspections, 2026-Q1 6 inspections"
    ) in text
    table = record.blocks[2]["text"]["text"]
    assert "3.1.2 Written language in case files: – · – · – · 0/6" in table.splitlines()
    with bot.uow() as uow:
        viewed = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "development.viewed")
        ).one()
        lawyer_id = uow.session.scalars(select(Person.id).where(Person.email == LAWYER.email)).one()
    assert (viewed.actor, viewed.entity_id) == (MANAGER.email, str(lawyer_id))


def test_a_lawyer_sees_their_own_record_and_no_one_elses(
    bot: RunningBot, driver: SlackDriver, standin: SlackStandIn, directory: tuple[Member, ...]
) -> None:
    seed(bot, 6)

    own = command(driver, standin, LAWYER.slack_id, "development")
    other = command(driver, standin, LAWYER.slack_id, f"development {MANAGER.email}")
    nobody = command(driver, standin, MANAGER.slack_id, "development no.one@example.test")
    not_a_lawyer_self = command(driver, standin, MANAGER.slack_id, "development")

    assert own.text == DEVELOPMENT_SENT
    [record] = standin.wait_for(lambda: standin.messages_to(LAWYER.slack_id))
    assert "0/6" in text_of(record)
    assert other.text == refusals.not_a_lawyer(MANAGER.email)
    assert nobody.text == refusals.not_a_lawyer("no.one@example.test")
    assert not_a_lawyer_self.text.startswith("You are not a lawyer in the directory")
    assert standin.messages_to(MANAGER.slack_id) == []


def test_only_those_above_a_lawyer_may_see_their_record(
    bot: RunningBot, driver: SlackDriver, standin: SlackStandIn, directory: tuple[Member, ...]
) -> None:
    seed(bot, 6)

    inspector = command(driver, standin, INSPECTOR_A.slack_id, f"development {LAWYER.email}")
    national = command(driver, standin, ADMIN.slack_id, f"development {LAWYER.email}")

    assert inspector.text == refusals.DEVELOPMENT_BEYOND
    assert standin.messages_to(INSPECTOR_A.slack_id) == []
    assert national.text == DEVELOPMENT_SENT
    with bot.uow() as uow:
        actions = list(uow.session.scalars(select(AuditEvent.action)))
    assert "refused:development" in actions
