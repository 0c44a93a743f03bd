"""Part 6 of the demo, templates: saved with its merge fields checked, sent to many.

It runs on the HCM-widget account after texting: Morgan saves the campaign's sample wording as
a template (one that could pass the widget's 160 characters is refused first), Ben sends it to
two candidates with their own merge values, and a title long enough to push one text past the
limit refuses the whole mass text, naming that candidate, with nothing sent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sms_core.cli.message_tables import outcomes_table
from sms_core.cli.narration import Narrator
from sms_core.cli.templates import templates_table
from sms_core.domain import TemplateRecipient
from sms_core.exceptions import MessageBodyError, TemplateError

if TYPE_CHECKING:
    from sms_core.services import SmsAdmin
    from sms_fake import SandboxCarrier

__all__ = ["templates_story"]

_ACCOUNT = "northwind"
_ADMIN = "u-morgan"
_SAM = ("cand-sam", "+15125550142")
_KIM = ("cand-kim", "+13125550123")

#: Over 160 characters once each field is at its maximum length (185).
_TOO_LONG = (
    "Northwind Staffing: hi {candidate.first_name}, {recruiter.first_name} here. A {job.title} "
    "shift is open next week; reply YES for details. Reply STOP to opt out."
)
#: At most 143 characters whatever the names and title (within their maxima).
_SHIFT_OFFER = (
    "Northwind Staffing: hi {candidate.first_name}, a {job.title} shift is open next week. "
    "Reply YES, or STOP to opt out."
)


def templates_story(story: Narrator, sdk: SmsAdmin, carrier: SandboxCarrier) -> None:
    """Save a template, refuse one that could be too long, and send one to many."""
    story.part("Part 6 · Templates: merge fields checked when saved, rendered per candidate")
    account = sdk.account(_ACCOUNT)

    story.step("Morgan saves a shift offer that, with long names, could pass 160 characters")
    story.refused(
        TemplateError,
        lambda: account.templates.create(
            _ADMIN, name="Shift offer", body=_TOO_LONG, sample_compliant=True
        ),
        state=lambda: account.templates.list_page(_ADMIN).items,
        what="the templates",
    )

    story.step("The shorter wording fits; as the campaign's sample it names the brand and STOP")
    saved = account.templates.create(
        _ADMIN, name="Shift offer", body=_SHIFT_OFFER, sample_compliant=True
    )
    story.show(templates_table([saved], whole=True))

    story.step("Ben sends it to Sam and Kim, each text with their own name and shift")
    result = account.templates.send(
        "u-ben",
        saved.name,
        [
            TemplateRecipient(
                candidate_id=_SAM[0],
                number=_SAM[1],
                values={"candidate.first_name": "Sam", "job.title": "forklift"},
            ),
            TemplateRecipient(
                candidate_id=_KIM[0],
                number=_KIM[1],
                values={"candidate.first_name": "Kim", "job.title": "night picker"},
            ),
        ],
    )
    story.show(outcomes_table(result.outcomes))
    for outcome in result.outcomes:
        if outcome.message is not None:
            story.say(f"  {outcome.message.recipient}: {outcome.message.body}")
    story.done(f"{result.sent} sent, each rendered and checked before any was")

    story.step("A job title long enough to push Kim's text past 160 characters")
    long_title = "warehouse night shift picker and packer, temp to hire, forklift licence needed"
    story.refused(
        MessageBodyError,
        lambda: account.templates.send(
            "u-ben",
            saved.name,
            [
                TemplateRecipient(
                    candidate_id=_SAM[0],
                    number=_SAM[1],
                    values={"candidate.first_name": "Sam", "job.title": "forklift"},
                ),
                TemplateRecipient(
                    candidate_id=_KIM[0],
                    number=_KIM[1],
                    values={"candidate.first_name": "Kim", "job.title": long_title},
                ),
            ],
        ),
        state=lambda: carrier.messages(_ACCOUNT),
        what="the texts at the carrier: Sam was not texted either",
    )
