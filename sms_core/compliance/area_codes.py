"""The US area codes and the state each belongs to: the one area-code table of the project.

The data is ``area_codes.toml`` beside this module, taken from ``phonenumbers``' geocoding data
(``tests/test_quiet_hours.py`` checks it against the installed ``phonenumbers``). Quiet hours
read a number's state from it, and the sandbox carrier sells numbers in every code of it, so a
code added here is both texted under its state's rules and for sale in the sandbox.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from importlib import resources
from types import MappingProxyType
from typing import Final

__all__ = ["US_AREA_CODES", "state_of_area_code"]


def _read() -> Mapping[str, tuple[str, ...]]:
    text = resources.files("sms_core.compliance").joinpath("area_codes.toml").read_text("utf-8")
    table: dict[str, list[str]] = tomllib.loads(text)["area_codes"]
    return MappingProxyType({state: tuple(codes) for state, codes in sorted(table.items())})


#: Every geographic US area code by state (USPS code, ``"DC"`` included), states in order.
US_AREA_CODES: Final = _read()

_STATES: Final = MappingProxyType(
    {code: state for state, codes in US_AREA_CODES.items() for code in codes}
)


def state_of_area_code(area_code: str) -> str | None:
    """The US state (USPS code) of a three-digit area code; ``None`` outside the table."""
    return _STATES.get(area_code)
