from __future__ import annotations

import json
import tomllib
from datetime import timedelta
from pathlib import Path

import pytest

from sms_core import RegistrationStep, StepStatus, SyncReport
from sms_core.cli import campaign, prompts, render
from sms_core.cli.testing import E164, SmsadminRunner
from sms_core.domain import RegistrationStatus, StepRecord
from sms_core.services import SmsAdmin

PRIVACY = "https://northwind.example.com/privacy"
TERMS = "https://northwind.example.com/terms"

BRAND_TOML = """
[brand]
legal_name = "Northwind Staffing LLC"
display_name = "Northwind Staffing"
entity_type = "PRIVATE_PROFIT"
tax_id = "12-3456789"
website = "https://northwind.example.com"
vertical = "HUMAN_RESOURCES"

[brand.address]
street = "100 Market Street"
city = "San Francisco"
region = "CA"
postal_code = "94105"

[brand.contact]
first_name = "Dana"
last_name = "Reyes"
email = "{email}"
phone = "(415) 555-0134"
"""

CAMPAIGN_TOML = """
[campaign]
use_case = "CUSTOMER_CARE"
description = "{description}"
message_flow = "Candidates opt in on the careers site by ticking a box for recruiting texts."
sample_messages = [
  "Northwind Staffing: are you free for an interview on [date]? Reply STOP to opt out.",
  "Hi [name], your shift at [client] starts at 9am. Reply STOP to opt out.",
]
has_embedded_links = false
has_embedded_phone = false
"""

DESCRIPTION = "Northwind Staffing recruiters text candidates about interviews and shifts."


def form(
    tmp_path: Path,
    *,
    email: str = "dana@northwind.example.com",
    description: str = DESCRIPTION,
    brand: bool = True,
    name: str = "form.toml",
) -> str:
    """A registration form file; its campaign leaves the policy URLs to the policy settings."""
    text = CAMPAIGN_TOML.format(description=description)
    if brand:
        text = BRAND_TOML.format(email=email) + text
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def with_policy(cli: SmsadminRunner) -> SmsadminRunner:
    cli.ok("policy", "set", "--privacy-policy-url", PRIVACY, "--terms-url", TERMS)
    return cli


def sdk_status() -> RegistrationStatus:
    """The registration of account acme, read through the SDK (the CLI's database)."""
    with SmsAdmin.open() as admin:
        return admin.account("acme").registration.status()


@pytest.fixture
def slow_reviews(cli: SmsadminRunner) -> SmsadminRunner:
    """Every review takes 30 days of carrier time, so only ``sandbox advance`` ends one."""
    for step in RegistrationStep:
        cli.ok("sandbox", "review-time", step.value, "30d")
    return cli


def review(cli: SmsadminRunner) -> str:
    """End the current review on the sandbox carrier and sync; the sync's output."""
    cli.ok("sandbox", "advance", "30d")
    return cli.ok("campaign", "sync").stdout


class TestPolicy:
    """smsadmin policy set|show."""

    def test_show_when_unset(self, widget: SmsadminRunner) -> None:
        """Both URLs read "not set", with the command that sets them."""
        result = widget.ok("policy", "show")
        assert 2 == result.stdout.count("not set")
        assert "smsadmin policy set" in result.stdout

    def test_set_and_show(self, widget: SmsadminRunner) -> None:
        """Both URLs are saved and shown with who saved them."""
        with_policy(widget)
        result = widget.ok("policy", "show")
        assert PRIVACY in result.stdout
        assert TERMS in result.stdout
        assert "by u-admin" in result.stdout

    def test_one_option_keeps_the_other(self, widget: SmsadminRunner) -> None:
        """An option left out keeps its saved value; '' clears it."""
        with_policy(widget)
        widget.ok("policy", "set", "--privacy-policy-url", f"{PRIVACY}/v2")
        shown = widget.ok("policy", "show").stdout
        assert f"{PRIVACY}/v2" in shown
        assert TERMS in shown
        widget.ok("policy", "set", "--terms-url", "")
        assert "not set" in widget.ok("policy", "show").stdout

    def test_not_https(self, widget: SmsadminRunner) -> None:
        """An http URL is refused naming the field and the value; nothing is saved."""
        result = widget.refused("policy", "set", "--privacy-policy-url", "http://n.example.com/p")
        assert "privacy_policy_url 'http://n.example.com/p' uses http://" in result.stderr
        assert "starting with https://" in result.stderr
        assert 2 == widget.ok("policy", "show").stdout.count("not set")

    def test_not_an_admin(self, widget: SmsadminRunner) -> None:
        """A recruiter cannot change the policy settings."""
        result = widget.refused("--as", "u-ada", "policy", "set", "--terms-url", TERMS)
        assert "Marketplace Admin" in result.stderr

    def test_nothing_to_set(self, widget: SmsadminRunner) -> None:
        """Without an option it is a usage error."""
        widget.misused("policy", "set")


class TestRegister:
    """smsadmin campaign register, from a file and at the terminal."""

    def test_from_toml(self, widget: SmsadminRunner, tmp_path: Path) -> None:
        """The brand goes in progress (blue), the campaign waits; URLs come from the policy."""
        with_policy(widget)
        result = widget.ok("campaign", "register", "--file", form(tmp_path))
        assert "✔ Submitted the brand for review" in result.stdout
        assert "● In progress" in result.stdout
        assert "PENDING" in result.stdout
        assert 2 == result.stdout.count("○ Not started")
        profile = sdk_status().campaign_profile
        assert profile is not None
        assert (PRIVACY, TERMS) == (profile.privacy_policy_url, profile.terms_and_conditions_url)

    def test_from_json(self, widget: SmsadminRunner, tmp_path: Path) -> None:
        """A .json file holds the same tables."""
        data = tomllib.loads(Path(form(tmp_path)).read_text(encoding="utf-8"))
        data["campaign"]["privacy_policy_url"] = PRIVACY
        data["campaign"]["terms_and_conditions_url"] = TERMS
        path = tmp_path / "form.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        assert "● In progress" in widget.ok("campaign", "register", "-f", str(path)).stdout

    def test_warnings_are_shown(self, widget: SmsadminRunner, tmp_path: Path) -> None:
        """A free-mail contact is shown as a warning and the brand is still submitted."""
        with_policy(widget)
        result = widget.ok("campaign", "register", "-f", form(tmp_path, email="d@gmail.com"))
        assert "⚠ warning" in result.stdout
        assert "brand.contact.email" in result.stdout
        assert "✔ Submitted the brand" in result.stdout

    def test_lint_errors_block(self, widget: SmsadminRunner, tmp_path: Path) -> None:
        """Every error is listed with field and fix; nothing is submitted."""
        result = widget.refused("campaign", "register", "-f", form(tmp_path, description="Jobs."))
        assert "campaign.description" in result.stdout
        assert "campaign.privacy_policy_url" in result.stdout
        assert "campaign.terms_and_conditions_url" in result.stdout
        assert "3 error(s) (listed above); nothing was submitted" in result.stderr
        assert StepStatus.NOT_STARTED == sdk_status().overall

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            (("CUSTOMER_CARE", "CUSTOMERCARE"), "$.campaign.use_case"),
            (('vertical = "HUMAN_RESOURCES"', 'vertical = "HR"\ncolour = "blue"'), "colour"),
            (("(415) 555-0134", "555-01"), "'555-01' is not a valid phone number"),
        ],
    )
    def test_invalid_file(
        self, widget: SmsadminRunner, tmp_path: Path, change: tuple[str, str], message: str
    ) -> None:
        """A bad key or value is named by its path; nothing is submitted."""
        path = Path(form(tmp_path))
        path.write_text(path.read_text(encoding="utf-8").replace(*change), encoding="utf-8")
        result = widget.refused("campaign", "register", "-f", str(path))
        assert "is not valid" in result.stderr
        assert message in result.stderr

    def test_needs_both_tables(self, widget: SmsadminRunner, tmp_path: Path) -> None:
        """A registration needs the brand too."""
        result = widget.refused("campaign", "register", "-f", form(tmp_path, brand=False))
        assert "no [brand] table" in result.stderr

    def test_without_a_form_or_terminal(self, widget: SmsadminRunner) -> None:
        """Nobody to ask and no file: refused with both ways to go."""
        result = widget.refused("campaign", "register")
        assert "give --file PATH" in result.stderr

    def test_second_registration(self, widget: SmsadminRunner, tmp_path: Path) -> None:
        """While the brand is in review a second registration is refused."""
        with_policy(widget)
        widget.ok("campaign", "register", "-f", form(tmp_path))
        result = widget.refused("campaign", "register", "-f", form(tmp_path))
        assert "already has a registration (brand in progress" in result.stderr

    def test_not_an_admin(self, widget: SmsadminRunner, tmp_path: Path) -> None:
        """A recruiter may not register."""
        with_policy(widget)
        result = widget.refused("--as", "u-ada", "campaign", "register", "-f", form(tmp_path))
        assert "Marketplace Admin" in result.stderr

    def test_interactive(self, widget: SmsadminRunner, monkeypatch: pytest.MonkeyPatch) -> None:
        """Every field is asked; the policy URLs are offered from the settings."""
        monkeypatch.setattr(prompts, "interactive", lambda: True)
        with_policy(widget)
        answers = [
            "",  # entity type: PRIVATE_PROFIT
            "Northwind Staffing LLC",
            "Northwind Staffing",
            "12-3456789",
            "",  # tax id country: US
            "100 Market Street",
            "San Francisco",
            "CA",
            "94105",
            "",  # country: US
            "https://northwind.example.com",
            "",  # vertical: HUMAN_RESOURCES
            "Dana",
            "Reyes",
            "dana@northwind.example.com",
            "555-01",  # not a number: asked again
            "(415) 555-0134",
            "",  # title
            "",  # use case: CUSTOMER_CARE
            DESCRIPTION,
            "Candidates opt in on the careers site by ticking a box agreeing to texts.",
            "Northwind Staffing: interview on [date]? Reply STOP to opt out.",
            "Northwind Staffing: your shift starts at 9am. Reply STOP to opt out.",
            "",  # no third sample
            "n",  # links
            "n",  # phone numbers
            "",  # privacy policy URL: from the settings
            "",  # terms URL: from the settings
            "",  # opt-in message
            "",  # opt-out message
            "",  # help message
            "",  # opt-in keywords
            "",  # opt-out keywords: STOP
            "",  # help keywords: HELP
        ]
        result = widget.ok("campaign", "register", input="\n".join(answers) + "\n")
        assert f"Privacy policy URL [{PRIVACY}]" in result.stdout
        assert "is not a valid phone number" in result.stdout
        assert "✔ Submitted the brand for review" in result.stdout
        status = sdk_status()
        assert status.campaign_profile is not None
        assert PRIVACY == status.campaign_profile.privacy_policy_url
        assert ("STOP",) == status.campaign_profile.opt_out_keywords
        assert status.brand_profile is not None
        assert "+14155550134" == status.brand_profile.contact.phone.e164


class TestLint:
    """smsadmin campaign lint."""

    def test_clean_form(self, widget: SmsadminRunner, tmp_path: Path) -> None:
        """A good form passes."""
        with_policy(widget)
        assert "passes the checks" in widget.ok("campaign", "lint", form(tmp_path)).stdout

    def test_errors(self, widget: SmsadminRunner, tmp_path: Path) -> None:
        """Errors are listed and the command fails, without submitting anything."""
        result = widget.refused("campaign", "lint", form(tmp_path))
        assert "campaign.privacy_policy_url" in result.stdout
        assert "2 error(s)" in result.stderr
        assert StepStatus.NOT_STARTED == sdk_status().overall


@pytest.mark.usefixtures("slow_reviews")
class TestFlow:
    """From nothing to approved with registered numbers, and a failure fixed, by the CLI."""

    def test_nothing_to_approved(self, widget: SmsadminRunner, tmp_path: Path) -> None:
        """Each review advances the next step; numbers follow the messaging service."""
        with_policy(widget)
        widget.ok("campaign", "register", "-f", form(tmp_path))
        status = widget.ok("campaign", "status").stdout
        assert "● In progress" in status
        assert "Numbers: 0 registered, 0 unregistered" in status
        assert "sync --watch" in status

        synced = review(widget)
        assert "✔ The brand is approved" in synced
        assert "→ Submitted the campaign" in synced
        number = widget.offered("--area-code", "415", "--limit", "1")[0]
        widget.ok("numbers", "purchase", number, "--user", "u-ada", "--accept-terms")
        assert "⚠ Unregistered" in widget.ok("numbers", "list").stdout

        assert "→ Submitted the messaging service" in review(widget)
        synced = review(widget)
        assert "✔ The messaging service is approved" in synced
        assert f"✔ Registered {number} with the messaging service" in synced
        assert 3 == synced.count("✔ Approved")
        assert "Numbers: 1 registered, 0 unregistered" in synced
        assert "With the carriers: 0 registered, 1 pending, 0 failed" in synced
        assert "● Pending" in widget.ok("numbers", "list").stdout

        later = widget.offered("--area-code", "415", "--limit", "1")[0]
        widget.ok("numbers", "purchase", later, "--user", "u-ben", "--accept-terms")
        listed = widget.ok("numbers", "list").stdout
        assert 2 == listed.count("✔ Registered")
        assert {number, later} == set(E164.findall(listed))

    def test_public_company_waits_for_its_contact(
        self, widget: SmsadminRunner, tmp_path: Path
    ) -> None:
        """Reviewed, the brand waits for its contact with the next step; then the campaign."""
        with_policy(widget)
        public = (
            Path(form(tmp_path))
            .read_text(encoding="utf-8")
            .replace(
                'entity_type = "PRIVATE_PROFIT"',
                'entity_type = "PUBLIC_PROFIT"\nstock_symbol = "NWS"\nstock_exchange = "NYSE"\n'
                'brand_contact_email = "ir@northwind.example.com"',
            )
        )
        path = tmp_path / "public.toml"
        path.write_text(public, encoding="utf-8")
        widget.ok("campaign", "register", "-f", str(path))
        synced = review(widget)
        assert "◐ The brand waits for a confirmation" in synced
        status = widget.ok("campaign", "status").stdout
        assert "◐ Waiting for confirmation" in status
        assert "Brand waits for a confirmation. Next step:" in status
        assert "ir@northwind.example.com" in status
        assert "Asked the registry" in widget.ok("campaign", "resend-confirmation").stdout
        brand_ref = sdk_status().brand.provider_ref
        assert brand_ref is not None
        assert "is confirmed: APPROVED" in widget.ok("sandbox", "confirm", brand_ref).stdout
        synced = widget.ok("campaign", "sync").stdout
        assert "✔ The brand is approved" in synced
        assert "→ Submitted the campaign" in synced

    def test_campaign_failure_fixed(self, widget: SmsadminRunner, tmp_path: Path) -> None:
        """The reasons and next step are shown in red; a fixed form resubmitted is approved."""
        with_policy(widget)
        widget.ok(
            "sandbox", "fail-next", "campaign", "Samples do not show the brand name",
            "--code", "30893", "--field", "sample_messages",
        )  # fmt: skip
        widget.ok("campaign", "register", "-f", form(tmp_path))
        review(widget)
        synced = review(widget)
        assert "✘ The campaign failed" in synced
        status = widget.ok("campaign", "status").stdout
        assert "✘ Failed" in status
        assert "Samples do not show the brand name (error 30893, field sample_messages)" in status
        assert "Next step: Contact support with the reasons above: reviewers reject" in status

        fixed = form(tmp_path, brand=False, description=f"{DESCRIPTION} Fixed.", name="fix.toml")
        result = widget.ok("campaign", "resubmit", "campaign", "-f", fixed)
        assert "✔ Resubmitted the campaign" in result.stdout
        assert "● In progress" in result.stdout
        review(widget)
        assert 3 == review(widget).count("✔ Approved")
        profile = sdk_status().campaign_profile
        assert profile is not None
        assert f"{DESCRIPTION} Fixed." == profile.description

    def test_brand_failure_says_contact_support(
        self, widget: SmsadminRunner, tmp_path: Path
    ) -> None:
        """A failed brand points to support."""
        with_policy(widget)
        widget.ok("sandbox", "fail-next", "brand", "TAX_ID: the EIN does not match the name")
        widget.ok("campaign", "register", "-f", form(tmp_path))
        review(widget)
        status = widget.ok("campaign", "status").stdout
        assert "Brand failed. The carrier's reasons:" in status
        assert "Next step: Contact support" in status

    def test_resubmitting_what_did_not_fail(self, widget: SmsadminRunner, tmp_path: Path) -> None:
        """Only a failed step is resubmitted; the error names the state."""
        with_policy(widget)
        widget.ok("campaign", "register", "-f", form(tmp_path))
        result = widget.refused("campaign", "resubmit", "brand")
        assert "the brand is in progress, not failed" in result.stderr

    def test_resend_confirmation_with_nothing_waiting(
        self, widget: SmsadminRunner, tmp_path: Path
    ) -> None:
        """Nothing to confirm: refused with the brand's state and the fix."""
        assert "register first" in widget.refused("campaign", "resend-confirmation").stderr
        with_policy(widget)
        widget.ok("campaign", "register", "-f", form(tmp_path))
        result = widget.refused("campaign", "resend-confirmation")
        assert "the brand is in progress and waits for no confirmation" in result.stderr

    def test_watch_until_settled(self, widget: SmsadminRunner, tmp_path: Path) -> None:
        """With instant reviews, one watched sync ends approved."""
        for step in RegistrationStep:
            widget.ok("sandbox", "review-time", step.value, "0s")
        with_policy(widget)
        widget.ok("campaign", "register", "-f", form(tmp_path))
        result = widget.ok("campaign", "sync", "--watch", "--interval", "0")
        assert 3 == result.stdout.count("✔ Approved")
        assert "Hint" not in result.stdout

    def test_watch_gives_up_after_max_polls(self, widget: SmsadminRunner, tmp_path: Path) -> None:
        """--max-polls bounds the watch; the status says it is still in progress."""
        with_policy(widget)
        widget.ok("campaign", "register", "-f", form(tmp_path))
        result = widget.ok("campaign", "sync", "--watch", "--interval", "0", "--max-polls", "2")
        assert 2 == result.stdout.count("No news from the carrier.")
        assert "● In progress" in result.stdout

    def test_status_before_registering(self, widget: SmsadminRunner) -> None:
        """Nothing registered: the hint says how to start."""
        result = widget.ok("campaign", "status")
        assert 3 == result.stdout.count("○ Not started")
        assert "smsadmin campaign register --file" in result.stdout


class TestWatch:
    """The watch loop, without sleeping."""

    def test_polls_until_nothing_is_in_progress(self) -> None:
        """It pauses the interval between polls and stops once the registration settles."""
        in_progress = RegistrationStatus.empty("acme")
        in_progress = RegistrationStatus(
            account_id="acme",
            brand=StepRecord(step=RegistrationStep.BRAND, status=StepStatus.IN_PROGRESS),
            campaign=in_progress.campaign,
            messaging_service=in_progress.messaging_service,
        )
        settled = RegistrationStatus.empty("acme")
        reports = iter([SyncReport(status=in_progress)] * 2 + [SyncReport(status=settled)])
        pauses: list[float] = []
        seen: list[SyncReport] = []
        last = campaign.watch(
            lambda: next(reports),
            interval=5.0,
            max_polls=None,
            sleep=pauses.append,
            on_report=seen.append,
        )
        assert [5.0, 5.0] == pauses
        assert 3 == len(seen)
        assert settled == last.status

    def test_max_polls(self) -> None:
        """It stops after max_polls syncs even while in progress."""
        status = RegistrationStatus(
            account_id="acme",
            brand=StepRecord(step=RegistrationStep.BRAND, status=StepStatus.IN_PROGRESS),
            campaign=StepRecord(step=RegistrationStep.CAMPAIGN),
            messaging_service=StepRecord(step=RegistrationStep.MESSAGING_SERVICE),
        )
        pauses: list[float] = []
        campaign.watch(
            lambda: SyncReport(status=status),
            interval=1.0,
            max_polls=3,
            sleep=pauses.append,
            on_report=lambda _: None,
        )
        assert [1.0, 1.0] == pauses


class TestColours:
    """The seeds' colours: blue in progress, green approved, red failed."""

    @pytest.mark.parametrize(
        ("status", "style", "cue"),
        [
            (StepStatus.IN_PROGRESS, "blue", "● In progress"),
            (StepStatus.APPROVED, "green", "✔ Approved"),
            (StepStatus.FAILED, "red", "✘ Failed"),
            (StepStatus.NOT_STARTED, "dim", "○ Not started"),
            (StepStatus.CONFIRMING, "yellow", "◐ Waiting for confirmation"),
        ],
    )
    def test_step_cell(self, status: StepStatus, style: str, cue: str) -> None:
        """Each status has its colour and a text cue that reads without colour."""
        cell = render.step_cell(status)
        assert (cue, style) == (cell.plain, cell.style)


class TestSandbox:
    """smsadmin sandbox, the command group the sandbox carrier plugs into smsadmin."""

    def test_advance(self, cli: SmsadminRunner) -> None:
        """The carrier clock moves by the duration given."""
        result = cli.ok("sandbox", "advance", "1d4h")
        assert "moved 1 day, 4:00:00" in result.stdout

    def test_bad_duration(self, cli: SmsadminRunner) -> None:
        """A duration it cannot read is a usage error."""
        result = cli.misused("sandbox", "advance", "soon")
        assert "'soon' is not a duration" in result.output

    def test_review_time(self, cli: SmsadminRunner) -> None:
        """Review times are shown and set per step."""
        assert "take 4:00:00" in cli.ok("sandbox", "review-time", "campaign").stdout
        assert "take 2 days, 0:00:00" in cli.ok("sandbox", "review-time", "brand", "2d").stdout

    def test_fail_next_needs_an_account(self, cli: SmsadminRunner) -> None:
        """Planning a failure names the account."""
        cli.misused("sandbox", "fail-next", "brand", "no reason")

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("2h", timedelta(hours=2)),
            ("30m", timedelta(minutes=30)),
            ("1d4h", timedelta(days=1, hours=4)),
            ("1D 30S", timedelta(days=1, seconds=30)),
        ],
    )
    def test_parse_duration(self, text: str, expected: timedelta) -> None:
        """Days, hours, minutes and seconds, combined."""
        from sms_fake.cli import parse_duration  # noqa: PLC0415 - the carrier may be missing

        assert expected == parse_duration(text)


class TestDemoRegistration:
    """smsadmin demo tells the registration story too."""

    def test_registration_parts(self, cli: SmsadminRunner) -> None:
        """It registers, shows progress, ends with registered numbers, and troubleshoots."""
        story = cli.ok("demo").stdout
        for line in (
            "Part 3 · HCM widget (host 'hcm_widget'): campaign registration",
            "✘ Refused (InvalidPolicyUrlError)",
            "✘ Refused (RegistrationLintError)",
            "● In progress",
            "✘ Refused (RegistrationExistsError)",
            "→ Submitted the campaign",
            "⚠ Unregistered",
            "✔ The messaging service is approved",
            "✔ Registered +1415",
            "Part 4 · Troubleshooting",
            "✘ The campaign failed",
            "Next step: Contact support with the reasons above",
            "✔ The story is complete",
        ):
            assert line in story
