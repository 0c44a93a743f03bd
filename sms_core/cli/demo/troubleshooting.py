"""Part 4 of the demo: a campaign the carrier refuses, fixed and resubmitted."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import attrs

from sms_core.cli import render
from sms_core.cli.demo.setting import (
    CARRIER,
    MARKETPLACE_ADMIN,
    advance,
)
from sms_core.cli.narration import Narrator
from sms_core.domain import RegistrationStep
from sms_core.services import SmsAdmin
from sms_core.testing import sample_brand, sample_campaign

if TYPE_CHECKING:
    from sms_fake import SandboxCarrier

__all__ = ["troubleshooting_story"]


def troubleshooting_story(
    story: Narrator, sdk: SmsAdmin, carrier: SandboxCarrier, carrier_state: str
) -> None:
    """Tell part 4: a refused campaign, its reasons, the fix and the approval."""
    story.part("Part 4 · Troubleshooting: a campaign the carrier refuses, fixed and resubmitted")
    name = "Harbor Staffing"

    story.step("Create a second agency, register it, and let the carrier review it")
    account = sdk.create_account(
        "harbor", name=name, provider=CARRIER, provider_settings={"state_path": carrier_state}
    )
    admin = "u-kai"
    account.users.upsert(
        admin, first_name="Kai", last_name="Moreno", permissions=[MARKETPLACE_ADMIN]
    )
    # The sandbox's steering: the carrier will refuse this agency's next campaign.
    carrier.fail_next(
        "harbor",
        RegistrationStep.CAMPAIGN,
        "Opt-in is unclear: the message flow must say candidates agree to texts and why",
        field="message_flow",
    )
    campaign = sample_campaign(name)
    account.registration.register(admin, sample_brand(f"{name} LLC"), campaign)
    advance(story, carrier, account, timedelta(hours=1))

    story.step("Four hours later: the campaign failed; its reasons and the next step")
    advance(story, carrier, account, timedelta(hours=4))
    failed = account.registration.status().failed
    if failed is not None and (help_ := render.troubleshooting_text(failed)) is not None:
        story.show(help_)

    story.step("Fix the message flow and resubmit the campaign")
    fixed = attrs.evolve(
        campaign,
        message_flow=(
            f"Candidates opt in to recruiting texts from {name} (interviews, shifts, "
            "onboarding) by ticking an unchecked box on the application form that names text "
            "messages; msg & data rates may apply; reply STOP to opt out, HELP for help."
        ),
    )
    status = account.registration.resubmit(admin, RegistrationStep.CAMPAIGN, campaign=fixed).status
    story.show(render.registration_table(status, carrier_ids=False))

    story.step("The review passes: the campaign is approved, then the messaging service")
    advance(story, carrier, account, timedelta(hours=4))
    advance(story, carrier, account, timedelta(days=1))
