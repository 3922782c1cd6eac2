"""The table of police forces: well formed, and used as URNs use it."""

from __future__ import annotations

import re

from inspections.forces import FORCES, force_name, force_of, force_problem


def test_the_table_holds_the_43_territorial_forces_and_the_btp_once_each() -> None:
    assert len(FORCES) == 44
    assert all(re.fullmatch(r"[0-9]{2}", code) for code in FORCES)
    assert len(set(FORCES.values())) == len(FORCES)
    assert all(name.strip() == name and name for name in FORCES.values())


def test_a_urn_names_its_force_by_its_first_two_digits() -> None:
    assert force_of("42AB1234525") == "42"
    assert force_name("42") == "Essex"
    assert force_name("99") == "force 99 (not in the table)"


def test_an_unknown_force_code_is_refused_by_name() -> None:
    assert force_problem("43") is None
    assert force_problem("99") == (
        "'99' is not a police force code: use the two digits a URN begins with, e.g. 42"
    )
