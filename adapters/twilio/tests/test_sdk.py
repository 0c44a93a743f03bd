"""smsadmin itself on Twilio, configured by settings alone, every request checked by Prism."""

import random
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from sms_core import (
    AccountAdmin,
    CarrierRegistration,
    DeliveryStatus,
    Direction,
    ManualClock,
    NumberQuery,
    OutboundMessage,
    PhoneNumber,
    ProvisionedNumber,
    RegistrationStep,
    SendReceipt,
    SmsAdmin,
    StepStatus,
    WebhookKind,
)
from sms_core.testing import sample_brand, sample_campaign
from sms_core.webhooks import LoopbackServer, create_app
from sms_twilio import CampaignRef, PooledHttpClient, TwilioAdapter
from sms_twilio.testing import TwilioDriver, TwilioStandIn, signed_request

#: 13:00 in New York on a weekday: the candidate may be texted.
_START = datetime(2026, 3, 10, 17, 0, tzinfo=UTC)
_ACCOUNT_SID = "AC" + "5a" * 16
_CANDIDATE = PhoneNumber.parse("+1 212 555 0101")


@pytest.mark.prism
class TestSmsadminOnTwilio:
    """An agency registers, buys a line, texts and hears back through the SDK's services."""

    @pytest.fixture(autouse=True)
    def _every_request_valid(self, stand_in: TwilioStandIn) -> Iterator[None]:
        stand_in.take_violations()
        yield
        assert [] == [str(v) for v in stand_in.take_violations()]

    @pytest.fixture
    def driver(self, stand_in: TwilioStandIn) -> TwilioDriver:
        return TwilioDriver(stand_in.state, stand_in.auth_token, account_sid=_ACCOUNT_SID)

    @pytest.fixture
    def admin(self, tmp_path: Path, stand_in: TwilioStandIn) -> Iterator[SmsAdmin]:
        environ = {"TWILIO_ACCOUNT_SID": _ACCOUNT_SID, "TWILIO_AUTH_TOKEN": stand_in.auth_token}
        with (
            PooledHttpClient(base_urls=stand_in.base_urls) as http,
            SmsAdmin.open(
                f"sqlite:///{tmp_path / 'smsadmin.sqlite3'}",
                plugins=[TwilioAdapter(http=http, environ=environ)],
                load_entry_points=False,
                clock=ManualClock(_START),
                webhook_base_url="https://sms.example.com/webhooks",
                rng=random.Random(3),
            ) as opened,
        ):
            yield opened

    @pytest.fixture
    def advanced_opt_out(self) -> bool:
        """Whether the agency turned on Advanced Opt-Out for its Messaging Service."""
        return False

    @pytest.fixture
    def acme(
        self, admin: SmsAdmin, stand_in: TwilioStandIn, advanced_opt_out: bool
    ) -> AccountAdmin:
        """The agency, its brand and campaign approved by Twilio, with its recruiter's line."""
        primary = stand_in.state.primary_profile(_ACCOUNT_SID)
        account = admin.create_account(
            "acme",
            name="Acme Staffing",
            provider="twilio",
            provider_settings={
                "primary_customer_profile_sid": primary,
                "advanced_opt_out": str(advanced_opt_out).lower(),
            },
        )
        account.users.upsert(
            "admin", first_name="Dana", last_name="Reyes", permissions=["sms.admin"]
        )
        account.users.upsert("rec", first_name="Ann", last_name="Lee")
        account.registration.register("admin", sample_brand(), sample_campaign())
        for _ in RegistrationStep:
            status = account.registration.status()
            for record in (status.brand, status.campaign):
                if record.status is StepStatus.IN_PROGRESS and record.provider_ref:
                    ref = record.provider_ref
                    sid = CampaignRef.parse(ref).campaign_sid if "/" in ref else ref
                    stand_in.state.complete_review(_ACCOUNT_SID, sid)
            account.registration.sync()
        assert account.registration.status().send_ready
        [offer] = account.numbers.search("admin", NumberQuery(area_code="415", limit=1))
        account.numbers.purchase("admin", offer.number, ["rec"], accept_terms=True)
        service_sid = account.registration.status().messaging_service.provider_ref
        assert service_sid is not None
        stand_in.state.set_advanced_opt_out(_ACCOUNT_SID, service_sid, enabled=advanced_opt_out)
        return account

    @pytest.fixture
    def line(self, acme: AccountAdmin) -> ProvisionedNumber:
        """The recruiter's line as Twilio holds it."""
        [summary] = acme.numbers.list()
        return ProvisionedNumber(number=summary.line.number, provider_ref=summary.line.provider_ref)

    def test_text_then_delivery_report(
        self, acme: AccountAdmin, driver: TwilioDriver, line: ProvisionedNumber
    ) -> None:
        """A text goes out queued; Twilio's signed report to its callback marks it delivered."""
        sent = acme.messages.send("rec", candidate_id="c-1", to=_CANDIDATE, body="Free Friday?")
        assert DeliveryStatus.QUEUED == sent.message.status
        assert sent.message.provider_message_id is not None
        outbound = OutboundMessage(
            message_id=sent.message.id,
            sender=line.number,
            recipient=_CANDIDATE,
            body="Free Friday?",
        )
        receipt = SendReceipt(
            provider_message_id=sent.message.provider_message_id,
            status=DeliveryStatus.QUEUED,
            raw_status="queued",
        )
        report = driver.status_webhook(acme.account, outbound, receipt, DeliveryStatus.DELIVERED)
        assert f"sms_message_id={sent.message.id}" in report.url
        acme.webhooks.handle(WebhookKind.STATUS, report)
        assert DeliveryStatus.DELIVERED == acme.messages.get("rec", sent.message.id).status

    def test_number_registered_by_event_streams(
        self, acme: AccountAdmin, stand_in: TwilioStandIn, line: ProvisionedNumber
    ) -> None:
        """Pending once attached; registered when Event Streams' sink delivery says so."""
        [summary] = acme.numbers.list()
        assert CarrierRegistration.PENDING == summary.line.carrier_registration
        sink = TwilioDriver(
            stand_in.state,
            stand_in.auth_token,
            account_sid=_ACCOUNT_SID,
            events_url="https://sms.example.com/webhooks/acme/events",
        )
        for delivery in sink.number_registration_webhooks(acme.account, line):
            acme.webhooks.handle(WebhookKind.EVENTS, delivery)
        [summary] = acme.numbers.list()
        assert CarrierRegistration.REGISTERED == summary.line.carrier_registration

    def test_reply_and_call(
        self, acme: AccountAdmin, driver: TwilioDriver, line: ProvisionedNumber
    ) -> None:
        """A candidate's reply is stored; a call to a line without forwarding is declined."""
        text = driver.inbound_message_webhook(acme.account, _CANDIDATE, line, "Yes, Friday works")
        assert b"<Response />" in acme.webhooks.handle(WebhookKind.MESSAGES, text).body
        [reply] = acme.messages.thread("rec", line.number, _CANDIDATE)
        assert "Yes, Friday works" == reply.body
        call = driver.inbound_call_webhook(acme.account, _CANDIDATE, line)
        assert b"<Hangup />" in acme.webhooks.handle(WebhookKind.CALLS, call).body

    @pytest.mark.parametrize(
        ("body", "replies"),
        # Twilio's default keywords: Twilio replied, the SDK must not. "opt out" is the FCC's
        # phrase, no Twilio keyword: the SDK confirms it itself.
        [("HELP", 0), ("info", 0), ("STOP", 0), ("Unsubscribe", 0), ("opt out", 1)],
    )
    def test_no_reply_on_top_of_twilios_own(
        self,
        acme: AccountAdmin,
        driver: TwilioDriver,
        line: ProvisionedNumber,
        body: str,
        replies: int,
    ) -> None:
        """Without Advanced Opt-Out Twilio sends no OptOutType, yet answers its keywords itself.

        https://support.twilio.com/hc/en-us/articles/31560110671259-How-to-Track-Opt-Out-Opt-In-and-Help-Messages-Using-the-OptOutType-Parameter
        (OptOutType only with Advanced Opt-Out); a second help reply, or a STOP confirmation
        Twilio refuses with 21610, is what the SDK must not send.
        """
        text = driver.inbound_message_webhook(acme.account, _CANDIDATE, line, body)
        assert "OptOutType" not in text.form()
        acme.webhooks.handle(WebhookKind.MESSAGES, text)
        thread = acme.messages.thread("rec", line.number, _CANDIDATE)
        assert [body] == [m.body for m in thread if m.direction is Direction.INBOUND]
        assert replies == len([m for m in thread if m.direction is Direction.OUTBOUND])

    @pytest.mark.parametrize("advanced_opt_out", [True])
    def test_advanced_opt_out_reports_the_keyword(
        self, acme: AccountAdmin, driver: TwilioDriver, line: ProvisionedNumber
    ) -> None:
        """With Advanced Opt-Out, Twilio's OptOutType says it answered: no second reply."""
        text = driver.inbound_message_webhook(acme.account, _CANDIDATE, line, "help")
        assert ["HELP"] == text.form()["OptOutType"]
        acme.webhooks.handle(WebhookKind.MESSAGES, text)
        thread = acme.messages.thread("rec", line.number, _CANDIDATE)
        assert [Direction.INBOUND] == [m.direction for m in thread]

    def test_anonymous_caller_gets_twiml(
        self, acme: AccountAdmin, stand_in: TwilioStandIn, line: ProvisionedNumber
    ) -> None:
        """A withheld caller ID (From=anonymous) is answered with TwiML, not refused."""
        params, url = stand_in.state.inbound_call(_ACCOUNT_SID, "anonymous", line.number.e164)
        assert url is not None
        call = signed_request(url, params, stand_in.auth_token)
        answer = acme.webhooks.handle(WebhookKind.CALLS, call)
        assert (200, True) == (answer.status, b"<Hangup />" in answer.body)

    def test_calls_report_nowhere(
        self, acme: AccountAdmin, driver: TwilioDriver, line: ProvisionedNumber
    ) -> None:
        """A bought number has no call StatusCallback: Twilio posts no call report to the SDK."""
        call = driver.inbound_call_webhook(acme.account, _CANDIDATE, line)
        acme.webhooks.handle(WebhookKind.CALLS, call)
        assert driver.call_status_webhook(acme.account, call) is None

    def test_call_report_from_an_older_setup_is_acknowledged(
        self,
        acme: AccountAdmin,
        driver: TwilioDriver,
        stand_in: TwilioStandIn,
        line: ProvisionedNumber,
    ) -> None:
        """A number an older version pointed at /status gets its call report acknowledged."""
        status_url = "https://sms.example.com/webhooks/acme/status"
        stand_in.state.update_number(
            _ACCOUNT_SID, line.provider_ref, {"StatusCallback": [status_url]}, line.provider_ref
        )
        call = driver.inbound_call_webhook(acme.account, _CANDIDATE, line)
        acme.webhooks.handle(WebhookKind.CALLS, call)
        report = driver.call_status_webhook(acme.account, call)
        assert report is not None
        assert report.url == status_url
        answer = acme.webhooks.handle(WebhookKind.STATUS, report)
        assert (200, b'<?xml version="1.0" encoding="UTF-8"?><Response />') == (
            answer.status,
            answer.body,
        )

    def test_webhook_app_answers_callers_and_call_reports(
        self,
        admin: SmsAdmin,
        acme: AccountAdmin,
        driver: TwilioDriver,
        stand_in: TwilioStandIn,
        line: ProvisionedNumber,
    ) -> None:
        """Over HTTP, the webhook app answers a withheld caller and a stray call report 200."""
        status_url = "https://sms.example.com/webhooks/acme/status"
        stand_in.state.update_number(
            _ACCOUNT_SID, line.provider_ref, {"StatusCallback": [status_url]}, line.provider_ref
        )
        params, url = stand_in.state.inbound_call(_ACCOUNT_SID, "+266696687", line.number.e164)
        assert url is not None
        call = signed_request(url, params, stand_in.auth_token)
        report = driver.call_status_webhook(acme.account, call)
        assert report is not None
        with LoopbackServer() as server, server.serving(create_app(admin)), httpx.Client() as http:
            answers = [
                http.post(
                    server.url(urlsplit(request.url).path),
                    content=request.body,
                    headers=dict(request.headers),
                )
                for request in (call, report)
            ]
        assert [200, 200] == [answer.status_code for answer in answers]
        assert "<Hangup />" in answers[0].text
        assert answers[1].text.endswith("<Response />")
