"""The registration's rules: which call the registration's state allows, and each refusal.

What a newcomer looks for when a registration call is refused: only a failed step may be
resubmitted, and not one the carrier refused for good (:func:`resubmittable`); a campaign
resubmission keeps the approved brand (:func:`check_forms`); only a brand that waits for its
confirmation, or failed while it needed one, has it resent (:func:`confirms`); an account
registers once (:func:`exists`). Each refusal is worded here, beside its rule, with the fix.
:class:`~sms_core.services.registration.RegistrationAdmin` applies them.
"""

from __future__ import annotations

from sms_core import inputs
from sms_core.domain import (
    BrandProfile,
    CampaignProfile,
    EntityType,
    LintReport,
    RegistrationStatus,
    RegistrationStep,
    StepRecord,
    StepStatus,
)
from sms_core.exceptions import (
    InvalidInputError,
    NothingToConfirmError,
    RegistrationExistsError,
    RegistrationLintError,
    ResubmissionRefusedError,
    StepNotFailedError,
)

__all__ = [
    "check_forms",
    "check_types",
    "checked",
    "confirms",
    "exists",
    "no_form_on_record",
    "not_failed",
    "nothing_to_confirm",
    "resubmittable",
]


def check_types(
    brand: BrandProfile | None, campaign: CampaignProfile | None, *, optional: bool = False
) -> None:
    """Refuse what is not a form, or a form with text no database can store."""
    for field, form, kind in (
        ("brand", brand, BrandProfile),
        ("campaign", campaign, CampaignProfile),
    ):
        if form is not None or not optional:
            inputs.form(field, form, kind)


def checked(report: LintReport) -> LintReport:
    """The lint ``report``, unless it has errors: then the form is refused whole."""
    if not report.ok:
        raise RegistrationLintError.from_report(report)
    return report


def check_forms(
    step: RegistrationStep, brand: BrandProfile | None, campaign: CampaignProfile | None
) -> None:
    """Refuse forms a resubmission of ``step`` cannot take."""
    if step is RegistrationStep.CAMPAIGN and brand is not None:
        raise InvalidInputError(
            "a campaign resubmission keeps the approved brand; pass only campaign=..."
        )
    if step is RegistrationStep.MESSAGING_SERVICE and (brand is not None or campaign is not None):
        raise InvalidInputError(
            "a messaging service resubmission takes no form; call resubmit(actor, step) alone"
        )


def resubmittable(status: RegistrationStatus, step: RegistrationStep) -> StepRecord:
    """The ``step``'s record, when it failed and the carrier did not refuse it for good."""
    record = status.step(step)
    if record.status is not StepStatus.FAILED:
        raise not_failed(status, step)
    if codes := record.final_failure_codes:
        raise ResubmissionRefusedError(
            f"the carrier refused the {step.words} for good ({'; '.join(codes)}) and takes "
            "no resubmission after that; contact support",
            step=step,
            status=record.status,
        )
    return record


def confirms(record: StepRecord) -> bool:
    """Whether the brand waits for its confirmation, or failed while one was needed."""
    if record.status is StepStatus.CONFIRMING:
        return True
    brand = record.profile
    return (
        record.status is StepStatus.FAILED
        and isinstance(brand, BrandProfile)
        and (brand.entity_type in (EntityType.PUBLIC_PROFIT, EntityType.SOLE_PROPRIETOR))
    )


def nothing_to_confirm(record: StepRecord) -> NothingToConfirmError:
    """The refusal of a confirmation resend for a brand that waits for none."""
    if record.status is StepStatus.NOT_STARTED:
        fix = "register first"
    elif record.status is StepStatus.FAILED:
        fix = "only public companies and sole proprietors confirm their brand; resubmit it"
    else:
        fix = "the brand waits for no confirmation; nothing needs resending"
    return NothingToConfirmError(
        f"the brand is {record.status.words} and waits for no confirmation: {fix}",
        step=RegistrationStep.BRAND,
        status=record.status,
    )


def no_form_on_record(step: RegistrationStep) -> InvalidInputError:
    """The refusal of resubmitting an adopted step without its fixed form."""
    return InvalidInputError(
        f"the {step.words} was adopted from the carrier, so the SDK holds no form for it; "
        "resubmit with the fixed brand= and campaign= forms"
    )


def exists(status: RegistrationStatus) -> RegistrationExistsError:
    """The refusal of a second registration, with what to do instead."""
    summary = ", ".join(f"{r.step.words} {r.status.words}" for r in status.steps)
    if status.failed is not None:
        fix = f"fix the {status.failed.step.words} and resubmit it instead"
    elif status.overall is StepStatus.APPROVED:
        fix = "the account is registered; nothing more to submit"
    else:
        fix = "wait for the review (sync() picks up the carrier's answers)"
    return RegistrationExistsError(
        f"account {status.account_id!r} already has a registration ({summary}); {fix}",
        step=RegistrationStep.BRAND,
        status=status.brand.status,
    )


def not_failed(status: RegistrationStatus, step: RegistrationStep) -> StepNotFailedError:
    """The refusal of a resubmission of a step that has not failed, with what to do."""
    record = status.step(step)
    if status.overall is StepStatus.NOT_STARTED:
        fix = "register first"
    elif record.submitting:
        fix = "it is being submitted right now; check the status in a moment"
    elif record.status is StepStatus.IN_PROGRESS:
        fix = "wait for the carrier's review; sync() picks up its answer"
    elif record.status is StepStatus.NOT_STARTED:
        fix = "it starts by itself once the step before it is approved"
    else:
        fix = "an approved step needs no resubmission"
    return StepNotFailedError(
        f"the {step.words} is {record.status.words}, not failed; only a failed step can be "
        f"resubmitted: {fix}",
        step=step,
        status=record.status,
    )
