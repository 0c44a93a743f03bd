"""The values the exception tree names, in a leaf module that imports nothing from ``sms_core``.

:mod:`sms_core.exceptions` carries a :class:`FailureReason`, a registration step and its status,
an allowance scope and a lint report; the domain modules that define everything else import
:mod:`sms_core.exceptions` to raise. Keeping these few values here, with no import of the
package, means ``exceptions`` needs nothing from :mod:`sms_core.domain`, so neither the type
checker nor the interpreter meets a circle (``exceptions`` -> ``domain.registration`` ->
``domain.phone`` -> ``exceptions``), whichever module is imported first.

Their home for callers is unchanged: :mod:`sms_core.domain` (and :mod:`sms_core`) re-export each
one, and that is where to import them from; only ``sms_core.exceptions`` imports this module.
``tests/test_import_layers.py`` keeps it a leaf.
"""

from __future__ import annotations

from enum import StrEnum

import attrs

__all__ = [
    "AllowanceScope",
    "FailureReason",
    "LintIssue",
    "LintReport",
    "LintSeverity",
    "RegistrationStep",
    "StepStatus",
]


class FailureReason(StrEnum):
    """Why a carrier refused or failed a text, normalized across carriers."""

    #: The recipient opted out of texts from the sender at the carrier (they replied STOP).
    OPTED_OUT = "opted_out"
    #: The recipient's number is not a valid number, or is unknown to the networks.
    INVALID_RECIPIENT = "invalid_recipient"
    #: The recipient's phone could not be reached (off, out of coverage); may pass in time.
    UNREACHABLE = "unreachable"
    #: The recipient's number cannot take texts: a landline, or a line type the route refuses.
    LANDLINE_OR_UNSUPPORTED = "landline_or_unsupported"
    #: The carrier or a mobile network blocked the text as spam or for its content.
    FILTERED = "filtered"
    #: The sending number is not registered for texting (no approved campaign, not verified).
    UNREGISTERED_SENDER = "unregistered_sender"
    #: The text was not delivered within the carrier's queue validity and was dropped.
    EXPIRED = "expired"
    #: Too many texts at once: the carrier or a network asked to slow down.
    RATE_LIMITED = "rate_limited"
    #: The carrier account cannot send: suspended, wrong credentials, or a setting forbids it.
    ACCOUNT_PROBLEM = "account_problem"
    #: Any other cause, or a code the adapter does not know; the raw code says more.
    OTHER = "other"

    @property
    def words(self) -> str:
        """The reason as a person reads it: ``"opted out"``."""
        return self.value.replace("_", " ")


class RegistrationStep(StrEnum):
    """The registration steps, in the order they run."""

    #: The agency as a business known to The Campaign Registry.
    BRAND = "brand"
    #: What the agency texts about, reviewed by the carriers.
    CAMPAIGN = "campaign"
    #: The sender pool that ties the account's numbers to the approved campaign.
    MESSAGING_SERVICE = "messaging_service"

    @property
    def words(self) -> str:
        """The step as a sentence names it: ``"messaging service"``; capitalize it for a label."""
        return self.value.replace("_", " ")


class StepStatus(StrEnum):
    """Where a registration step stands, in the seeds' three colours (and grey before them).

    Carriers answer with the last four only; ``NOT_STARTED`` is the SDK's own word for a step
    that waits for the one before it.
    """

    #: Not submitted yet: it waits for the step before it (grey).
    NOT_STARTED = "not_started"
    #: Submitted and under review (blue).
    IN_PROGRESS = "in_progress"
    #: Submitted, and waiting for a person outside the SDK to confirm it: a public company's
    #: brand contact following the registry's e-mail link (2FA), or a sole proprietor replying
    #: to the carrier's text (OTP). :attr:`StepRecord.confirmation` says who and how (yellow).
    CONFIRMING = "confirming"
    #: Approved; the next step may start (green).
    APPROVED = "approved"
    #: Refused; see the failures, fix and resubmit (red).
    FAILED = "failed"

    @property
    def words(self) -> str:
        """The status as a sentence names it: ``"in progress"``; capitalize it for a label."""
        return self.value.replace("_", " ")


class AllowanceScope(StrEnum):
    """Whose monthly allowance a text uses (see :mod:`sms_core.services.allowance`)."""

    #: Each seat's own allowance (texting sold by seat); lines without a seat are not metered.
    SEAT = "seat"
    #: One pool for the whole account (the agency), shared by every line.
    ACCOUNT = "account"
    #: Texts are not metered.
    NONE = "none"


class LintSeverity(StrEnum):
    """How much a lint issue matters."""

    #: The carriers would reject the form: submission is refused until it is fixed.
    ERROR = "error"
    #: Reviewers often object; the form may still be submitted.
    WARNING = "warning"


@attrs.frozen(kw_only=True)
class LintIssue:
    """One problem in a registration form.

    Attributes:
        rule: The rule's stable name (``"sample-brand-name"``), for filtering and tests.
        field: The form field, dotted (``"campaign.sample_messages[1]"``, ``"brand.tax_id"``).
        problem: What is wrong, naming the value when it helps.
        fix: What to change.
    """

    severity: LintSeverity
    rule: str
    field: str
    problem: str
    fix: str

    def __str__(self) -> str:
        return f"{self.severity}: {self.field}: {self.problem}. {self.fix}"


@attrs.frozen(kw_only=True)
class LintReport:
    """Every problem found in a registration form, errors first, in form order."""

    issues: tuple[LintIssue, ...] = ()

    @property
    def errors(self) -> tuple[LintIssue, ...]:
        """The issues that block submission."""
        return tuple(i for i in self.issues if i.severity is LintSeverity.ERROR)

    @property
    def warnings(self) -> tuple[LintIssue, ...]:
        """The issues that are shown but do not block submission."""
        return tuple(i for i in self.issues if i.severity is LintSeverity.WARNING)

    @property
    def ok(self) -> bool:
        """Whether the form may be submitted (it has no errors)."""
        return not self.errors
