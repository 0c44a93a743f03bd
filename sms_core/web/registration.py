"""The *Campaign registration* screen of the HCM widget: policy URLs, the forms, the three steps.

As the seed runs it: the Privacy Policy and Terms & Conditions URLs are saved once and
pre-fill the campaign form; the brand and campaign forms are checked before submission (the
registration lint, each finding next to its field, ``aria-describedby`` tying it to the
control), then the brand is submitted and the campaign follows once it is approved, then the
messaging service. The three steps show the seed's colours, blue in progress, green approved,
red failed, each with its words and an icon too; a failed step shows the carrier's reasons,
the next step to take, and its form to fix and resubmit. A brand waiting for its person's
confirmation (a public company's 2FA e-mail, a sole proprietor's text) is yellow, says who
confirms and how, and offers to send the confirmation again.

While a step is in review the steps' panel polls its fragment (``hx-trigger="every 3s"``), so
the page turns green as the scheduler's ``sync`` moves the registration on; "Refresh status"
runs a ``sync`` at once. The poll only reads; it never asks the carrier.

The paths name no id: the registration is the session's account's, so no other account's is
reachable. Every action is the service's, with the signed-in user as the actor, so the host
refuses a user without the registration permission exactly as in the SDK.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from starlette.routing import Route

from sms_core.domain import (
    BrandProfile,
    CampaignProfile,
    LintIssue,
    LintReport,
    RegistrationStatus,
    RegistrationStep,
    StepStatus,
)
from sms_core.exceptions import InvalidFieldError, RegistrationLintError
from sms_core.presentation import STEP_CUES
from sms_core.web import registration_form as form
from sms_core.web.views import Given, Redirect, Screen, Visit, endpoint

__all__ = ["POLL_SECONDS", "ROUTES"]

#: How often the steps' panel polls while a step is in review.
POLL_SECONDS = 3

#: What an action's redirect says happened, by its ``done`` query value.
DONE = {
    "policy": "The policy settings were saved.",
    "registered": "The brand was submitted for review; the campaign follows once it is approved.",
    "resubmitted": "The step was submitted again.",
    "synced": "The status was refreshed from the carrier.",
    "confirmation": "The registry was asked to send the confirmation again.",
}

#: The stylesheet's class for each of the seeds' colours a step's status has (``STEP_CUES``).
_COLOUR_CLASSES = {
    "grey": "status-muted",
    "blue": "status-info",
    "yellow": "status-warn",
    "green": "status-ok",
    "red": "status-bad",
}
#: Each status's CSS class, from the colour its cue gives it (one place for the colours).
_CLASSES = {status: _COLOUR_CLASSES[cue.colour] for status, cue in STEP_CUES.items()}


def registration(visit: Visit, given: Given) -> Screen:
    """The page: steps, policy settings, and the form the registration's state calls for."""
    return _page(visit, done=DONE.get(given.query.get("done", "")))


def steps(visit: Visit, given: Given) -> Screen:
    """The steps' panel alone, for the page's poll."""
    return Screen(
        template="registration_steps.html",
        context=_steps_context(visit.account.registration.status()),
        title="Registration steps",
    )


def save_policy(visit: Visit, given: Given) -> Redirect:
    """Save the Privacy Policy and Terms & Conditions URLs (empty clears one)."""
    visit.account.policy.set(
        visit.actor_id,
        privacy_policy_url=given.field("privacy_policy_url"),
        terms_and_conditions_url=given.field("terms_and_conditions_url"),
    )
    return Redirect(to="/registration?done=policy")


def check(visit: Visit, given: Given) -> Screen:
    """The form again, with the lint's findings next to each field; nothing is submitted."""
    status = visit.account.registration.status()
    step = _form_step(status)
    brand, campaign, problems = _read(status, step, given)
    if problems:
        report = LintReport(issues=problems)
    else:
        assert brand is not None
        assert campaign is not None
        report = visit.account.registration.lint(brand, campaign)
        if step is RegistrationStep.CAMPAIGN:
            report = LintReport(issues=_on_campaign_form(report.issues))
    return _page(visit, values=_posted(given), report=report, checked=True)


def register(visit: Visit, given: Given) -> Screen | Redirect:
    """Submit the brand (the campaign form kept for later); a form with errors is shown again."""
    status = visit.account.registration.status()
    brand, campaign, problems = _read(status, None, given)
    if problems:
        return _refused(visit, given, problems)
    assert brand is not None
    assert campaign is not None
    try:
        visit.account.registration.register(visit.actor_id, brand, campaign)
    except RegistrationLintError as err:
        return _refused(visit, given, err.report.issues)
    return Redirect(to="/registration?done=registered")


def resubmit(visit: Visit, given: Given) -> Screen | Redirect:
    """Submit a failed step again: the brand or campaign with its fixed form, or the service."""
    step = _step(given.path["step"])
    status = visit.account.registration.status()
    brand: BrandProfile | None = None
    campaign: CampaignProfile | None = None
    if step is not RegistrationStep.MESSAGING_SERVICE and status.failed is not None:
        brand, campaign, problems = _read(status, step, given)
        if problems:
            return _refused(visit, given, problems)
        if step is RegistrationStep.CAMPAIGN:
            brand = None  # approved already; the service takes the campaign's form alone
    try:
        visit.account.registration.resubmit(visit.actor_id, step, brand=brand, campaign=campaign)
    except RegistrationLintError as err:
        return _refused(
            visit,
            given,
            _on_campaign_form(err.report.issues)
            if step is RegistrationStep.CAMPAIGN
            else err.report.issues,
        )
    return Redirect(to="/registration?done=resubmitted")


def resend_confirmation(visit: Visit, given: Given) -> Redirect:
    """Have the registry send the brand's confirmation (e-mail link or text) again."""
    visit.account.registration.resend_confirmation(visit.actor_id)
    return Redirect(to="/registration?done=confirmation")


def refresh(visit: Visit, given: Given) -> Redirect:
    """Ask the carrier for news now (what the scheduler does on its own), if the user may."""
    visit.account.registration.sync(actor_id=visit.actor_id)
    return Redirect(to="/registration?done=synced")


# -- the page ----------------------------------------------------------------------------------


def _page(
    visit: Visit,
    *,
    done: str | None = None,
    values: Mapping[str, str] | None = None,
    report: LintReport | None = None,
    checked: bool = False,
    status_code: int = 200,
) -> Screen:
    status = visit.account.registration.status()
    policy = visit.account.policy.get()
    step = _form_step(status)
    manager = visit.account.registration.may_manage(visit.actor_id)
    if not manager:  # the steps only: the forms hold the brand on record (tax id, contact)
        values, report, step = {}, None, None
    elif values is None:
        values = (
            form.blank_values(policy)
            if step is None
            else form.values_of(status.brand_profile, status.campaign_profile)
        )
    issues = report.issues if report is not None else ()
    sections: tuple[form.Section, ...] = ()
    if not manager:
        pass
    elif status.overall is StepStatus.NOT_STARTED or step is RegistrationStep.BRAND:
        sections = form.BRAND_SECTIONS + form.CAMPAIGN_SECTIONS
    elif step is RegistrationStep.CAMPAIGN:
        sections = form.CAMPAIGN_SECTIONS
    return Screen(
        template="registration.html",
        context={
            **_steps_context(status),
            "done": done,
            "policy": policy,
            "form_step": step,
            "sections": sections,
            "values": values,
            "findings": _by_field(issues, values),
            "report": report,
            "checked": checked,
            "may_manage": manager,
        },
        title="Campaign registration",
        status=status_code,
    )


def _steps_context(status: RegistrationStatus) -> dict[str, object]:
    return {
        "status": status,
        "cues": {kind: (cue.icon, cue.words) for kind, cue in STEP_CUES.items()},
        "classes": _CLASSES,
        "poll": POLL_SECONDS if status.in_progress else None,
    }


def _refused(visit: Visit, given: Given, issues: Sequence[LintIssue]) -> Screen:
    """The form as posted, with its findings; nothing was submitted (400)."""
    return _page(
        visit, values=_posted(given), report=LintReport(issues=tuple(issues)), status_code=400
    )


def _posted(given: Given) -> dict[str, str]:
    return {name: values[0] for name, values in given.form.items() if values}


def _by_field(issues: Sequence[LintIssue], values: Mapping[str, str]) -> dict[str, list[LintIssue]]:
    """The findings grouped under the form field each names.

    The form drops empty sample fields, so the lint's ``campaign.sample_messages[1]`` is the
    second *filled* one: its finding goes on that field. One about the samples as a whole
    (``campaign.sample_messages``) goes on the first field.
    """
    sample = "campaign.sample_messages[{}]"
    filled = [i for i in range(form.SAMPLES) if values.get(sample.format(i), "").strip()]
    moved = {sample.format(n): sample.format(i) for n, i in enumerate(filled)}
    moved["campaign.sample_messages"] = sample.format(0)
    grouped: dict[str, list[LintIssue]] = {}
    for issue in issues:
        grouped.setdefault(moved.get(issue.field, issue.field), []).append(issue)
    return grouped


# -- reading -----------------------------------------------------------------------------------


def _form_step(status: RegistrationStatus) -> RegistrationStep | None:
    """The failed step whose form the page offers to fix, or ``None`` (the new form, or none)."""
    failed = status.failed
    if failed is None or failed.step is RegistrationStep.MESSAGING_SERVICE:
        return None
    return failed.step


def _read(
    status: RegistrationStatus, step: RegistrationStep | None, given: Given
) -> tuple[BrandProfile | None, CampaignProfile | None, tuple[LintIssue, ...]]:
    """The posted forms: the campaign's alone (with the brand on record) for its step."""
    campaign, campaign_problems = form.read_campaign(given)
    if step is RegistrationStep.CAMPAIGN:
        return status.brand_profile, campaign, campaign_problems
    brand, brand_problems = form.read_brand(given)
    return brand, campaign, brand_problems + campaign_problems


def _on_campaign_form(issues: Sequence[LintIssue]) -> tuple[LintIssue, ...]:
    """The findings the campaign form can fix (its brand is approved already)."""
    return tuple(issue for issue in issues if issue.field.startswith("campaign."))


def _step(value: str) -> RegistrationStep:
    try:
        return RegistrationStep(value)
    except ValueError:
        raise InvalidFieldError.refused(
            field="step",
            value=value[:40],
            limit=f"one of {', '.join(step.value for step in RegistrationStep)}",
        ) from None


ROUTES = [
    Route("/registration", endpoint(registration), name="registration"),
    Route("/registration/steps", endpoint(steps), name="registration_steps"),
    Route("/registration/policy", endpoint(save_policy), methods=["POST"]),
    Route("/registration/check", endpoint(check), methods=["POST"]),
    Route("/registration/register", endpoint(register), methods=["POST"]),
    Route("/registration/resubmit/{step}", endpoint(resubmit), methods=["POST"]),
    Route("/registration/sync", endpoint(refresh), methods=["POST"]),
    Route("/registration/resend-confirmation", endpoint(resend_confirmation), methods=["POST"]),
]
