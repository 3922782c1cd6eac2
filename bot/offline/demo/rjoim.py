"""The demo's RJOIM: on the day managers ask for figures, Thames and Chiltern's Unit Head
records the meeting just held with Thames Valley Police from the App Home panel, clicking the
real buttons: the meeting, one issue, and an action owned by one of the unit's lawyers, due the
Tuesday after Easter. The reminder then comes to the lawyer on Thursday 2 April, the working
day before, since Good Friday and Easter Monday are bank holidays."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from bot.offline.demo import cast
from bot.offline.demo.players import Player, check
from bot.offline.demo.world import World
from bot.offline.standin import StoredView

FORCE = "43"  # Thames Valley
DUE = date(2026, 4, 7)
ACTION = "Issue third-party material requests together, with the case strategy"
REMINDER = f"RJOIM action due {DUE.isoformat()}"


def owner() -> cast.Member:
    return next(m for m in cast.LAWYERS if m.area == cast.THAMES)


def record_meeting(world: World, held_on: date) -> str:
    """What the Unit Head recorded, in a sentence."""
    head = cast.unit_head(cast.THAMES)
    lead = Player(head, world.driver, world.standin)
    home = lead.open_home()
    _fill(
        world,
        lead,
        home,
        "Record an RJOIM meeting",
        "Add issue",
        {
            "force": FORCE,
            "held_on": held_on.isoformat(),
            "attendees": f"cps_unit_head: {head.name}\npolice_lead: DI Grey (Thames Valley)",
        },
    )
    _fill(
        world,
        lead,
        world.standin.home_view(lead.user),
        "Add issue",
        "1 issue(s) raised",
        {
            "theme": "third_party_material",
            "description": "Requests for third-party material were staggered, delaying charge",
        },
    )
    _fill(
        world,
        lead,
        world.standin.home_view(lead.user),
        "Add action",
        ACTION,
        {
            "description": ACTION,
            "agency": "cps",
            "owner": owner().slack_id,
            "due_on": DUE.isoformat(),
        },
    )
    return (
        f"{head.name} recorded the RJOIM with Thames Valley Police: one issue (third-party "
        f"material), one action for {owner().name} due {DUE.isoformat()}"
    )


def _fill(
    world: World, lead: Player, home: StoredView, button: str, shows: str, values: dict[str, str]
) -> None:
    modal = lead.click(home, button)
    check(modal is not None, f"{button!r} opened no modal")
    assert modal is not None
    form: dict[str, dict[str, Any]] = {block: {"value": v} for block, v in values.items()}
    response = world.driver.submit_view(lead.user, modal, form)
    check(response.status == 200 and response.json is None, f"{button}: {response.body}")
    world.standin.wait_for(lambda: shows in json.dumps(world.standin.home_view(lead.user).blocks))
