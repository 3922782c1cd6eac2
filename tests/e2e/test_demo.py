"""`dipsample demo` end to end, as `make demo` runs it: a subprocess on a fresh folder, twice.

The demo always uses its own SQLite file, so this runs in the SQLite pass of the suite only.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

pytestmark = pytest.mark.skipif(
    os.environ.get("TEST_DATABASE_URL", "sqlite").startswith("postgresql"),
    reason="the demo runs on its own SQLite file; covered by the SQLite pass",
)


def run_demo(output: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "demo", "--output", str(output)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )


@pytest.mark.slow
def test_the_demo_plays_the_fortnight_twice_and_leaves_its_outputs(tmp_path: Path) -> None:
    output = tmp_path / "demo-output"

    first = run_demo(output)
    second = run_demo(output)  # over the first run's folder: starts afresh

    assert first.returncode == 0, first.stderr[-3000:]
    assert second.returncode == 0, second.stderr[-3000:]
    said = second.stdout
    assert "alert sent to Mina Myrtle and Hugo Holly before submit" in said
    assert "Isla Indigo declined" in said and "Eli Elm challenged a mark" in said
    assert "to Nia Northwood: Overdue inspection: 43DS1000426" in said
    assert "Ivan Iroko resumed 43DS1000426" in said
    # The alert is acted on: acknowledged, and what was done recorded, on both copies.
    assert "recorded what was done (safeguarding steps taken): both copies updated" in said
    assert "Milo Maple: /dip trends team last-quarter" in said
    assert "Hugo Holly recorded the RJOIM with Thames Valley Police" in said
    assert "Thu 02 Apr 09:00  to Eli Elm: RJOIM action due 2026-04-07" in said

    pack = output / "hana.hawthorn-apr-wessex-2026-Q1.csv"
    rows = list(csv.DictReader(pack.read_text(encoding="utf-8").splitlines()))
    assert (rows[0]["level"], rows[0]["name"]) == ("headline", "Wessex")
    assert int(rows[0]["inspections"]) >= 5
    for chart in ("hana.hawthorn-apr-wessex-2026-Q1.png", "milo.maple-trends-2026-Q1.png"):
        with Image.open(output / chart) as image:
            assert image.format == "PNG" and image.size[0] > 0
    exported = output / "trends-wessex-2026-01-01-to-2026-03-31.csv"
    assert exported.read_text(encoding="utf-8") == pack.read_text(encoding="utf-8")

    transcript = (output / "slack-transcript.txt").read_text(encoding="utf-8")
    assert "Safeguard alert on 43DS1001226" in transcript
    assert "The outcome of your challenge on 43DS1001826" in transcript
    assert "Weekly digest: Your team, week 2026-W13" in transcript
