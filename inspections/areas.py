"""The CPS Areas a person, a review or a sampling-policy override can belong to."""

from __future__ import annotations

# The 14 geographical Areas, then CPS Direct (national, out of hours), which is treated as one.
AREAS: tuple[str, ...] = (
    "Cymru/Wales",
    "East Midlands",
    "East of England",
    "London North",
    "London South",
    "Mersey-Cheshire",
    "North East",
    "North West",
    "South East",
    "South West",
    "Thames and Chiltern",
    "Wessex",
    "West Midlands",
    "Yorkshire and Humberside",
    "CPS Direct",
)
