"""The provisioning contract: searching, buying, configuring and releasing numbers."""

from __future__ import annotations

import re

import attrs
import phonenumbers
import pytest

from sms_core.domain import (
    Account,
    AvailableNumber,
    NumberQuery,
    NumberSettings,
    PhoneNumber,
    ProvisionedNumber,
    SearchFilter,
)
from sms_core.exceptions import InvalidQueryError, NumberUnavailableError, ProviderNotFoundError
from sms_core.plugins import Hooks
from sms_core.testing.contract.fixtures import HOOK_BASE_URL, CarrierFixtures

__all__ = ["ProvisioningContract"]


class ProvisioningContract(CarrierFixtures):
    """Searching, buying, configuring and releasing numbers."""

    def test_search_by_area_code(
        self, hooks: Hooks, account: Account, search_query: NumberQuery
    ) -> None:
        """Every number found by area code starts with that area code."""
        found = hooks.search_numbers(account, search_query)
        _assert_offered(found, search_query)
        area_code = search_query.area_code
        assert area_code is not None, "search_query must filter by area code"
        elsewhere = [
            o.number for o in found if not _national_digits(o.number).startswith(area_code)
        ]
        assert [] == elsewhere

    def test_search_by_region(
        self, hooks: Hooks, account: Account, region_query: NumberQuery
    ) -> None:
        """Every number found by region is in that region, when the carrier says."""
        found = hooks.search_numbers(account, region_query)
        _assert_offered(found, region_query)
        elsewhere = [o.number for o in found if o.region not in {None, region_query.region}]
        assert [] == elsewhere

    def test_search_by_postal_code(
        self, hooks: Hooks, account: Account, postal_query: NumberQuery
    ) -> None:
        """By postal code, as the carrier declares (``ProviderCapabilities.search_filters``).

        A carrier that declares the filter returns only numbers with that postal code (none
        found is fine); for one that does not, the core refuses the search with
        InvalidQueryError naming the filter, and its other filters still search.
        """
        capabilities = hooks.provider_info(account).capabilities
        if SearchFilter.POSTAL_CODE not in capabilities.search_filters:
            with pytest.raises(InvalidQueryError, match="postal_code"):
                hooks.search_numbers(account, postal_query)
            without = attrs.evolve(postal_query, postal_code=None)
            _assert_offered(hooks.search_numbers(account, without), without, allow_empty=True)
            return
        found = hooks.search_numbers(account, postal_query)
        _assert_offered(found, postal_query, allow_empty=True)
        elsewhere = [o.number for o in found if o.postal_code != postal_query.postal_code]
        assert [] == elsewhere

    def test_search_by_locality(
        self, hooks: Hooks, account: Account, locality_query: NumberQuery
    ) -> None:
        """By city, as the carrier declares (``ProviderCapabilities.search_filters``).

        A carrier that declares the filter returns numbers, each in that city (compared
        without case); for one that does not, the core refuses the search with
        InvalidQueryError naming the filter, and its other filters still search.
        """
        capabilities = hooks.provider_info(account).capabilities
        locality = locality_query.locality
        assert locality is not None, "locality_query must filter by locality"
        if SearchFilter.LOCALITY not in capabilities.search_filters:
            with pytest.raises(InvalidQueryError, match="locality"):
                hooks.search_numbers(account, locality_query)
            without = attrs.evolve(locality_query, locality=None)
            _assert_offered(hooks.search_numbers(account, without), without, allow_empty=True)
            return
        found = hooks.search_numbers(account, locality_query)
        _assert_offered(found, locality_query)
        elsewhere = [
            (o.number, o.locality)
            for o in found
            if (o.locality or "").casefold() != locality.casefold()
        ]
        assert [] == elsewhere

    def test_search_by_contains(
        self, hooks: Hooks, account: Account, contains_query: NumberQuery
    ) -> None:
        """Every number found by pattern contains the pattern."""
        found = hooks.search_numbers(account, contains_query)
        _assert_offered(found, contains_query)
        pattern = contains_query.contains
        assert pattern is not None, "contains_query must have a pattern"
        unmatched = [o.number for o in found if not _contains(o.number, pattern)]
        assert [] == unmatched

    def test_search_respects_limit(
        self, hooks: Hooks, account: Account, search_query: NumberQuery
    ) -> None:
        """A search returns at most ``limit`` numbers."""
        query = attrs.evolve(search_query, limit=2)
        found = hooks.search_numbers(account, query)
        _assert_offered(found, query)

    def test_search_without_matches_returns_empty_list(
        self, hooks: Hooks, account: Account, empty_query: NumberQuery
    ) -> None:
        """A search nothing matches answers an empty list, not an error."""
        assert [] == hooks.search_numbers(account, empty_query)

    def test_purchase_returns_number_with_ref_and_settings(
        self,
        offered_number: AvailableNumber,
        purchased_number: ProvisionedNumber,
        webhook_settings: NumberSettings,
    ) -> None:
        """A bought number is the one asked for, has a carrier id and the given settings."""
        assert offered_number.number == purchased_number.number
        assert purchased_number.provider_ref
        assert webhook_settings == purchased_number.settings

    def test_bought_number_leaves_search(
        self,
        hooks: Hooks,
        account: Account,
        search_query: NumberQuery,
        purchased_number: ProvisionedNumber,
    ) -> None:
        """A bought number is no longer offered, not even to a search for exactly it."""
        exactly = NumberQuery(
            country=search_query.country, contains=_national_digits(purchased_number.number)
        )
        found = hooks.search_numbers(account, search_query) + hooks.search_numbers(account, exactly)
        assert purchased_number.number not in {offered.number for offered in found}

    def test_buying_a_bought_number_is_refused(
        self,
        hooks: Hooks,
        account: Account,
        purchased_number: ProvisionedNumber,
        webhook_settings: NumberSettings,
    ) -> None:
        """Buying a number already bought raises NumberUnavailableError with the carrier code."""
        with pytest.raises(NumberUnavailableError) as caught:
            hooks.purchase_number(account, purchased_number.number, webhook_settings)
        assert caught.value.code, "the error should keep the carrier's code"

    def test_configure_replaces_settings(
        self,
        hooks: Hooks,
        account: Account,
        purchased_number: ProvisionedNumber,
        forward_number: PhoneNumber,
    ) -> None:
        """Configuring replaces every setting, forwarding included."""
        forwarding = NumberSettings(
            sms_url=f"{HOOK_BASE_URL}/v2/sms/inbound",
            status_callback_url=f"{HOOK_BASE_URL}/v2/sms/status",
            voice_url=f"{HOOK_BASE_URL}/v2/voice/inbound",
            forward_to=forward_number,
            label="front desk",
        )
        configured = hooks.configure_number(account, purchased_number, forwarding)
        assert purchased_number.number == configured.number
        assert forwarding == configured.settings
        plain = NumberSettings(sms_url=f"{HOOK_BASE_URL}/v3/sms/inbound")
        assert plain == hooks.configure_number(account, configured, plain).settings

    def test_released_number_cannot_be_released_again(
        self, hooks: Hooks, account: Account, purchased_number: ProvisionedNumber
    ) -> None:
        """Releasing a number works once; again raises ProviderNotFoundError."""
        hooks.release_number(account, purchased_number)
        with pytest.raises(ProviderNotFoundError):
            hooks.release_number(account, purchased_number)

    def test_released_number_cannot_be_configured(
        self,
        hooks: Hooks,
        account: Account,
        purchased_number: ProvisionedNumber,
        webhook_settings: NumberSettings,
    ) -> None:
        """Configuring a released number raises ProviderNotFoundError."""
        hooks.release_number(account, purchased_number)
        with pytest.raises(ProviderNotFoundError):
            hooks.configure_number(account, purchased_number, webhook_settings)


def _assert_offered(
    found: list[AvailableNumber], query: NumberQuery, *, allow_empty: bool = False
) -> None:
    """What every search answer must be: valid numbers of the country, within the limit."""
    assert allow_empty or found, (
        f"the carrier offers no numbers for {query}; override the query fixture with a search "
        "it can answer"
    )
    assert len(found) <= query.limit
    for offered in found:
        parsed = phonenumbers.parse(offered.number.e164)
        assert phonenumbers.is_valid_number(parsed), f"{offered.number} is not a valid number"
        assert query.country == phonenumbers.region_code_for_number(parsed)
        assert query.country == offered.country


def _national_digits(number: PhoneNumber) -> str:
    return phonenumbers.national_significant_number(phonenumbers.parse(number.e164))


def _contains(number: PhoneNumber, pattern: str) -> bool:
    """Whether the number's digits contain ``pattern``: letters as on a keypad, ``*`` any digit."""
    digits = phonenumbers.convert_alpha_characters_in_number(pattern)
    regex = "".join(r"\d" if char == "*" else re.escape(char) for char in digits)
    return re.search(regex, number.e164[1:]) is not None
