"""A command run against a database without the dipsample schema, or with an older one, says to
run `dipsample db upgrade` instead of printing SQLAlchemy's traceback; any other error prints one
line naming the command and a private file holding the traceback."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from support.trend_data import LONDON, add_submitted, build_world

from bot.cli.parser import main
from storage import migrate
from storage.db import make_engine, normalize_url
from storage.db import session_factory as make_session_factory
from storage.uow import UnitOfWork

FIXTURES = Path(__file__).parents[1] / "fixtures"
UPGRADE = "run `dipsample db upgrade`"


@pytest.fixture
def empty(empty_database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("DATABASE_URL", empty_database_url)
    return empty_database_url


@pytest.fixture
def uow(empty: str) -> Iterator[UnitOfWork]:
    """A unit of work on the test's own database, once migrated to the latest revision."""
    migrate.upgrade(empty)
    engine = make_engine(empty)
    with UnitOfWork(make_session_factory(engine)) as unit:
        yield unit
    engine.dispose()


def shown(url: str) -> str:
    return normalize_url(url).render_as_string(hide_password=True)


@pytest.mark.parametrize(
    "command",
    [
        ["inspections", "list"],
        ["trends"],
        ["questionnaire", "publish", str(FIXTURES / "questionnaires" / "valid_minimal.json")],
        ["people", "import", str(FIXTURES / "csv" / "people.csv")],
        ["cases", "import", str(FIXTURES / "csv" / "cases.csv")],
        ["db", "rebuild-trend-rollups"],
    ],
    ids=lambda command: " ".join(command[:2]),
)
def test_a_database_without_the_schema_gets_one_line_saying_to_upgrade(
    empty: str, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(command) == 1

    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"dipsample: the database at {shown(empty)} has no dipsample schema: {UPGRADE}\n"
    assert migrate.current(empty) is None


def test_a_database_behind_the_code_says_which_revision_it_is_at(
    empty: str, uow: UnitOfWork, capsys: pytest.CaptureFixture[str]
) -> None:
    world = build_world(uow.session, now=datetime(2025, 9, 1, tzinfo=UTC))
    for day in range(2, 8):
        at = datetime(2026, 2, day, 11, 0, tzinfo=UTC)
        add_submitted(uow.session, world, lawyer=world.london_lawyers[0], submitted_at=at)
    uow.commit()
    uow.session.close()
    # 0003 added answers.counts_in_trends, which the trend queries read.
    migrate.downgrade(empty, "0002")

    assert main(["trends", "--area", LONDON, "--from", "2026-02-01", "--to", "2026-02-28"]) == 1

    err = capsys.readouterr().err
    behind = f"dipsample: the database at {shown(empty)} is behind (at revision 0002; "
    assert err.startswith(behind)
    assert err.endswith(f"): {UPGRADE}\n")
    assert err.count("\n") == 1


def test_other_errors_print_one_line_and_keep_the_traceback_in_a_private_file(
    empty: str, uow: UnitOfWork, capsys: pytest.CaptureFixture[str]
) -> None:
    cascade = " CASCADE" if uow.session.get_bind().dialect.name == "postgresql" else ""
    uow.session.execute(text(f"DROP TABLE sampling_decisions{cascade}"))
    uow.commit()
    uow.session.close()

    assert main(["inspections", "list"]) == 1

    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("dipsample: inspections list failed unexpectedly (")
    assert "Traceback" not in err
    log = Path(err.split("The details are in ")[1].split(";")[0])
    try:
        assert "sampling_decisions" in log.read_text(encoding="utf-8")
        assert "Traceback" in log.read_text(encoding="utf-8")
        assert log.stat().st_mode & 0o777 == 0o600
    finally:
        log.unlink()
