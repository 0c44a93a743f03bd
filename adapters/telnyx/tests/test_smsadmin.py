"""``smsadmin`` end to end on Telnyx: configured by account settings and the environment alone.

The commands run in-process through :class:`~sms_core.cli.testing.SmsadminRunner`, as the
core's command-line tests run them, configured the way a user configures them: the database,
account and acting user in ``SMS_*`` variables, the Telnyx secrets (``TELNYX_API_KEY``,
``TELNYX_PUBLIC_KEY``) in the environment only, the messaging profile as the account's
``--setting``. The one thing a user does not do is where Telnyx is: the adapter is passed to
the commands with its ``base_url`` on the stand-in's loopback socket
(:class:`~sms_telnyx.testing.server.StandInServer`), the constructor argument no environment
variable can set (``TELNYX_BASE_URL`` is ignored on purpose, :mod:`sms_telnyx.client`). Every
request the official ``telnyx`` package makes is checked by Prism serving Telnyx's trimmed
description; a refusal fails the test.

Webhooks go through ``smsadmin serve``: its uvicorn is replaced by the same app served on a
loopback port, to which the tests post what Telnyx would, signed with Ed25519 by the driver
(``telnyx-signature-ed25519`` over ``f"{telnyx-timestamp}|{body}"``,
https://developers.telnyx.com/docs/messaging/messages/receiving-webhooks).

:class:`TestServeAsInstalled` runs the installed console script in a process of its own,
Telnyx loaded from its ``sms_core`` entry point with nothing injected: ``smsadmin plugins``, and
``smsadmin serve`` holding only the public key.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import attrs
import httpx
import pytest
import uvicorn
from nacl.signing import SigningKey

from sms_core import Account, ManualClock, SmsAdmin
from sms_core.cli.testing import E164, SmsadminRunner
from sms_core.domain import (
    DeliveryStatus,
    OutboundMessage,
    PhoneNumber,
    ProvisionedNumber,
    RegistrationStep,
    SendReceipt,
    WebhookRequest,
)
from sms_core.testing.prism import PrismServer
from sms_core.testing.processes import ServerProcess
from sms_core.webhooks import LoopbackServer
from sms_telnyx import TelnyxAdapter
from sms_telnyx.testing.driver import TelnyxDriver, signed_request
from sms_telnyx.testing.server import StandInServer
from sms_telnyx.testing.standin import API_KEY, TelnyxStandIn, TelnyxState

#: 13:00 in New York on a weekday: candidates may be texted.
START = datetime(2026, 3, 10, 17, 0, tzinfo=UTC)
#: Where the agency's webhook app is reachable from Telnyx.
PUBLIC_URL = "https://sms.example.com/webhooks"
CANDIDATE = "+12125550101"
CROWD = ("+12125550102", "+12125550103", "+12125550104")
BODY = "Hi Sam, are you free for a call about the forklift role?"

FORM = """
[brand]
legal_name = "Acme Staffing LLC"
display_name = "Acme Staffing"
entity_type = "PRIVATE_PROFIT"
tax_id = "12-3456789"
website = "https://acme.example.com"
vertical = "HUMAN_RESOURCES"

[brand.address]
street = "100 Market Street"
city = "San Francisco"
region = "CA"
postal_code = "94105"

[brand.contact]
first_name = "Dana"
last_name = "Reyes"
email = "dana@acme.example.com"
phone = "(415) 555-0134"

[campaign]
use_case = "CUSTOMER_CARE"
description = "Acme Staffing recruiters text candidates about interviews and shifts."
message_flow = "Candidates opt in on the careers site by ticking a box for recruiting texts."
sample_messages = [
  "Acme Staffing: are you free for an interview on [date]? Reply STOP to opt out.",
  "Hi [name], your shift at [client] starts at 9am. Reply STOP to opt out.",
]
has_embedded_links = false
has_embedded_phone = false
"""

_CLEARED = ("SMS_HOST", "SMS_CORE_DISABLED_PLUGINS", "FORCE_COLOR", "TELNYX_BASE_URL")


@pytest.fixture
def clock() -> ManualClock:
    """The time of the SDK, the adapter (signature freshness) and the stand-in."""
    return ManualClock(START)


@pytest.fixture
def stand_in(clock: ManualClock, telnyx_prism: PrismServer) -> Iterator[TelnyxStandIn]:
    """Telnyx, checked by Prism; no request may be refused by Telnyx's description."""
    stand_in = TelnyxStandIn(TelnyxState(clock), prism=telnyx_prism.base_url)
    yield stand_in
    violations = [str(v) for v in stand_in.take_violations()]
    stand_in.close()
    assert [] == violations


@pytest.fixture
def signing_key() -> SigningKey:
    """The account's Ed25519 key pair at Telnyx, made for the test."""
    return SigningKey.generate()


@pytest.fixture
def driver(stand_in: TelnyxStandIn, signing_key: SigningKey) -> TelnyxDriver:
    """Ends reviews and signs Telnyx's webhooks with the account's key."""
    return TelnyxDriver(stand_in.state, signing_key)


@pytest.fixture
def environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, driver: TelnyxDriver) -> Path:
    """What a user puts in the shell: the database, the Telnyx secrets, the public URL."""
    for name in _CLEARED:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SMS_DATABASE_URL", f"sqlite:///{tmp_path / 'smsadmin.sqlite3'}")
    monkeypatch.setenv("SMS_WEBHOOK_BASE_URL", PUBLIC_URL)
    monkeypatch.setenv("TELNYX_API_KEY", API_KEY)
    monkeypatch.setenv("TELNYX_PUBLIC_KEY", driver.public_key)
    # Nothing here may redirect the adapter: the package's own variable is ignored.
    monkeypatch.setenv("TELNYX_BASE_URL", "http://127.0.0.1:9/not-here")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def smsadmin(
    environment: Path, stand_in: TelnyxStandIn, clock: ManualClock
) -> Iterator[SmsadminRunner]:
    """``smsadmin`` with the Telnyx adapter pointed at the stand-in's socket, and only that.

    The adapter reads its secrets from ``os.environ`` and makes its own connection pool.
    """
    with (
        StandInServer(stand_in) as server,
        TelnyxAdapter(base_url=server.base_url, clock=clock) as adapter,
    ):
        yield SmsadminRunner(clock=clock, plugins=(adapter,))


def _review_everything(state: TelnyxState) -> None:
    """Telnyx and the registry approve every brand and campaign still under review."""
    with state.lock:
        pending = [
            *(b for b, r in state.brands.items() if r.get("status") != "OK"),
            *(
                c
                for c, r in state.campaigns.items()
                if r.get("campaignStatus") != "MNO_PROVISIONED"
            ),
        ]
    for ref in pending:
        state.review(ref)


@pytest.fixture
def agency(
    smsadmin: SmsadminRunner,
    stand_in: TelnyxStandIn,
    monkeypatch: pytest.MonkeyPatch,
    environment: Path,
) -> str:
    """Account ``acme`` on Telnyx, registered, with recruiter ``rec``'s line; the line."""
    # The messaging profile the agency made in Mission Control.
    profile = stand_in.state.profile({"name": "Acme Staffing", "webhook_url": None})
    smsadmin.ok(
        "accounts", "create", "acme", "--name", "Acme Staffing", "--provider", "telnyx",
        "--setting", f"messaging_profile_id={profile['id']}",
    )  # fmt: skip
    monkeypatch.setenv("SMS_ACCOUNT", "acme")
    monkeypatch.setenv("SMS_ACTOR", "admin")
    smsadmin.ok(
        "users", "upsert", "admin", "--first", "Dana", "--last", "Reyes",
        "--permission", "sms.admin",
    )  # fmt: skip
    smsadmin.ok("users", "upsert", "rec", "--first", "Ann", "--last", "Lee")
    smsadmin.ok(
        "policy", "set", "--privacy-policy-url", "https://acme.example.com/privacy",
        "--terms-url", "https://acme.example.com/terms",
    )  # fmt: skip
    (environment / "form.toml").write_text(FORM, encoding="utf-8")
    smsadmin.ok("campaign", "register", "--file", "form.toml")
    for _ in range(3):  # brand, then campaign, then the messaging profile
        _review_everything(stand_in.state)
        smsadmin.ok("campaign", "sync")
    [offer] = E164.findall(
        smsadmin.ok("numbers", "search", "--area-code", "415", "--limit", "1").stdout
    )
    smsadmin.ok("numbers", "purchase", offer, "--user", "rec", "--accept-terms")
    smsadmin.ok("campaign", "sync")
    return str(offer)


def _webhook_via_serve(
    smsadmin: SmsadminRunner, monkeypatch: pytest.MonkeyPatch, *requests: WebhookRequest
) -> list[httpx.Response]:
    """Run ``smsadmin serve``; its app, on a loopback port, is posted ``requests`` in turn."""
    answers: list[httpx.Response] = []

    def run(app: Any, **_: Any) -> None:
        with LoopbackServer() as server, server.serving(app), httpx.Client() as http:
            answers.extend(
                http.post(
                    server.url(urlsplit(request.url).path) + f"?{urlsplit(request.url).query}",
                    content=request.body,
                    headers=dict(request.headers),
                )
                for request in requests
            )

    monkeypatch.setattr(uvicorn, "run", run)
    smsadmin.ok(
        "serve", "--public-url", PUBLIC_URL, "--sync-every", "0", "--reconcile-every", "0",
        "--deliver-events-every", "0",
    )  # fmt: skip
    return answers


def _outbound(stand_in: TelnyxStandIn, to: str) -> dict[str, Any]:
    [record] = [m for m in stand_in.state.messages.values() if m["to"][0]["phone_number"] == to]
    return record


def _row(output: str, text: str) -> str:
    """The one line of a table that holds ``text``."""
    [line] = [line for line in output.splitlines() if text in line]
    return line


@pytest.fixture
def line(stand_in: TelnyxStandIn, agency: str) -> ProvisionedNumber:
    """The recruiter's line as Telnyx holds it."""
    record = stand_in.state.line(agency)
    assert record is not None
    return ProvisionedNumber(number=PhoneNumber.parse(agency), provider_ref=str(record["id"]))


@pytest.fixture
def account(agency: str) -> Account:
    """The account as the commands stored it (settings included)."""
    with SmsAdmin.open() as sdk:
        return sdk.account("acme").account


class TestSmsadminOnTelnyx:
    """An agency on Telnyx, from ``accounts create`` to the candidate's history."""

    def test_setup_leaves_a_sendable_line(
        self, smsadmin: SmsadminRunner, stand_in: TelnyxStandIn, agency: str
    ) -> None:
        """Registered, bought on the profile, assigned to the campaign, given to ``rec``.

        The profile's ``webhook_url`` is the SDK's messages URL with webhook API version 2
        (the messaging-service step); the number is assigned to the campaign
        (``POST /v2/10dlc/phone_number_campaigns``, ``assignmentStatus`` ``ASSIGNED``).
        """
        status = smsadmin.ok("campaign", "status").stdout
        for step in ("Brand", "Campaign", "Messaging service"):
            assert "Approved" in _row(status, f" {step} "), status
        assert "Ann Lee" in _row(smsadmin.ok("numbers", "list").stdout, agency)
        [profile] = stand_in.state.profiles.values()
        assert (f"{PUBLIC_URL}/acme/messages", "2") == (
            profile["webhook_url"],
            profile["webhook_api_version"],
        )
        [campaign_id] = stand_in.state.campaigns
        held = stand_in.state.line(agency)
        assert held is not None
        assert profile["id"] == held["messaging_profile_id"]
        assignment = stand_in.state.assignments[agency]
        assert ("ASSIGNED", campaign_id) == (
            assignment["assignmentStatus"],
            assignment["campaignId"],
        )

    def test_text_report_and_reply_reach_the_history(
        self,
        smsadmin: SmsadminRunner,
        stand_in: TelnyxStandIn,
        driver: TelnyxDriver,
        monkeypatch: pytest.MonkeyPatch,
        account: Account,
        line: ProvisionedNumber,
    ) -> None:
        """A text goes out queued; Telnyx's signed report and the reply, through serve, land.

        The report is ``message.finalized`` to the text's own ``webhook_url`` (the account's
        status URL naming the SDK's message), the reply ``message.received`` to the profile's.
        """
        smsadmin.ok("--as", "rec", "send", "--to", CANDIDATE, "--body", BODY, "--candidate", "c-1")
        record = _outbound(stand_in, CANDIDATE)
        assert "queued" == record["to"][0]["status"]
        sent = OutboundMessage(
            message_id="-", sender=line.number, recipient=PhoneNumber.parse(CANDIDATE), body=BODY
        )
        receipt = SendReceipt(
            provider_message_id=record["id"], status=DeliveryStatus.QUEUED, raw_status="queued"
        )
        report = driver.status_webhook(account, sent, receipt, DeliveryStatus.DELIVERED)
        reply = driver.inbound_message_webhook(
            account, PhoneNumber.parse(CANDIDATE), line, "Yes, Friday works"
        )
        assert report.url.startswith(f"{PUBLIC_URL}/acme/status?")
        assert f"{PUBLIC_URL}/acme/messages" == reply.url

        answers = _webhook_via_serve(smsadmin, monkeypatch, report, reply)

        assert [200, 200] == [answer.status_code for answer in answers]
        history = smsadmin.ok("--as", "rec", "history", "c-1").stdout
        assert "delivered" in _row(history, BODY)
        thread = smsadmin.ok("--as", "rec", "thread", line.number.e164, CANDIDATE).stdout
        assert "received" in _row(thread, "Yes, Friday works")

    def test_lost_answer_is_never_sent_again(
        self,
        smsadmin: SmsadminRunner,
        stand_in: TelnyxStandIn,
        driver: TelnyxDriver,
        monkeypatch: pytest.MonkeyPatch,
        clock: ManualClock,
        account: Account,
        line: ProvisionedNumber,
    ) -> None:
        """The send's answer is lost: ``reconcile`` sends nothing again; the report settles it.

        Telnyx looks a message up by its id only (``GET /v2/messages/{id}``), which a lost
        answer never gave; the report's URL names the SDK's message (``sms_message_id``).
        """
        stand_in.lose_next_sends("drop")
        sent = smsadmin.ok(
            "--as", "rec", "send", "--to", CANDIDATE, "--body", BODY, "--candidate", "c-1"
        )  # fmt: skip
        assert "never resent" in sent.stdout
        clock.advance(timedelta(minutes=5))
        smsadmin.ok("reconcile")
        assert 1 == len(stand_in.state.messages)
        record = _outbound(stand_in, CANDIDATE)
        text = OutboundMessage(
            message_id="-", sender=line.number, recipient=PhoneNumber.parse(CANDIDATE), body=BODY
        )
        receipt = SendReceipt(
            provider_message_id=record["id"], status=DeliveryStatus.QUEUED, raw_status="queued"
        )
        report = driver.status_webhook(account, text, receipt, DeliveryStatus.DELIVERED)

        [answer] = _webhook_via_serve(smsadmin, monkeypatch, report)

        assert 200 == answer.status_code
        assert "delivered" in _row(smsadmin.ok("--as", "rec", "history", "c-1").stdout, BODY)
        assert "nothing to reconcile" in smsadmin.ok("reconcile").stdout
        assert 1 == len(stand_in.state.messages)

    def test_forward_then_deactivate(
        self, smsadmin: SmsadminRunner, stand_in: TelnyxStandIn, agency: str
    ) -> None:
        """Calls forwarded by the SDK's TeXML answer, then the number released.

        The number's ``connection_id`` names the TeXML application whose ``voice_url`` is the
        account's calls URL, and Telnyx's own ``call_forwarding`` stays off so no call is
        forwarded twice (adapters/telnyx/README.md, "Calls"); ``DELETE
        /v2/phone_numbers/{id}`` releases it (the ``telnyx`` package's
        ``phone_numbers.delete``).
        """
        held = stand_in.state.line(agency)
        assert held is not None
        smsadmin.ok("numbers", "forward", agency, "+14155550199")
        number = stand_in.state.phone_numbers[held["id"]]
        application = stand_in.state.texml_applications[str(number["connection_id"])]
        assert str(application["voice_url"]).endswith("/calls")
        assert not number["_voice"]["call_forwarding_enabled"]
        assert "+14155550199" in _row(smsadmin.ok("numbers", "list").stdout, agency)

        smsadmin.ok("numbers", "deactivate", agency, "--yes")

        assert stand_in.state.line(agency) is None
        assert agency not in smsadmin.ok("numbers", "list").stdout

    @pytest.mark.parametrize(
        ("autoresponse_type", "replies"),
        # Telnyx names the auto-response it sent in autoresponse_type ("Automatic response
        # type triggered by an inbound opt-in, opt-out, or help keyword. Examples include
        # START, STOP, and HELP", MessagingInboundMessagePayload of the telnyx package); a
        # help auto-response exists only once the account configures one
        # (https://developers.telnyx.com/docs/messaging/messages/advanced-opt-in-out/index).
        [(None, 1), ("HELP", 0)],
    )
    def test_help_is_answered_once(
        self,
        smsadmin: SmsadminRunner,
        stand_in: TelnyxStandIn,
        driver: TelnyxDriver,
        signing_key: SigningKey,
        monkeypatch: pytest.MonkeyPatch,
        clock: ManualClock,
        account: Account,
        line: ProvisionedNumber,
        autoresponse_type: str | None,
        replies: int,
    ) -> None:
        """HELP gets one answer: the SDK's, unless Telnyx says its auto-response answered."""
        built = driver.inbound_message_webhook(account, PhoneNumber.parse(CANDIDATE), line, "HELP")
        event = json.loads(built.body)
        if autoresponse_type is not None:
            event["data"]["payload"]["autoresponse_type"] = autoresponse_type
        help_request = signed_request(built.url, event, signing_key, int(clock.now().timestamp()))

        [answer] = _webhook_via_serve(smsadmin, monkeypatch, help_request)

        assert 200 == answer.status_code
        thread = smsadmin.ok("--as", "rec", "thread", line.number.e164, CANDIDATE).stdout
        assert "received" in _row(thread, "HELP")
        assert replies == len(stand_in.state.messages)
        assert replies == thread.count("→")

    @pytest.mark.parametrize(
        ("body", "autoresponse_type", "replies"),
        # Telnyx acts on and answers its opt-out keywords itself and says so in
        # autoresponse_type (advanced-opt-in-out page above); "opt out" is the FCC's phrase,
        # no Telnyx keyword: the SDK confirms it itself.
        [("STOP", "STOP", 0), ("opt out", None, 1)],
    )
    def test_opt_out_blocks_later_texts(
        self,
        smsadmin: SmsadminRunner,
        stand_in: TelnyxStandIn,
        driver: TelnyxDriver,
        signing_key: SigningKey,
        monkeypatch: pytest.MonkeyPatch,
        clock: ManualClock,
        account: Account,
        line: ProvisionedNumber,
        body: str,
        autoresponse_type: str | None,
        replies: int,
    ) -> None:
        """An opt-out is confirmed once, blocks the number, and a later text never leaves."""
        built = driver.inbound_message_webhook(account, PhoneNumber.parse(CANDIDATE), line, body)
        event = json.loads(built.body)
        if autoresponse_type is not None:
            event["data"]["payload"]["autoresponse_type"] = autoresponse_type
        opt_out = signed_request(built.url, event, signing_key, int(clock.now().timestamp()))

        [answer] = _webhook_via_serve(smsadmin, monkeypatch, opt_out)

        assert 200 == answer.status_code
        assert replies == len(stand_in.state.messages)
        assert CANDIDATE in smsadmin.ok("optouts").stdout
        refused = smsadmin.refused("--as", "rec", "send", "--to", CANDIDATE, "--body", BODY)
        assert f"texted {body!r}" in refused.stderr
        assert replies == len(stand_in.state.messages)

    def test_unsigned_reply_is_refused(
        self,
        smsadmin: SmsadminRunner,
        driver: TelnyxDriver,
        monkeypatch: pytest.MonkeyPatch,
        account: Account,
        line: ProvisionedNumber,
    ) -> None:
        """A reply whose body was changed after signing is refused and stored nowhere."""
        signed = driver.inbound_message_webhook(
            account, PhoneNumber.parse(CANDIDATE), line, "Yes, Friday works"
        )
        forged = attrs.evolve(signed, body=signed.body.replace(b"Yes", b"Nah"))

        [answer] = _webhook_via_serve(smsadmin, monkeypatch, forged)

        assert 403 == answer.status_code
        thread = smsadmin.ok("--as", "rec", "thread", line.number.e164, CANDIDATE).stdout
        assert "Nah" not in thread

    def test_mass_text_sends_each_once(
        self, smsadmin: SmsadminRunner, stand_in: TelnyxStandIn, agency: str
    ) -> None:
        """One message per candidate at Telnyx; the same command again with its key sends none."""
        args = [arg for number in CROWD for arg in ("--to", number)]
        sent = smsadmin.ok("--as", "rec", "send-mass", "--body", BODY, *args, "--key", "m-1")
        again = smsadmin.ok("--as", "rec", "send-mass", "--body", BODY, *args, "--key", "m-1")

        assert "3 sent, 0 refused, 0 failed" in sent.stdout
        assert sorted(CROWD) == sorted(
            m["to"][0]["phone_number"] for m in stand_in.state.messages.values()
        )
        assert 3 == len(stand_in.state.messages), again.stdout


class TestSmsadminRefusesOnTelnyx:
    """What a user gets wrong about Telnyx is refused with its fix, and nothing changes."""

    @pytest.fixture
    def acme(self, smsadmin: SmsadminRunner, monkeypatch: pytest.MonkeyPatch) -> SmsadminRunner:
        """Account ``acme`` on Telnyx with its administrator; nothing bought or registered."""
        smsadmin.ok("accounts", "create", "acme", "--name", "Acme", "--provider", "telnyx")
        monkeypatch.setenv("SMS_ACCOUNT", "acme")
        monkeypatch.setenv("SMS_ACTOR", "admin")
        smsadmin.ok(
            "users", "upsert", "admin", "--first", "Dana", "--last", "Reyes",
            "--permission", "sms.admin",
        )  # fmt: skip
        return smsadmin

    def test_secret_setting_is_refused(self, smsadmin: SmsadminRunner) -> None:
        """An API key given as a setting is refused unshown, and no account is made."""
        refused = smsadmin.refused(
            "accounts", "create", "acme", "--name", "Acme", "--provider", "telnyx",
            "--setting", "api_key=KEYsecret0123",
        )  # fmt: skip
        assert "KEYsecret0123" not in refused.output
        assert "acme" not in smsadmin.ok("accounts", "list").stdout

    def test_missing_api_key_names_the_variable(
        self, acme: SmsadminRunner, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Without ``TELNYX_API_KEY`` the search says which variable to set."""
        monkeypatch.delenv("TELNYX_API_KEY")
        refused = acme.refused("numbers", "search", "--area-code", "415")
        assert "set TELNYX_API_KEY in the environment" in refused.stderr

    def test_wrong_api_key_names_the_variable(
        self, acme: SmsadminRunner, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Telnyx's 401 (10009) points at the variable the key came from, never the key.

        10009 "Authentication failed":
        https://developers.telnyx.com/development/api-fundamentals/api-errors/index
        """
        monkeypatch.setenv("TELNYX_API_KEY", "KEYwrong0123456789")
        refused = acme.refused("numbers", "search", "--area-code", "415")
        assert "TELNYX_API_KEY" in refused.stderr
        assert "KEYwrong0123456789" not in refused.output

    def test_refused_brand_is_troubleshot_and_resubmitted(
        self,
        acme: SmsadminRunner,
        stand_in: TelnyxStandIn,
        driver: TelnyxDriver,
        environment: Path,
    ) -> None:
        """TCR's reason and the next step are shown; the fixed form resubmits the same brand.

        A failed brand is ``REGISTRATION_FAILED`` with its reasons from ``GET
        /v2/10dlc/brand/feedback/{brandId}``, corrected with ``PUT /v2/10dlc/brand/{brandId}``
        (``sms_telnyx.registration``).
        """
        acme.ok(
            "policy", "set", "--privacy-policy-url", "https://acme.example.com/privacy",
            "--terms-url", "https://acme.example.com/terms",
        )  # fmt: skip
        (environment / "form.toml").write_text(FORM, encoding="utf-8")
        acme.ok("campaign", "register", "--file", "form.toml")
        [brand_id] = stand_in.state.brands
        reason = "The legal name does not match the tax id"
        driver.fail_next_registration(
            Account(id="acme", name="Acme", provider="telnyx"),
            RegistrationStep.BRAND,
            reason,
            driver.review_failure_code(RegistrationStep.BRAND),
        )
        _review_everything(stand_in.state)
        acme.ok("campaign", "sync")
        status = acme.ok("campaign", "status").stdout
        assert "Failed" in _row(status, " Brand ")
        assert f"{reason} (error TAX_ID)" in status
        assert "Next step:" in status

        fixed = FORM.replace("Acme Staffing LLC", "Acme Staffing Inc")
        (environment / "fixed.toml").write_text(fixed, encoding="utf-8")
        acme.ok("campaign", "resubmit", "brand", "--file", "fixed.toml")
        _review_everything(stand_in.state)
        acme.ok("campaign", "sync")

        assert [brand_id] == list(stand_in.state.brands)
        assert "Acme Staffing Inc" == stand_in.state.brands[brand_id]["companyName"]
        status = acme.ok("campaign", "status").stdout
        assert "Approved" in _row(status, " Brand ")
        assert "In progress" in _row(status, " Campaign ")

    def test_env_prefix_names_the_accounts_own_key(
        self, smsadmin: SmsadminRunner, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """With ``env_prefix``, an account logs in with its own variable, not TELNYX_API_KEY."""
        smsadmin.ok(
            "accounts", "create", "beta", "--name", "Beta", "--provider", "telnyx",
            "--setting", "env_prefix=TELNYX_BETA_",
        )  # fmt: skip
        monkeypatch.setenv("TELNYX_API_KEY", "KEYsomeoneelse0123")
        monkeypatch.setenv("TELNYX_BETA_API_KEY", API_KEY)
        beta = ("--account", "beta", "--as", "admin")
        smsadmin.ok(*beta, "users", "upsert", "admin", "--first", "Al", "--last", "Ma",
                    "--permission", "sms.admin")  # fmt: skip
        assert E164.findall(smsadmin.ok(*beta, "numbers", "search", "--area-code", "415").stdout)
        monkeypatch.delenv("TELNYX_BETA_API_KEY")
        refused = smsadmin.refused(*beta, "numbers", "search", "--area-code", "415")
        assert "set TELNYX_BETA_API_KEY" in refused.stderr

    def test_buying_without_a_messaging_profile_is_refused(self, acme: SmsadminRunner) -> None:
        """No ``messaging_profile_id``: the purchase says which setting to add; nothing bought."""
        [offer] = E164.findall(
            acme.ok("numbers", "search", "--area-code", "415", "--limit", "1").stdout
        )
        refused = acme.refused("numbers", "purchase", offer, "--user", "admin", "--accept-terms")
        assert "messaging_profile_id" in refused.stderr
        assert offer not in acme.ok("numbers", "list").stdout

    def test_messaging_profile_added_afterwards(
        self, acme: SmsadminRunner, stand_in: TelnyxStandIn
    ) -> None:
        """``accounts update`` adds the forgotten profile: refused malformed, then it buys.

        A messaging profile id is a UUID (``MessagingProfile.id``, ``format: uuid`` in
        spec3.yml); one that is not is refused naming the setting, and nothing changes.
        """
        refused = acme.refused(
            "accounts", "update", "acme", "--setting", "messaging_profile_id=nope"
        )
        assert "'messaging_profile_id'" in refused.stderr
        assert "messaging_profile_id" not in acme.ok("accounts", "list").stdout
        profile = stand_in.state.profile({"name": "Acme Staffing", "webhook_url": None})

        acme.ok("accounts", "update", "acme", "--setting", f"messaging_profile_id={profile['id']}")

        [offer] = E164.findall(
            acme.ok("numbers", "search", "--locality", "San Francisco", "--limit", "1").stdout
        )
        acme.ok("numbers", "purchase", offer, "--user", "admin", "--accept-terms")
        assert offer in acme.ok("numbers", "list").stdout


def _smsadmin_as_installed() -> str:
    """The ``smsadmin`` console script, with the ``telnyx`` entry point beside it; else skip.

    On CI (``tox -e adapter-telnyx`` installs both) their absence fails the test.
    """
    beside = Path(sys.executable).with_name("smsadmin")
    script = str(beside) if beside.exists() else shutil.which("smsadmin")
    published = {point.name for point in entry_points(group="sms_core")}
    if script is not None and "telnyx" in published:
        return script
    reason = "smsadmin and the sms-core-telnyx entry point must be installed (pip install -e)"
    if os.environ.get("CI"):
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


class TestServeAsInstalled:
    """``smsadmin`` in a process of its own, Telnyx loaded from its entry point."""

    def test_plugins_lists_telnyx(self, environment: Path) -> None:
        """``smsadmin plugins`` names the carrier, its distribution and what it can do."""
        script = _smsadmin_as_installed()
        listed = subprocess.run(
            [script, "plugins"], capture_output=True, text=True, check=True, timeout=120
        ).stdout
        row = _row(listed, " telnyx ")
        assert "sms-core-telnyx" in row
        assert "bodies up to 1,530 characters" in row

    def test_signed_reply_is_stored_forged_refused(
        self,
        smsadmin: SmsadminRunner,
        driver: TelnyxDriver,
        signing_key: SigningKey,
        account: Account,
        line: ProvisionedNumber,
    ) -> None:
        """Only ``TELNYX_PUBLIC_KEY`` in its environment: a signed reply lands, a forgery is 403.

        The server has no ``TELNYX_API_KEY``, so it could not call Telnyx even by mistake. It
        checks signatures against its own clock, so the reply is signed with the time it is
        sent (Telnyx's 5-minute tolerance, :mod:`sms_telnyx.webhooks`).
        """
        script = _smsadmin_as_installed()
        built = driver.inbound_message_webhook(
            account, PhoneNumber.parse(CANDIDATE), line, "Yes, Friday works"
        )
        environ = {
            key: value for key, value in os.environ.items() if not key.startswith("TELNYX_API")
        }
        environ["PYTHONUNBUFFERED"] = "1"
        command = [script, "serve", "--port", "0", "--public-url", PUBLIC_URL]
        command += ["--sync-every", "0", "--reconcile-every", "0", "--deliver-events-every", "0"]
        with ServerProcess(command, env=environ) as server:
            url = server.wait_listening() + urlsplit(built.url).path
            reply = signed_request(built.url, json.loads(built.body), signing_key, int(time.time()))
            forged = attrs.evolve(reply, body=reply.body.replace(b"Yes", b"Nah"))
            with httpx.Client() as http:
                answers = [
                    http.post(url, content=request.body, headers=dict(request.headers))
                    for request in (reply, forged)
                ]
        logged = server.output()

        assert ([200, 403], 0) == ([answer.status_code for answer in answers], server.returncode)
        thread = smsadmin.ok("--as", "rec", "thread", line.number.e164, CANDIDATE).stdout
        assert "received" in _row(thread, "Yes, Friday works")
        assert "Nah" not in thread
        assert CANDIDATE not in logged
