import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from sms_core import Account, RegistrationStep, StepStatus
from sms_core.testing import sample_brand, sample_campaign
from sms_twilio import PooledHttpClient, TwilioAdapter
from sms_twilio.testing import AUTH_TOKEN, TwilioStandIn
from sms_twilio.testing.prism import SPEC_FILES, patch_spec

_AC = "AC" + "ab" * 16


@pytest.mark.prism
class TestPrismValidation:
    """The stand-in really has Prism judge each request against Twilio's description."""

    def test_a_request_the_description_refuses_is_a_violation(
        self, stand_in: TwilioStandIn
    ) -> None:
        """A message without To is refused by Prism (422) and recorded."""
        stand_in.take_violations()
        with httpx.Client(auth=(_AC, stand_in.auth_token)) as client:
            answer = client.post(
                f"{stand_in.url}/api/2010-04-01/Accounts/{_AC}/Messages.json",
                data={"From": "+14152345678", "Body": "hi"},
            )
        [violation] = stand_in.take_violations()
        assert (422, 422) == (answer.status_code, violation.status)
        assert "To" in violation.detail

    def test_empty_url_clears_a_webhook(self, stand_in: TwilioStandIn) -> None:
        """The patched description lets UpdateIncomingPhoneNumber clear SmsUrl with ''."""
        stand_in.take_violations()
        number = stand_in.state.buy_number(_AC, {"AreaCode": ["415"]})
        with httpx.Client(auth=(_AC, stand_in.auth_token)) as client:
            answer = client.post(
                f"{stand_in.url}/api/2010-04-01/Accounts/{_AC}/IncomingPhoneNumbers/"
                f"{number['sid']}.json",
                data={"SmsUrl": "", "VoiceUrl": ""},
            )
        assert ([], 200) == (stand_in.take_violations(), answer.status_code)
        assert None is answer.json()["sms_url"]


class TestSpecPatch:
    """The test-time copies add only the two documented corrections."""

    @pytest.fixture(scope="class")
    @classmethod
    def patched(
        cls, tmp_path_factory: pytest.TempPathFactory, twilio_oai: Path
    ) -> dict[str, dict[str, object]]:
        target = tmp_path_factory.mktemp("patched")
        copies: dict[str, dict[str, object]] = {}
        for name, file_name in SPEC_FILES.items():
            patch_spec(twilio_oai / file_name, target / file_name)
            copies[name] = json.loads((target / file_name).read_text())
        return copies

    @staticmethod
    def _form(spec: dict[str, object], path: str) -> dict[str, object]:
        operation = spec["paths"][path]["post"]  # type: ignore[index]
        form: dict[str, object] = operation["requestBody"]["content"][
            "application/x-www-form-urlencoded"
        ]
        return form

    def test_array_fields_are_repeated_keys(self, patched: dict[str, dict[str, object]]) -> None:
        """MediaUrl and MessageSamples are exploded form arrays with reserved characters allowed."""
        exploded = {"style": "form", "explode": True, "allowReserved": True}
        messages = self._form(patched["api"], "/2010-04-01/Accounts/{AccountSid}/Messages.json")
        campaign = self._form(
            patched["messaging"], "/v1/Services/{MessagingServiceSid}/Compliance/Usa2p"
        )
        assert exploded == messages["encoding"]["MediaUrl"]  # type: ignore[index]
        assert exploded == campaign["encoding"]["MessageSamples"]  # type: ignore[index]

    def test_only_number_urls_accept_an_empty_string(
        self, patched: dict[str, dict[str, object]]
    ) -> None:
        """UpdateIncomingPhoneNumber's SmsUrl takes a URI or ''; CreateMessage is unchanged."""
        update = self._form(
            patched["api"], "/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers/{Sid}.json"
        )
        sms_url = update["schema"]["properties"]["SmsUrl"]  # type: ignore[index]
        assert {"type": "string", "enum": [""]} in sms_url["anyOf"]
        messages = self._form(patched["api"], "/2010-04-01/Accounts/{AccountSid}/Messages.json")
        callback = messages["schema"]["properties"]["StatusCallback"]  # type: ignore[index]
        assert "uri" == callback["format"]


class TestStandIn:
    """The stand-in answers as Twilio does, over real HTTP on loopback."""

    @pytest.fixture
    def served(self) -> Iterator[tuple[TwilioStandIn, TwilioAdapter]]:
        with (
            TwilioStandIn() as stand_in,
            PooledHttpClient(base_urls=stand_in.base_urls) as http,
        ):
            yield stand_in, TwilioAdapter(http=http, environ={"TWILIO_AUTH_TOKEN": AUTH_TOKEN})

    def test_wrong_token_is_twilio_20003(self) -> None:
        """A request with another auth token gets 401 and Twilio's code 20003."""
        with TwilioStandIn() as stand_in, httpx.Client(auth=(_AC, "wrong")) as client:
            answer = client.get(f"{stand_in.url}/api/2010-04-01/Accounts/{_AC}/Messages.json")
        assert (401, 20003) == (answer.status_code, answer.json()["code"])

    def test_absolute_paging_links_come_back_through_the_prefix_map(
        self, served: tuple[TwilioStandIn, TwilioAdapter]
    ) -> None:
        """A Messaging list of two pages links page 2 on messaging.twilio.com; it is followed."""
        stand_in, adapter = served
        account = Account(
            id="acme",
            name="Acme",
            provider="twilio",
            provider_settings={
                "account_sid": _AC,
                "primary_customer_profile_sid": stand_in.state.primary_profile(_AC),
            },
        )
        brand = adapter.sms_submit_brand(account=account, brand=sample_brand(), previous_ref=None)
        assert brand is not None
        stand_in.state.complete_review(_AC, brand.provider_ref)
        campaign = adapter.sms_submit_campaign(
            account=account,
            brand_ref=brand.provider_ref,
            campaign=sample_campaign(),
            previous_ref=None,
        )
        assert campaign is not None
        service_sid = campaign.provider_ref.split("/")[0]
        client = adapter.client_for(account)
        second = client.messaging.v1.services(service_sid).us_app_to_person.create(
            brand_registration_sid=brand.provider_ref,
            description="Second campaign",
            message_flow="Opt-in on the careers site.",
            message_samples=["Sample one", "Sample two"],
            us_app_to_person_usecase="MIXED",
            has_embedded_links=False,
            has_embedded_phone=False,
        )
        campaigns = client.messaging.v1.services(service_sid).us_app_to_person.list(page_size=1)
        assert {campaign.provider_ref.split("/")[1], second.sid} == {c.sid for c in campaigns}
        state = adapter.sms_fetch_registration(
            account=account, step=RegistrationStep.MESSAGING_SERVICE, ref=service_sid
        )
        assert state is not None
        assert StepStatus.IN_PROGRESS == state.status
