"""The bounds a host's policy and declaration are built within."""

from __future__ import annotations

from typing import Any

import pytest

from sms_core import AllowanceUnit, ConfigurationError, HostDeclarationError, HostInfo, HostPolicy
from sms_core.domain.policy import MAX_BODY_CHARACTERS_LIMIT, MAX_MASS_TEXT_CAP


class TestHostPolicyBounds:
    """A policy out of bounds cannot be built; the error names the field and the bounds."""

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("users_per_number", 0),
            ("users_per_number", -3),
            ("mass_text_cap", 0),
            ("mass_text_cap", MAX_MASS_TEXT_CAP + 1),
            ("mass_text_cap", True),
            ("max_body_characters", 0),
            ("max_body_characters", 5000),
            ("max_body_characters", MAX_BODY_CHARACTERS_LIMIT + 1),
            ("monthly_allowance", -1),
        ],
    )
    def test_out_of_bounds_is_refused(self, field: str, value: object) -> None:
        """Each bound refuses the first value past it with a typed ``ValueError``."""
        kwargs: dict[str, Any] = {field: value}
        with pytest.raises(HostDeclarationError, match=rf"^{field} must be .*; got {value!r}$"):
            HostPolicy(**kwargs)

    def test_the_error_is_a_value_and_configuration_error(self) -> None:
        """Callers catching ``ValueError`` or ``ConfigurationError`` both see it."""
        with pytest.raises(HostDeclarationError) as caught:
            HostPolicy(mass_text_cap=0)
        assert isinstance(caught.value, ValueError)
        assert isinstance(caught.value, ConfigurationError)
        assert ("mass_text_cap", 0) == (caught.value.field, caught.value.value)

    def test_seats_need_an_allowance(self) -> None:
        """With seats on, an allowance of 0 would leave every seat unable to text."""
        with pytest.raises(HostDeclarationError, match="at least 1 when seats are enabled"):
            HostPolicy(seats_enabled=True, monthly_allowance=0)

    @pytest.mark.parametrize(
        "policy",
        [
            {"users_per_number": None},
            {"users_per_number": 1},
            {"mass_text_cap": 1},
            {"mass_text_cap": MAX_MASS_TEXT_CAP},
            {"max_body_characters": 1},
            {"max_body_characters": MAX_BODY_CHARACTERS_LIMIT},
            {"seats_enabled": True, "monthly_allowance": 1},
            {"monthly_allowance": 0},
            {"allowance_unit": AllowanceUnit.SEGMENT},
        ],
    )
    def test_values_on_the_bounds_are_taken(self, policy: dict[str, Any]) -> None:
        """The bounds themselves are inside."""
        assert HostPolicy(**policy) is not None


class TestHostInfo:
    """A host's declaration: a short name, free text and a valid policy."""

    @pytest.mark.parametrize("name", ["", "Vendor", "vendor portal", "1vendor", "v" * 41, "ü"])
    def test_bad_names_are_refused(self, name: str) -> None:
        """A name that cannot be typed as ``host=...`` is refused, saying what a name is."""
        with pytest.raises(HostDeclarationError, match="short identifier"):
            HostInfo(name=name)

    @pytest.mark.parametrize("name", ["v", "vendor_portal", "hcm-widget", "a" + "9" * 39])
    def test_good_names(self, name: str) -> None:
        """Lower-case letters, digits, ``_`` and ``-`` after a letter, up to 40 in all."""
        assert name == HostInfo(name=name).name

    def test_policy_must_be_a_host_policy(self) -> None:
        """A mapping instead of a policy is refused when the declaration is built."""
        with pytest.raises(HostDeclarationError, match=r"policy must be a sms_core\.HostPolicy"):
            HostInfo(name="vendor", policy={"mass_text_cap": 5})  # type: ignore[arg-type]

    def test_defaults(self) -> None:
        """Version and description may be left empty; the policy defaults to the core's."""
        assert HostInfo(name="vendor") == HostInfo(
            name="vendor", version="", description="", policy=HostPolicy()
        )
