"""Part 3 of the demo: campaign registration, from the policy URLs to the messaging service."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import attrs

from sms_core.cli import render
from sms_core.cli.demo.setting import (
    WIDGET_HOST,
    advance,
)
from sms_core.cli.narration import Narrator
from sms_core.domain import NumberQuery
from sms_core.exceptions import (
    InvalidPolicyUrlError,
    RegistrationExistsError,
    RegistrationLintError,
)
from sms_core.services import AccountAdmin
from sms_core.testing import sample_brand, sample_campaign

if TYPE_CHECKING:
    from sms_fake import SandboxCarrier

__all__ = ["registration_story"]


_PRIVACY = "https://northwind-staffing.example.com/privacy"
_TERMS = "https://northwind-staffing.example.com/terms"


def registration_story(story: Narrator, account: AccountAdmin, carrier: SandboxCarrier) -> None:
    """Tell part 3: policy URLs, then brand, campaign and messaging service."""
    story.part(f"Part 3 · HCM widget (host {WIDGET_HOST!r}): campaign registration")
    admin, policy, registration = "u-morgan", account.policy, account.registration

    story.step("Policy Settings: a privacy policy URL that is not https")
    story.refused(
        InvalidPolicyUrlError,
        lambda: policy.set(
            admin,
            privacy_policy_url="http://northwind-staffing.example.com/privacy",
            terms_and_conditions_url=_TERMS,
        ),
        state=policy.get,
        what="the policy settings",
    )

    story.step("Policy Settings: save the privacy policy and terms & conditions URLs")
    policy.set(admin, privacy_policy_url=_PRIVACY, terms_and_conditions_url=_TERMS)
    story.show(render.policy_table(policy.get()))

    brand = sample_brand("Northwind Staffing LLC")
    form = attrs.evolve(
        sample_campaign("Northwind Staffing"), privacy_policy_url="", terms_and_conditions_url=""
    )
    story.step("Check a campaign form the carriers would reject, before they see it")
    careless = attrs.evolve(
        form,
        sample_messages=("Interview tomorrow? Details: https://nw.example/i", "See you at 9."),
    )
    story.show(render.lint_table(registration.lint(brand, careless).issues))
    story.refused(
        RegistrationLintError,
        lambda: registration.register(admin, brand, careless),
        state=registration.status,
        what="the registration (nothing was submitted)",
    )

    story.step("Register: the brand goes to the carrier; the policy URLs fill the form")
    status = registration.register(admin, brand, form).status
    story.show(render.registration_table(status, carrier_ids=False))
    story.say(f"{render.STEP_CUES[status.brand.status][0]}: reviews take hours; a scheduler syncs.")

    story.step("Register a second time while the brand is in review")
    story.refused(
        RegistrationExistsError,
        lambda: registration.register(admin, brand, form),
        state=registration.status,
        what="the registration",
    )

    story.step("An hour later on the carrier: the brand is approved, the campaign submitted")
    advance(story, carrier, account, timedelta(hours=1))

    story.step("Buy a number for Ada while the campaign is in review")
    [offer] = account.numbers.search(admin, NumberQuery(area_code="415", limit=1))
    account.numbers.purchase(admin, offer.number, ["u-ada"], accept_terms=True)
    story.show(render.lines_table(account.numbers.list()))

    story.step("Four hours later: the campaign is approved; the messaging service starts")
    advance(story, carrier, account, timedelta(hours=4))

    story.step("A day later: the messaging service is ready and every number is attached")
    advance(story, carrier, account, timedelta(days=1))
    story.show(render.lines_table(account.numbers.list()))

    story.step("Buy a number for Eve now: it is registered at purchase")
    account.users.upsert("u-eve", first_name="Eve", last_name="Santos")
    [offer] = account.numbers.search(admin, NumberQuery(area_code="415", limit=1))
    account.numbers.purchase(admin, offer.number, ["u-eve"], accept_terms=True)
    story.show(render.lines_table(account.numbers.list()))
