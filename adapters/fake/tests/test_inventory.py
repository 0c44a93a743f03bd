import re
from pathlib import Path

import phonenumbers
import pytest

from sms_core import (
    AvailableNumber,
    InvalidQueryError,
    ManualClock,
    NumberQuery,
    NumberSettings,
    NumberType,
    NumberUnavailableError,
    PhoneNumber,
    ProviderNotFoundError,
)
from sms_core.compliance.area_codes import US_AREA_CODES
from sms_fake import SandboxCarrier


def _assert_valid(found: list[AvailableNumber], country: str) -> None:
    for offer in found:
        parsed = phonenumbers.parse(offer.number.e164, None)
        assert phonenumbers.is_valid_number(parsed), offer
        assert country == phonenumbers.region_code_for_number(parsed)
        assert country == offer.country


class TestSearch:
    """Searches offer valid numbers that honour every filter."""

    @pytest.mark.parametrize("country", ["US", "CA", "GB"])
    def test_offers_valid_numbers_of_the_country(
        self, carrier: SandboxCarrier, country: str
    ) -> None:
        """A search by country alone offers as many valid numbers of that country as asked."""
        found = carrier.search_numbers(NumberQuery(country=country, limit=50))
        assert 50 == len(found)
        assert 50 == len({offer.number for offer in found})
        _assert_valid(found, country)

    def test_broad_search_spreads_over_area_codes(self, carrier: SandboxCarrier) -> None:
        """Offers come from many area codes in turn, not all from the first one."""
        found = carrier.search_numbers(NumberQuery(country="US", limit=10))
        assert 10 == len({offer.number.e164[2:5] for offer in found})

    @pytest.mark.parametrize(
        ("country", "area_code", "prefix"),
        [
            ("US", "415", "+1415"),
            ("CA", "416", "+1416"),
            ("GB", "161", "+44161"),
            ("GB", "020", "+4420"),
        ],
    )
    def test_by_area_code(
        self, carrier: SandboxCarrier, country: str, area_code: str, prefix: str
    ) -> None:
        """Every offer starts with the area code (a UK trunk 0 may be typed or not)."""
        found = carrier.search_numbers(NumberQuery(country=country, area_code=area_code))
        assert 20 == len(found)
        assert all(offer.number.e164.startswith(prefix) for offer in found)
        _assert_valid(found, country)

    def test_every_us_area_code_the_project_knows(self, carrier: SandboxCarrier) -> None:
        """Each code of the core's one table is sold, in its state (issue 13.13: 310 was not).

        The quiet-hours rules read the same table, so the sandbox sells a number wherever the
        SDK knows a state's texting hours.
        """
        unsold = []
        for state, codes in US_AREA_CODES.items():
            for code in codes:
                query = NumberQuery(country="US", region=state, area_code=code, limit=1)
                found = carrier.search_numbers(query)
                if not found or not found[0].number.e164.startswith(f"+1{code}"):
                    unsold.append(f"{code} ({state})")
                _assert_valid(found, "US")
        assert [] == unsold

    @pytest.mark.parametrize(("state", "code"), [("CA", "310"), ("NY", "718"), ("TX", "713")])
    def test_codes_once_missing(self, carrier: SandboxCarrier, state: str, code: str) -> None:
        """Los Angeles' 310, Brooklyn's 718 and Houston's 713 are for sale in their states."""
        query = NumberQuery(country="US", region=state, area_code=code, limit=3)
        found = carrier.search_numbers(query)
        assert 3 == len(found)
        assert all(offer.number.e164.startswith(f"+1{code}") for offer in found)

    def test_area_code_of_another_country_finds_nothing(self, carrier: SandboxCarrier) -> None:
        """A Canadian area code searched in the US is an empty answer."""
        assert [] == carrier.search_numbers(NumberQuery(country="US", area_code="416"))

    @pytest.mark.parametrize(
        ("country", "region", "expected"),
        [
            ("US", "CA", "CA"),
            ("US", "California", "CA"),
            ("US", "texas", "TX"),
            ("CA", "ON", "ON"),
            ("CA", "Quebec", "QC"),
            ("GB", "Scotland", "Scotland"),
        ],
    )
    def test_by_region_code_or_name(
        self, carrier: SandboxCarrier, country: str, region: str, expected: str
    ) -> None:
        """A state or province by code or name, or a UK region, finds numbers there."""
        found = carrier.search_numbers(NumberQuery(country=country, region=region))
        assert 20 == len(found)
        assert {expected} == {offer.region for offer in found}
        _assert_valid(found, country)

    def test_uk_region_may_be_a_city(self, carrier: SandboxCarrier) -> None:
        """A UK search by city finds numbers of that city's area code."""
        found = carrier.search_numbers(NumberQuery(country="GB", region="Manchester", limit=5))
        assert {"Manchester"} == {offer.locality for offer in found}
        assert all(offer.number.e164.startswith("+44161") for offer in found)

    def test_region_and_area_code_together(self, carrier: SandboxCarrier) -> None:
        """An area code outside the region finds nothing."""
        query = NumberQuery(country="US", region="NY", area_code="415")
        assert [] == carrier.search_numbers(query)

    @pytest.mark.parametrize(
        ("country", "postal_code", "kept"),
        [
            ("US", "94105", "94105"),
            ("US", "94105-1420", "94105"),
            ("CA", "M5V 3L9", "M5V"),
            ("GB", "SW1A 1AA", "SW1A"),
            ("GB", "M11AE", "M1"),
        ],
    )
    def test_by_known_postal_code(
        self, carrier: SandboxCarrier, country: str, postal_code: str, kept: str
    ) -> None:
        """A postal code the sandbox knows finds numbers placed there."""
        found = carrier.search_numbers(NumberQuery(country=country, postal_code=postal_code))
        assert found
        assert {kept} == {offer.postal_code for offer in found}
        _assert_valid(found, country)

    def test_unknown_postal_code_finds_nothing(self, carrier: SandboxCarrier) -> None:
        """A ZIP code the sandbox has no numbers in is an empty answer, as the seeds warn."""
        assert [] == carrier.search_numbers(NumberQuery(country="US", postal_code="59001"))

    @pytest.mark.parametrize(
        ("contains", "pattern"),
        [
            ("2468", r"2468"),
            ("5*5", r"5\d5"),
            ("JOB", r"562"),
            ("+1415", r"^1415"),
            ("07$", r"07$"),
            ("4%99", r"4\d*99"),
        ],
    )
    def test_by_contains(self, carrier: SandboxCarrier, contains: str, pattern: str) -> None:
        """Digits, keypad letters, * and % wildcards, + and $ anchors all filter."""
        found = carrier.search_numbers(NumberQuery(country="US", contains=contains, limit=10))
        assert found
        assert all(re.search(pattern, offer.number.e164[1:]) for offer in found)
        _assert_valid(found, "US")

    def test_misplaced_anchor_is_refused(self, carrier: SandboxCarrier) -> None:
        """A '+' inside a pattern is an invalid query, not an empty answer."""
        with pytest.raises(InvalidQueryError, match="'\\+' may only start it"):
            carrier.search_numbers(NumberQuery(country="US", contains="41+5"))

    def test_impossible_pattern_finds_nothing(self, carrier: SandboxCarrier) -> None:
        """Eight nines cannot fit in the seven digits after an area code."""
        query = NumberQuery(country="US", area_code="415", contains="99999999")
        assert [] == carrier.search_numbers(query)

    def test_toll_free(self, carrier: SandboxCarrier) -> None:
        """US toll-free numbers have no region and are valid toll-free numbers."""
        found = carrier.search_numbers(NumberQuery(number_type=NumberType.TOLL_FREE, limit=7))
        assert 7 == len(found)
        for offer in found:
            parsed = phonenumbers.parse(offer.number.e164, None)
            assert phonenumbers.PhoneNumberType.TOLL_FREE == phonenumbers.number_type(parsed)
            assert offer.region is None

    def test_toll_free_with_a_region_finds_nothing(self, carrier: SandboxCarrier) -> None:
        """Toll-free numbers belong to no region."""
        query = NumberQuery(number_type=NumberType.TOLL_FREE, region="CA")
        assert [] == carrier.search_numbers(query)

    def test_respects_limit(self, carrier: SandboxCarrier) -> None:
        """No more numbers than asked for."""
        assert 3 == len(carrier.search_numbers(NumberQuery(area_code="415", limit=3)))

    def test_capabilities(self, carrier: SandboxCarrier) -> None:
        """North American numbers take MMS; UK numbers do not; all take SMS and calls."""
        [us] = carrier.search_numbers(NumberQuery(country="US", limit=1))
        [gb] = carrier.search_numbers(NumberQuery(country="GB", limit=1))
        assert (
            True,
            True,
            True,
        ) == (us.capabilities.sms, us.capabilities.mms, us.capabilities.voice)
        assert (
            True,
            False,
            True,
        ) == (gb.capabilities.sms, gb.capabilities.mms, gb.capabilities.voice)

    def test_voice_disabled_finds_nothing(self, carrier: SandboxCarrier) -> None:
        """Every sandbox number takes calls, so numbers without voice do not exist."""
        assert [] == carrier.search_numbers(NumberQuery(area_code="415", voice_enabled=False))

    @pytest.mark.parametrize(
        ("query", "message"),
        [
            (NumberQuery(country="FR"), "sells no numbers in 'FR'"),
            (NumberQuery(country="GB", number_type=NumberType.TOLL_FREE), "no 'toll_free'"),
            (NumberQuery(country="US", number_type=NumberType.MOBILE), "no 'mobile'"),
        ],
    )
    def test_unsupported_query_is_refused(
        self, carrier: SandboxCarrier, query: NumberQuery, message: str
    ) -> None:
        """A country or kind of number the sandbox does not sell is an invalid query."""
        with pytest.raises(InvalidQueryError, match=message):
            carrier.search_numbers(query)


class TestDeterminism:
    """The same search always offers the same numbers, less the ones bought."""

    def test_same_search_same_offer_in_a_fresh_carrier(
        self, carrier: SandboxCarrier, tmp_path: Path, clock: ManualClock
    ) -> None:
        """Another sandbox file offers exactly the same numbers."""
        query = NumberQuery(region="CA", limit=30)
        with SandboxCarrier(tmp_path / "other.sqlite3", clock=clock) as other:
            assert carrier.search_numbers(query) == other.search_numbers(query)

    def test_bought_number_leaves_the_offer_and_release_returns_it(
        self, carrier: SandboxCarrier
    ) -> None:
        """A bought number is offered to nobody; released, it is offered again in its place."""
        query = NumberQuery(area_code="415", limit=5)
        before = carrier.search_numbers(query)
        bought = carrier.purchase_number("someone-else", before[1].number)
        after = carrier.search_numbers(query)
        assert before[1] not in after
        assert before[:1] + before[2:] == after[:4]
        carrier.release_number("someone-else", bought.sid)
        assert before == carrier.search_numbers(query)


class TestPurchase:
    """Buying, configuring and releasing numbers."""

    def test_purchase_keeps_offer_details_and_settings(
        self, carrier: SandboxCarrier, hook_settings: NumberSettings
    ) -> None:
        """The bought number carries its place, a PN id and the settings given."""
        offer = carrier.search_numbers(NumberQuery(postal_code="94105", limit=1))[0]
        bought = carrier.purchase_number("northwind", offer.number, hook_settings)
        assert re.fullmatch(r"PN[0-9a-f]{32}", bought.sid)
        assert (offer.number, "CA", "San Francisco", "94105") == (
            bought.number,
            bought.region,
            bought.locality,
            bought.postal_code,
        )
        assert hook_settings == bought.settings
        assert bought.service_sid is None

    def test_taken_number_is_unavailable(self, carrier: SandboxCarrier) -> None:
        """Buying a number someone bought raises NumberUnavailableError 21422."""
        offer = carrier.search_numbers(NumberQuery(area_code="415", limit=1))[0]
        carrier.purchase_number("someone-else", offer.number)
        with pytest.raises(NumberUnavailableError) as caught:
            carrier.purchase_number("northwind", offer.number)
        assert "21422" == caught.value.code
        assert "fake" == caught.value.provider

    def test_number_never_offered_is_unavailable(self, carrier: SandboxCarrier) -> None:
        """A valid number outside the sandbox's stock cannot be bought."""
        with pytest.raises(NumberUnavailableError, match="not a number the sandbox"):
            carrier.purchase_number("northwind", PhoneNumber.parse("+1 505 555 0100"))

    def test_configure_replaces_settings_whole(
        self, carrier: SandboxCarrier, hook_settings: NumberSettings
    ) -> None:
        """New settings replace the old ones, forwarding included."""
        offer = carrier.search_numbers(NumberQuery(area_code="415", limit=1))[0]
        bought = carrier.purchase_number("northwind", offer.number, hook_settings)
        forwarding = NumberSettings(forward_to=PhoneNumber.parse("+1 312 555 0175"))
        assert forwarding == carrier.configure_number("northwind", bought.sid, forwarding).settings
        assert forwarding == carrier.number("northwind", bought.sid).settings

    def test_other_account_cannot_touch_a_number(self, carrier: SandboxCarrier) -> None:
        """Another account's number is not found, for configuring or releasing."""
        offer = carrier.search_numbers(NumberQuery(area_code="415", limit=1))[0]
        bought = carrier.purchase_number("northwind", offer.number)
        with pytest.raises(ProviderNotFoundError) as caught:
            carrier.release_number("intruder", bought.sid)
        assert "20404" == caught.value.code
        with pytest.raises(ProviderNotFoundError):
            carrier.configure_number("intruder", bought.sid, NumberSettings())

    def test_released_number_is_gone(self, carrier: SandboxCarrier) -> None:
        """Releasing twice raises ProviderNotFoundError."""
        offer = carrier.search_numbers(NumberQuery(area_code="415", limit=1))[0]
        bought = carrier.purchase_number("northwind", offer.number)
        carrier.release_number("northwind", bought.sid)
        assert [] == carrier.numbers("northwind")
        with pytest.raises(ProviderNotFoundError):
            carrier.release_number("northwind", bought.sid)
