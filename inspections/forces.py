"""The police forces of England and Wales (and the British Transport Police), by the code a
police URN begins with: an RJOIM is held with one force, so its agenda is the force's cases.

The codes are the two-digit force codes of the Police National Computer that open every URN
(e.g. 42AB1234525: Essex). Keep this table in step with any change of force; it is checked by
tests/unit/test_forces.py.
"""

from __future__ import annotations

FORCES: dict[str, str] = {
    "01": "Metropolitan Police",
    "03": "Cumbria",
    "04": "Lancashire",
    "05": "Merseyside",
    "06": "Greater Manchester",
    "07": "Cheshire",
    "10": "Northumbria",
    "11": "Durham",
    "12": "North Yorkshire",
    "13": "West Yorkshire",
    "14": "South Yorkshire",
    "16": "Humberside",
    "17": "Cleveland",
    "20": "West Midlands",
    "21": "Staffordshire",
    "22": "West Mercia",
    "23": "Warwickshire",
    "30": "Derbyshire",
    "31": "Nottinghamshire",
    "32": "Lincolnshire",
    "33": "Leicestershire",
    "34": "Northamptonshire",
    "35": "Cambridgeshire",
    "36": "Norfolk",
    "37": "Suffolk",
    "40": "Bedfordshire",
    "41": "Hertfordshire",
    "42": "Essex",
    "43": "Thames Valley",
    "44": "Hampshire and Isle of Wight",
    "45": "Surrey",
    "46": "Kent",
    "47": "Sussex",
    "48": "City of London",
    "50": "Devon and Cornwall",
    "52": "Avon and Somerset",
    "53": "Gloucestershire",
    "54": "Wiltshire",
    "55": "Dorset",
    "60": "North Wales",
    "61": "Gwent",
    "62": "South Wales",
    "63": "Dyfed-Powys",
    "93": "British Transport Police",
}


def force_of(urn: str) -> str:
    """The force code a URN begins with (known or not)."""
    return urn[:2]


def force_name(code: str) -> str:
    return FORCES.get(code, f"force {code} (not in the table)")


def force_problem(code: str) -> str | None:
    """What is wrong with a force code asked for; None when it is one of the table's."""
    if code in FORCES:
        return None
    return f"{code!r} is not a police force code: use the two digits a URN begins with, e.g. 42"
