"""The *Campaign registration* screen over HTTP: policy URLs, the checked forms, the three steps.

The seed (``hcm-widget-style.txt``, "Campaign Registration"): the Privacy Policy and Terms &
Conditions URLs pre-fill the form; blue is "In Progress", green approved, red failed with the
troubleshooting; the messaging service follows the campaign's approval. Carrier time is the
sandbox's own clock, moved with :meth:`SandboxCarrier.advance` as the demo does; its review
times (an hour, four hours, a day) are ``sms_fake.registrations``'s.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import attrs
import httpx
import pytest

from sms_core import ManualClock, RegistrationStep, StepStatus
from sms_core.services import AccountAdmin, SmsAdmin
from sms_core.testing import sample_brand, sample_campaign
from sms_core.testing.web import asgi_client
from sms_core.web.registration_form import values_of
from sms_fake import SandboxCarrier
from tests.web.conftest import csrf_of, mounted, signed_in

PRIVACY = "https://acme-staffing.example.com/privacy"
TERMS = "https://acme-staffing.example.com/terms"
PAGE = "/web/registration"


def _text(html: str) -> str:
    """The page's words, tags and whitespace runs removed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _form(client: httpx.Client, **changes: str) -> dict[str, str]:
    """The sample brand and campaign as the form posts them, the policy URLs left empty."""
    campaign = attrs.evolve(
        sample_campaign("Northwind Staffing"), privacy_policy_url="", terms_and_conditions_url=""
    )
    data = values_of(sample_brand("Northwind Staffing LLC"), campaign)
    data = {name: value for name, value in data.items() if value}  # unticked boxes send nothing
    data.update(changes)
    data["csrf_token"] = csrf_of(client, PAGE)
    return data


def _snapshot(account: AccountAdmin) -> tuple[object, ...]:
    return (account.registration.status(), account.policy.get(), len(account.audit.page().items))


@pytest.fixture
def acme(widget: SmsAdmin) -> AccountAdmin:
    account = widget.account("acme")
    account.policy.set("admin", privacy_policy_url=PRIVACY, terms_and_conditions_url=TERMS)
    return account


@pytest.fixture
def carrier(tmp_path: Path, clock: ManualClock) -> Iterator[SandboxCarrier]:
    """The sandbox the widget's accounts use (``build_widget``'s state file)."""
    with SandboxCarrier(tmp_path / "carrier.sqlite3", clock=clock) as opened:
        yield opened


class TestPage:
    def test_before_registering(self, web: httpx.Client, acme: AccountAdmin) -> None:
        """Three grey steps, the policy settings, and the form pre-filled with their URLs."""
        html = web.get(PAGE).text
        words = _text(html)
        for step in ("Brand", "Campaign", "Messaging service"):
            assert f"{step} ○ Not started" in words
        assert f'name="privacy_policy_url" size="50" maxlength="2048" value="{PRIVACY}"' in html
        assert f'name="campaign.privacy_policy_url" value="{PRIVACY}"' in html
        assert f'name="campaign.terms_and_conditions_url" value="{TERMS}"' in html
        assert "hx-trigger" not in html.split('id="steps"')[1].split(">")[0]  # nothing to poll
        assert 'href="/web/registration" aria-current="page"' in html

    def test_without_a_session(self, widget: SmsAdmin) -> None:
        with asgi_client(mounted(widget)) as anonymous:
            for path in (PAGE, f"{PAGE}/steps"):
                assert 401 == anonymous.get(path).status_code
            assert 401 == anonymous.post(f"{PAGE}/sync").status_code

    def test_the_steps_fragment_alone(self, web: httpx.Client) -> None:
        html = web.get(f"{PAGE}/steps").text
        assert "<html" not in html
        assert '<section id="steps"' in html


class TestPolicySettings:
    def test_saved(self, web: httpx.Client, widget: SmsAdmin) -> None:
        acme = widget.account("acme")
        answer = web.post(
            f"{PAGE}/policy",
            data={
                "privacy_policy_url": PRIVACY,
                "terms_and_conditions_url": TERMS,
                "csrf_token": csrf_of(web, PAGE),
            },
        )
        assert 303 == answer.status_code
        policy = acme.policy.get()
        assert (PRIVACY, TERMS) == (policy.privacy_policy_url, policy.terms_and_conditions_url)
        page = web.get(answer.headers["location"]).text
        assert "✔ The policy settings were saved." in _text(page)
        # The seed: "If set, these values auto-populate the required fields in the Campaign
        # Registration form": both of them, as soon as they are saved.
        assert f'name="campaign.privacy_policy_url" value="{PRIVACY}"' in page
        assert f'name="campaign.terms_and_conditions_url" value="{TERMS}"' in page

    def test_an_http_url_is_refused(self, web: httpx.Client, acme: AccountAdmin) -> None:
        before = _snapshot(acme)
        answer = web.post(
            f"{PAGE}/policy",
            data={
                "privacy_policy_url": "http://acme-staffing.example.com/privacy",
                "terms_and_conditions_url": TERMS,
                "csrf_token": csrf_of(web, PAGE),
            },
        )
        assert 400 == answer.status_code
        assert "privacy_policy_url" in answer.text
        assert "uses http:// instead of https://" in answer.text
        assert "Nothing was changed." in answer.text
        assert before == _snapshot(acme)


class TestCheck:
    """The lint's findings next to their fields, before anything is submitted."""

    def test_findings_next_to_their_fields(self, web: httpx.Client, acme: AccountAdmin) -> None:
        before = _snapshot(acme)
        careless = _form(
            web,
            **{
                "campaign.sample_messages[0]": "Interview tomorrow? Details: https://nw.example/i",
                "campaign.sample_messages[1]": "See you at 9 for the interview.",
                "brand.tax_id": "123456789",
            },
        )
        answer = web.post(f"{PAGE}/check", data=careless)
        assert 200 == answer.status_code
        html = answer.text
        # The EIN's finding is tied to its control, which is marked invalid.
        [control] = re.findall(r'<input type="text" id="f-brand-tax-id"[^>]*>', html)
        assert 'aria-describedby="f-brand-tax-id-hint f-brand-tax-id-findings"' in control
        assert 'aria-invalid="true"' in control
        [findings] = re.findall(
            r'<ul class="findings" id="f-brand-tax-id-findings">(.*?)</ul>', html, re.S
        )
        assert "write it as 12-3456789" in findings
        # The link in a sample contradicts the unticked links box: on the box, an error.
        assert 'id="f-campaign-has-embedded-links-findings"' in html
        # Samples without the brand's name or opt-out: on the samples.
        [samples] = re.findall(r'id="f-campaign-sample-messages-0-findings">(.*?)</ul>', html, re.S)
        assert "no sample names the brand" in samples
        assert "how to opt out" in samples
        assert "The form has 4 errors" in _text(html)
        # What was typed stays in the form; nothing was submitted.
        assert 'value="123456789"' in html
        assert before == _snapshot(acme)

    def test_a_clean_form_passes(self, web: httpx.Client, acme: AccountAdmin) -> None:
        answer = web.post(f"{PAGE}/check", data=_form(web))
        assert 200 == answer.status_code
        assert "✔ The form passes the checks." in _text(answer.text)
        assert 'aria-invalid="true"' not in answer.text
        assert StepStatus.NOT_STARTED is acme.registration.status().overall

    def test_a_finding_on_a_sample_after_an_empty_one(
        self, web: httpx.Client, acme: AccountAdmin
    ) -> None:
        """Samples 1 and 3 filled: the lint's second sample is the third field."""
        data = _form(web, **{"campaign.sample_messages[2]": "Too short."})
        del data["campaign.sample_messages[1]"]  # the sample leaves an empty field
        html = web.post(f"{PAGE}/check", data=data).text
        [findings] = re.findall(
            r'id="f-campaign-sample-messages-2-findings">(.*?)</ul>', html, re.S
        )
        assert "10 characters; carriers need at least 20" in findings
        assert 'id="f-campaign-sample-messages-1-findings"' not in html

    def test_an_unreadable_phone_number(self, web: httpx.Client, acme: AccountAdmin) -> None:
        answer = web.post(f"{PAGE}/check", data=_form(web, **{"brand.contact.phone": "555"}))
        [findings] = re.findall(
            r'id="f-brand-contact-phone-findings">(.*?)</ul>', answer.text, re.S
        )
        assert "555" in findings
        assert "enter a phone number" in findings


class TestRegister:
    def test_the_brand_goes_in_review(self, web: httpx.Client, acme: AccountAdmin) -> None:
        """Submitted with the policy settings' URLs; the page shows blue and polls."""
        answer = web.post(f"{PAGE}/register", data=_form(web))
        assert 303 == answer.status_code, answer.text
        status = acme.registration.status()
        assert StepStatus.IN_PROGRESS is status.brand.status
        assert sample_brand("Northwind Staffing LLC") == status.brand_profile
        # Every field read back as typed; the empty policy URLs filled from the settings.
        expected = attrs.evolve(
            sample_campaign("Northwind Staffing"),
            privacy_policy_url=PRIVACY,
            terms_and_conditions_url=TERMS,
        )
        assert expected == status.campaign_profile
        html = web.get(answer.headers["location"]).text
        assert "Brand ● In progress" in _text(html)
        assert (
            '<span class="status status-info"><span aria-hidden="true">●</span> In progress</span>'
            in html
        )
        assert 'hx-get="/web/registration/steps" hx-trigger="every 3s" hx-swap="outerHTML"' in html
        assert "Campaign Registration form" not in html  # registered: no second form

    def test_errors_refuse_the_form(self, web: httpx.Client, acme: AccountAdmin) -> None:
        before = _snapshot(acme)
        answer = web.post(
            f"{PAGE}/register", data=_form(web, **{"brand.website": "northwind.example.com"})
        )
        assert 400 == answer.status_code
        assert 'id="f-brand-website-findings"' in answer.text
        assert 'value="northwind.example.com"' in answer.text
        assert "nothing was submitted" in _text(answer.text)
        assert before == _snapshot(acme)

    def test_twice_is_refused(self, web: httpx.Client, acme: AccountAdmin) -> None:
        web.post(f"{PAGE}/register", data=_form(web))
        before = _snapshot(acme)
        answer = web.post(f"{PAGE}/register", data=_form(web))
        assert 409 == answer.status_code
        assert "already" in answer.text
        assert before == _snapshot(acme)

    def test_without_the_csrf_token(self, web: httpx.Client, acme: AccountAdmin) -> None:
        before = _snapshot(acme)
        data = _form(web)
        del data["csrf_token"]
        assert 403 == web.post(f"{PAGE}/register", data=data).status_code
        forged = web.post(f"{PAGE}/policy", data={"privacy_policy_url": "", "csrf_token": "x"})
        assert 403 == forged.status_code
        assert before == _snapshot(acme)

    def test_a_user_without_the_admin_permission(
        self, widget: SmsAdmin, clock: ManualClock, acme: AccountAdmin
    ) -> None:
        """A recruiter sees the page, but the host refuses every change, as in the SDK."""
        before = _snapshot(acme)
        ann = signed_in(widget, clock, user="ann")
        with contextlib.closing(ann):
            assert 200 == ann.get(PAGE).status_code
            answer = ann.post(f"{PAGE}/register", data=_form(ann))
            assert 403 == answer.status_code
            assert "Marketplace Admin" in answer.text
            policy = ann.post(
                f"{PAGE}/policy",
                data={"privacy_policy_url": "", "csrf_token": csrf_of(ann, PAGE)},
            )
            assert 403 == policy.status_code
            token = csrf_of(ann, PAGE)
            for action in ("resubmit/messaging_service", "resend-confirmation"):
                refused = ann.post(f"{PAGE}/{action}", data={"csrf_token": token})
                assert 403 == refused.status_code, action
        assert before == _snapshot(acme)


class TestSteps:
    def test_green_as_the_sandbox_clock_advances(
        self, web: httpx.Client, acme: AccountAdmin, carrier: SandboxCarrier
    ) -> None:
        """Refresh asks the carrier: brand after an hour, campaign after four, service a day."""
        web.post(f"{PAGE}/register", data=_form(web))

        def refresh() -> str:
            answer = web.post(f"{PAGE}/sync", data={"csrf_token": csrf_of(web, PAGE)})
            assert 303 == answer.status_code
            return web.get(answer.headers["location"]).text

        carrier.advance(timedelta(hours=1))
        words = _text(refresh())
        assert "✔ The status was refreshed from the carrier." in words
        assert "Brand ✔ Approved" in words
        assert "Campaign ● In progress" in words
        carrier.advance(timedelta(hours=4))
        assert "Campaign ✔ Approved" in _text(refresh())
        carrier.advance(timedelta(days=1))
        html = refresh()
        assert "Messaging service ✔ Approved" in _text(html)
        assert "Registration complete" in html
        assert "hx-trigger" not in html.split("<main")[1]  # nothing left to poll
        assert acme.registration.status().send_ready

    def test_a_recruiter_may_not_ask_the_carrier(
        self,
        web: httpx.Client,
        widget: SmsAdmin,
        clock: ManualClock,
        acme: AccountAdmin,
        carrier: SandboxCarrier,
    ) -> None:
        """Check for news now is an admin's action: the host refuses a recruiter, as the SDK.

        Before, any signed-in user's POST ran ``registration.sync()`` (carrier calls, the
        campaign submitted); now the service checks ``MANAGE_REGISTRATION`` first.
        """
        web.post(f"{PAGE}/register", data=_form(web))
        carrier.advance(timedelta(hours=1))  # the brand is approved at the carrier
        before = acme.registration.status()
        ann = signed_in(widget, clock, user="ann")
        with contextlib.closing(ann):
            answer = ann.post(f"{PAGE}/sync", data={"csrf_token": csrf_of(ann, PAGE)})
        assert 403 == answer.status_code
        assert "Marketplace Admin" in answer.text
        assert before == acme.registration.status()
        assert RegistrationStep.BRAND not in {
            record.step for record in before.steps if record.status is StepStatus.APPROVED
        }

    def test_the_poll_reads_without_asking_the_carrier(
        self, web: httpx.Client, acme: AccountAdmin, carrier: SandboxCarrier
    ) -> None:
        web.post(f"{PAGE}/register", data=_form(web))
        carrier.advance(timedelta(hours=1))
        assert "Brand ● In progress" in _text(web.get(f"{PAGE}/steps").text)
        acme.registration.sync()  # as the scheduler does
        assert "Brand ✔ Approved" in _text(web.get(f"{PAGE}/steps").text)


class TestConfirmation:
    def test_a_public_company_waits_for_its_confirmation(
        self, web: httpx.Client, acme: AccountAdmin, carrier: SandboxCarrier
    ) -> None:
        """Yellow "Waiting for confirmation", who confirms and how, and the e-mail sent again."""
        public = {
            "brand.entity_type": "PUBLIC_PROFIT",
            "brand.stock_symbol": "NWS",
            "brand.stock_exchange": "NYSE",
            "brand.brand_contact_email": "compliance@northwind-staffing.example.com",
        }
        assert 303 == web.post(f"{PAGE}/register", data=_form(web, **public)).status_code
        carrier.advance(timedelta(hours=1))
        acme.registration.sync()
        html = web.get(PAGE).text
        assert '<span class="status status-warn"><span aria-hidden="true">◐</span> Waiting' in html
        assert "e-mailed compliance@northwind-staffing.example.com a confirmation link" in html
        answer = web.post(f"{PAGE}/resend-confirmation", data={"csrf_token": csrf_of(web, PAGE)})
        assert 303 == answer.status_code, answer.text
        assert "✔ The registry was asked to send the confirmation again." in _text(
            web.get(answer.headers["location"]).text
        )
        brand_ref = acme.registration.status().brand.provider_ref
        assert brand_ref is not None
        assert 1 == carrier.confirmations_sent("acme", brand_ref)

    def test_nothing_to_confirm(self, web: httpx.Client, acme: AccountAdmin) -> None:
        web.post(f"{PAGE}/register", data=_form(web))
        before = _snapshot(acme)
        answer = web.post(f"{PAGE}/resend-confirmation", data={"csrf_token": csrf_of(web, PAGE)})
        assert 409 == answer.status_code
        assert "Send the confirmation again" not in web.get(PAGE).text
        assert before == _snapshot(acme)


class TestFailureAndResubmission:
    def test_a_failed_campaign_fixed_and_resubmitted(
        self, web: httpx.Client, acme: AccountAdmin, carrier: SandboxCarrier
    ) -> None:
        """Red with the carrier's reason and the next step; its form to fix, then blue again."""
        carrier.fail_next(
            "acme", RegistrationStep.CAMPAIGN, "Sample messages do not match the use case", "30893"
        )
        web.post(f"{PAGE}/register", data=_form(web))
        carrier.advance(timedelta(hours=1))
        acme.registration.sync()
        carrier.advance(timedelta(hours=4))
        acme.registration.sync()
        html = web.get(PAGE).text
        words = _text(html)
        assert "Campaign ✘ Failed" in words
        assert (
            '<span class="status status-bad"><span aria-hidden="true">✘</span> Failed</span>'
            in html
        )
        assert "Sample messages do not match the use case (code 30893)" in words
        assert "Next step: Contact support" in words
        assert "Fix and resubmit the campaign" in words
        # The steps' panel, polled alone, links to the form it cannot show.
        fragment = web.get(f"{PAGE}/steps").text
        assert (
            'href="/web/registration#registration-form">Fix and resubmit the campaign' in fragment
        )
        assert 'action="/web/registration/resubmit/campaign"' in html
        assert 'name="brand.legal_name"' not in html  # the approved brand is not on the form
        # The form on record, to fix.
        assert "this is [recruiter] from Northwind Staffing" in html

        data = {
            name: value
            for name, value in _form(web).items()
            if name.startswith("campaign.") or name == "csrf_token"
        }
        broken = dict(data, **{"campaign.description": "Too short."})
        before = _snapshot(acme)
        refused = web.post(f"{PAGE}/resubmit/campaign", data=broken)
        assert 400 == refused.status_code
        assert 'id="f-campaign-description-findings"' in refused.text
        assert before == _snapshot(acme)

        answer = web.post(f"{PAGE}/resubmit/campaign", data=data)
        assert 303 == answer.status_code, answer.text
        status = acme.registration.status()
        assert (StepStatus.IN_PROGRESS, 2) == (status.campaign.status, status.campaign.attempts)
        assert "✔ The step was submitted again." in _text(web.get(answer.headers["location"]).text)

    def test_a_failed_brand_fixed_and_resubmitted(
        self, web: httpx.Client, acme: AccountAdmin, carrier: SandboxCarrier
    ) -> None:
        """The whole form on record comes back to fix; the fixed brand goes in review again."""
        carrier.fail_next("acme", RegistrationStep.BRAND, "TAX_ID: the EIN does not match", "30886")
        web.post(f"{PAGE}/register", data=_form(web))
        carrier.advance(timedelta(hours=1))
        acme.registration.sync()
        html = web.get(PAGE).text
        assert "Brand ✘ Failed" in _text(html)
        assert "TAX_ID: the EIN does not match (code 30886)" in _text(html)
        assert 'action="/web/registration/resubmit/brand"' in html
        assert 'name="brand.legal_name" value="Northwind Staffing LLC"' in html
        assert 'name="brand.tax_id" value="12-3456789"' in html
        answer = web.post(
            f"{PAGE}/resubmit/brand", data=_form(web, **{"brand.tax_id": "98-7654321"})
        )
        assert 303 == answer.status_code, answer.text
        status = acme.registration.status()
        assert (StepStatus.IN_PROGRESS, 2) == (status.brand.status, status.brand.attempts)
        assert status.brand_profile is not None
        assert "98-7654321" == status.brand_profile.tax_id

    def test_a_recruiter_sees_the_steps_but_not_the_brand_on_record(
        self,
        web: httpx.Client,
        widget: SmsAdmin,
        clock: ManualClock,
        acme: AccountAdmin,
        carrier: SandboxCarrier,
    ) -> None:
        """The form to fix holds the brand on record (its tax id, contact e-mail and phone).

        It is an admin's form: a user the host does not let manage the registration (the
        service's ``may_manage``) sees the steps and the failure, not the profile or the form.
        Before, Ann saw the agency's tax id and contact in the pre-filled form.
        """
        carrier.fail_next("acme", RegistrationStep.BRAND, "TAX_ID: the EIN does not match", "30886")
        web.post(f"{PAGE}/register", data=_form(web))
        carrier.advance(timedelta(hours=1))
        acme.registration.sync()
        profile = acme.registration.status().brand_profile
        assert profile is not None
        ann = signed_in(widget, clock, user="ann")
        with contextlib.closing(ann):
            html = ann.get(PAGE).text
        assert "Brand ✘ Failed" in _text(html)
        assert "TAX_ID: the EIN does not match (code 30886)" in _text(html)
        for secret in (profile.tax_id, profile.contact.email, profile.contact.phone.e164):
            assert secret not in html
        assert "/registration/resubmit/brand" not in html
        assert "Only a user your product lets manage the registration" in _text(html)
        assert 'name="brand.tax_id" value="12-3456789"' in web.get(PAGE).text

    def test_a_failed_messaging_service_is_resubmitted(
        self, web: httpx.Client, acme: AccountAdmin, carrier: SandboxCarrier
    ) -> None:
        carrier.fail_next("acme", RegistrationStep.MESSAGING_SERVICE, "Service refused", "30893")
        web.post(f"{PAGE}/register", data=_form(web))
        for hours in (1, 4, 24):
            carrier.advance(timedelta(hours=hours))
            acme.registration.sync()
        html = web.get(PAGE).text
        assert "Messaging service ✘ Failed" in _text(html)
        assert 'action="/web/registration/resubmit/messaging_service"' in html
        answer = web.post(
            f"{PAGE}/resubmit/messaging_service", data={"csrf_token": csrf_of(web, PAGE)}
        )
        assert 303 == answer.status_code, answer.text
        assert StepStatus.IN_PROGRESS is acme.registration.status().messaging_service.status

    def test_a_step_that_has_not_failed(self, web: httpx.Client, acme: AccountAdmin) -> None:
        before = _snapshot(acme)
        token = csrf_of(web, PAGE)
        answer = web.post(f"{PAGE}/resubmit/messaging_service", data={"csrf_token": token})
        assert 409 == answer.status_code
        unknown = web.post(f"{PAGE}/resubmit/everything", data={"csrf_token": token})
        assert 400 == unknown.status_code
        assert "brand, campaign, messaging_service" in unknown.text
        assert before == _snapshot(acme)

    def test_another_accounts_failed_step_is_not_reachable(
        self, web: httpx.Client, widget: SmsAdmin, acme: AccountAdmin, carrier: SandboxCarrier
    ) -> None:
        """Globex's brand failed; acme's session resubmits acme's (none failed): refused."""
        globex = widget.account("globex")
        carrier.fail_next(
            "globex", RegistrationStep.BRAND, "TAX_ID: the EIN does not match", "30886"
        )
        globex.registration.register("boss", sample_brand(), sample_campaign())
        carrier.advance(timedelta(hours=1))
        globex.registration.sync()
        assert StepStatus.FAILED is globex.registration.status().brand.status
        before = (_snapshot(acme), globex.registration.status())
        answer = web.post(f"{PAGE}/resubmit/brand", data=_form(web))
        assert 409 == answer.status_code
        assert "EIN does not match" not in web.get(PAGE).text
        assert before == (_snapshot(acme), globex.registration.status())
