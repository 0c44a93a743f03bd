"""The Twilio adapter passes the shared contract suite against Prism and a Twilio stand-in.

Every request the adapter makes goes to the stand-in, which has Prism check it against
Twilio's OpenAPI description before answering from its memory; a request Prism refuses fails
the test that made it.
"""

import hashlib
from collections.abc import Iterator, Mapping, Sequence

import pytest

from sms_core import Account, Hooks, make_plugin_manager
from sms_core.testing import CarrierDriver
from sms_core.testing.contract import CarrierContract
from sms_core.testing.contract.settings import UNKNOWN_SETTING
from sms_twilio import PooledHttpClient, TwilioAdapter
from sms_twilio.testing import TwilioDriver, TwilioStandIn


@pytest.mark.prism
class TestTwilioAgainstPrism(CarrierContract):
    """The shared contract, through Prism-validated requests to the Twilio stand-in."""

    @pytest.fixture(autouse=True)
    def _every_request_valid(self, stand_in: TwilioStandIn) -> Iterator[None]:
        """Fail the test when Prism refused any request it made."""
        stand_in.take_violations()
        yield
        violations = stand_in.take_violations()
        assert [] == [str(v) for v in violations], "Twilio's API description refuses requests"

    @pytest.fixture
    def hooks(self, stand_in: TwilioStandIn) -> Iterator[Hooks]:
        with PooledHttpClient(base_urls=stand_in.base_urls) as http:
            adapter = TwilioAdapter(http=http, environ={"TWILIO_AUTH_TOKEN": stand_in.auth_token})
            yield Hooks(make_plugin_manager(plugins=[adapter], load_entry_points=False))

    @pytest.fixture
    def account(self, account_id: str, stand_in: TwilioStandIn) -> Account:
        account_sid = "AC" + hashlib.md5(account_id.encode()).hexdigest()
        return Account(
            id=account_id,
            name="Contract Staffing",
            provider="twilio",
            provider_settings={
                "account_sid": account_sid,
                "primary_customer_profile_sid": stand_in.state.primary_profile(account_sid),
            },
        )

    @pytest.fixture
    def driver(self, stand_in: TwilioStandIn, events_url: str) -> CarrierDriver:
        return TwilioDriver(stand_in.state, stand_in.auth_token, events_url=events_url)

    @pytest.fixture
    def bad_settings(self) -> Sequence[Mapping[str, str]]:
        """An unknown key, and a Messaging Service SID that is not one.

        A Messaging Service SID is ``^MG[0-9a-fA-F]{32}$`` (the ``sid`` pattern of
        ``/v1/Services`` in twilio-oai's ``twilio_messaging_v1.json``).
        """
        return [{UNKNOWN_SETTING: "blue"}, {"messaging_service_sid": "MG-not-a-service"}]
