# Over 400 lines: the one exception tree (STYLE): one documented class per failure, drawn in the
# module docstring.
"""Every failure the SDK reports, as one tree.

``SmsError`` is the root of everything a caller can meet while using the SDK;
``ConfigurationError`` stands apart because it means the installation itself is
wrong (a missing plugin, a bad setting) and no retry or other input will help::

    SmsError
    ├── InvalidInputError (ValueError)         bad input, refused before anything changed
    │   ├── InvalidFieldError                  a value of the wrong type, size or characters
    │   ├── SecretSettingError                 a credential passed as a stored provider setting
    │   ├── InvalidPhoneNumberError            not a valid number
    │   ├── InvalidQueryError                  a number search the carrier cannot run
    │   ├── TermsNotAcceptedError              a purchase without accepting the subscription terms
    │   ├── InvalidPolicyUrlError              a policy URL that is not an absolute https URL
    │   ├── RegistrationLintError              a registration form with lint errors; has the report
    │   ├── MessageBodyError                   an empty text, or one longer than the host allows
    │   ├── TooManyRecipientsError             a mass text over the host's cap (or to nobody)
    │   ├── TemplateError                      a bad merge field, or a body that can be too long
    │   ├── IdempotencyKeyError                a key reused for another send, or malformed
    │   ├── AdoptionMismatchError              carrier ids to adopt that do not belong together
    │   └── InvalidCursorError                 a page cursor that is malformed or of another list
    ├── NotFoundError (LookupError)            an id or number the account does not have
    │   ├── AccountNotFoundError
    │   ├── UserNotFoundError
    │   ├── LineNotFoundError
    │   ├── SeatNotFoundError
    │   ├── MessageNotFoundError
    │   ├── OptOutNotFoundError                lifting an opt-out the number does not have
    │   ├── ScheduledSendNotFoundError         a scheduled send the account does not have
    │   ├── TemplateNotFoundError              no template with that id or name
    │   ├── NumberNotHeldError                 adopting a number the carrier does not list
    │   └── RegistrationStepNotFoundError      a carrier's news about a step the account lacks
    ├── PermissionDeniedError                  the host does not allow this actor this action
    ├── RuleViolationError                     the request breaks a rule of the account or host
    │   ├── StoreConflict                      a concurrent write broke a constraint; names it
    │   ├── AlreadyExistsError                 an account, seat or line that exists already
    │   ├── InactiveUserError                  lines and seats take active users only
    │   ├── UserAlreadyHasLineError            a user is on as many lines as the host allows
    │   ├── LineFullError                      the number is at the host's sharing limit
    │   ├── NotOnLineError                     the user is not on that line
    │   ├── SeatHasNumberError                 the seat already has a number
    │   ├── SeatWithoutNumberError             the seat has no number yet
    │   ├── SeatsDisabledError                 the host product has no seats
    │   ├── SeatRequiredError                  a number bought outside a seat under a seat host
    │   ├── UserWithoutLineError               the sender is on no line to text from
    │   ├── UnregisteredLineError              the sender's line is not on an approved campaign
    │   ├── CandidateOptedOutError             the recipient opted out of the account's texts
    │   ├── ConsentRequiredError               a first text to a number without a consent record
    │   ├── QuietHoursError                    outside the recipient's allowed local hours
    │   ├── AllowanceExhaustedError            the seat's or account's monthly allowance is used up
    │   ├── ScheduledSendStateError            cancelling a scheduled send already sent or taken
    │   └── RegistrationStateError             the registration is not in a state that allows it
    │       ├── RegistrationExistsError        a second registration while one exists
    │       ├── StepNotFailedError             a resubmission of a step that has not failed
    │       ├── NothingToConfirmError          a resent confirmation no step waits for
    │       └── ResubmissionRefusedError       the carrier forbids resubmitting the failed step
    ├── UnsupportedFeatureError                an adapter or host cannot do what was asked
    ├── WebhookError                           a webhook request that cannot be accepted
    │   ├── WebhookSignatureError              unsigned, forged or tampered
    │   └── WebhookPayloadError                signed but malformed
    ├── WebRequestError                        a web UI request refused before anything changed
    │   ├── SignInError                        a sign-in token or session forged, expired or absent
    │   └── CsrfError                          an unsafe request without the session's CSRF token
    └── ProviderError                          the carrier refused or failed; keeps its code
        ├── ProviderAuthenticationError        credentials refused
        ├── ProviderNotFoundError              the carrier does not know the resource
        ├── NumberUnavailableError             the number is no longer for sale
        ├── InvalidRecipientError              the carrier refused the recipient number
        ├── RecipientOptedOutError             the recipient opted out at the carrier
        ├── UnregisteredSenderError            the sender is not on an approved campaign
        ├── RateLimitedError                   too many requests; try again later
        ├── AmbiguousMessageError              several carrier texts could be one lost send
        └── ProviderUnavailableError           the carrier could not be reached or answered 5xx
            └── ProviderTimeoutError           the request may have reached the carrier

    ConfigurationError
    ├── UnknownProviderError                   no installed adapter serves the account's provider
    ├── UnknownHostError                       no installed host plugin has the requested name
    ├── PluginContractError                    a plugin breaks the hook contract; names the fix
    ├── HostDeclarationError (ValueError)      a HostPolicy or HostInfo value out of bounds
    └── DatabaseUnavailableError               the database URL cannot be opened or reached

Every error is built the same way: ``Error(message, *, context...)``, the message first and
what it is about as keyword arguments, kept as attributes. Where the SDK words the message
from that context, a named constructor does it (``InvalidPhoneNumberError.invalid(text,
reason, hint)``, ``UnsupportedFeatureError.missing(provider, feature)``), so the wording of
each kind lives in one place. The argument lists these classes took before keep working; new
code uses the named constructors.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Self

from sms_core.vocabulary import FailureReason

if TYPE_CHECKING:
    from datetime import datetime

    from sms_core.vocabulary import AllowanceScope, LintReport, RegistrationStep, StepStatus

__all__ = [
    "AccountNotFoundError",
    "AllowanceExhaustedError",
    "AlreadyExistsError",
    "AmbiguousMessageError",
    "CandidateOptedOutError",
    "ConfigurationError",
    "DatabaseUnavailableError",
    "HostDeclarationError",
    "IdempotencyKeyError",
    "InactiveUserError",
    "InvalidCursorError",
    "InvalidFieldError",
    "InvalidInputError",
    "InvalidPhoneNumberError",
    "InvalidPolicyUrlError",
    "InvalidQueryError",
    "InvalidRecipientError",
    "LineFullError",
    "LineNotFoundError",
    "MessageBodyError",
    "MessageNotFoundError",
    "NotFoundError",
    "NotOnLineError",
    "NothingToConfirmError",
    "NumberUnavailableError",
    "OptOutNotFoundError",
    "PermissionDeniedError",
    "PluginContractError",
    "ProviderAuthenticationError",
    "ProviderError",
    "ProviderNotFoundError",
    "ProviderTimeoutError",
    "ProviderUnavailableError",
    "QuietHoursError",
    "RateLimitedError",
    "RecipientOptedOutError",
    "RegistrationExistsError",
    "RegistrationLintError",
    "RegistrationStateError",
    "RegistrationStepNotFoundError",
    "ResubmissionRefusedError",
    "RuleViolationError",
    "ScheduledSendNotFoundError",
    "ScheduledSendStateError",
    "SeatHasNumberError",
    "SeatNotFoundError",
    "SeatRequiredError",
    "SeatWithoutNumberError",
    "SeatsDisabledError",
    "SecretSettingError",
    "SmsError",
    "StepNotFailedError",
    "StoreConflict",
    "TemplateError",
    "TemplateNotFoundError",
    "TermsNotAcceptedError",
    "TooManyRecipientsError",
    "UnknownHostError",
    "UnknownProviderError",
    "UnregisteredLineError",
    "UnregisteredSenderError",
    "UnsupportedFeatureError",
    "UserAlreadyHasLineError",
    "UserNotFoundError",
    "UserWithoutLineError",
    "WebhookError",
    "WebhookPayloadError",
    "WebhookSignatureError",
]


class SmsError(Exception):
    """Root of every error the SDK raises while it is used."""


class InvalidInputError(SmsError, ValueError):
    """Raised when input is refused before anything was written or sent."""


class InvalidFieldError(InvalidInputError):
    """Raised when one argument is of the wrong type, too long, out of range, or unstorable.

    Unstorable means characters the database cannot keep (NUL, lone surrogates), or ones a name
    must not have (controls, invisible marks). Nothing was written. The checks live in
    :mod:`sms_core.inputs`.

    Attributes:
        field: The argument refused (``"user_id"``, ``"recipients[3].candidate_id"``).
        value: The value as the message shows it: its ``repr``, shortened.
        limit: What the field accepts (``"at most 64 characters"``).
    """

    def __init__(self, message: str | None = None, *, field: str, value: str, limit: str) -> None:
        # Without a message (the earlier keyword-only call), it is worded as refused() words it.
        super().__init__(message or f"{field} {value} cannot be used: give {limit}")
        self.field = field
        self.value = value
        self.limit = limit

    @classmethod
    def refused(cls, *, field: str, value: str, limit: str) -> Self:
        """The error for ``field``, whose ``value`` (shown shortened) is not ``limit``."""
        return cls(
            f"{field} {value} cannot be used: give {limit}", field=field, value=value, limit=limit
        )


class SecretSettingError(InvalidInputError):
    """Raised when a provider setting looks like a credential (by its name or its shape).

    Settings are stored and shown in lists; secrets never are. The message names the setting
    but never shows its value.

    Attributes:
        setting: The setting's name.
    """

    def __init__(self, message: str, *earlier: str, setting: str = "") -> None:
        if earlier:  # the earlier (setting, why)
            message, setting = self._wording(message, earlier[0]), message
        super().__init__(message)
        self.setting = setting

    @classmethod
    def looks_secret(cls, setting: str, why: str) -> Self:
        """The error for ``setting``, refused because ``why`` (its value is never shown)."""
        return cls(cls._wording(setting, why), setting=setting)

    @staticmethod
    def _wording(setting: str, why: str) -> str:
        return (
            f"provider setting {setting!r} was refused because {why} (its value is not shown). "
            "Secrets are never stored: put it in the environment variable the carrier adapter "
            "reads (its README names them), or have the host pass it to the adapter"
        )


class InvalidPhoneNumberError(InvalidInputError):
    """Raised when a text is not a valid phone number.

    Attributes:
        text: The input as given.
        reason: Why it was refused, in a few words ("too short", ...).
    """

    def __init__(self, message: str, *earlier: str, text: str = "", reason: str = "") -> None:
        if earlier:  # the earlier (text, reason, hint)
            text, reason = message, earlier[0]
            message = f"{text!r} is not a valid phone number: {reason}. {earlier[1]}"
        super().__init__(message)
        self.text = text
        self.reason = reason

    @classmethod
    def invalid(cls, text: str, reason: str, hint: str) -> Self:
        """The error for ``text``, refused for ``reason``, with a ``hint`` on what to type."""
        return cls(
            f"{text!r} is not a valid phone number: {reason}. {hint}", text=text, reason=reason
        )


class InvalidQueryError(InvalidInputError):
    """Raised when a number search has a filter the carrier cannot honour."""


class TermsNotAcceptedError(InvalidInputError):
    """Raised when a number purchase is asked for without accepting the subscription terms."""


class InvalidPolicyUrlError(InvalidInputError):
    """Raised when a privacy policy or terms and conditions URL is not an absolute https URL.

    Attributes:
        field: The setting refused (``"privacy_policy_url"``, ``"terms_and_conditions_url"``).
        value: The URL as given.
    """

    def __init__(self, message: str, *earlier: str, field: str = "", value: str = "") -> None:
        if earlier:  # the earlier (field, value, problem)
            field, value = message, earlier[0]
            message = self._wording(field, value, earlier[1])
        super().__init__(message)
        self.field = field
        self.value = value

    @classmethod
    def not_https(cls, field: str, value: str, problem: str) -> Self:
        """The error for the URL ``value`` of ``field``, which ``problem`` (``"has no host"``)."""
        return cls(cls._wording(field, value, problem), field=field, value=value)

    @staticmethod
    def _wording(field: str, value: str, problem: str) -> str:
        return (
            f"{field} {value!r} {problem}; enter the full address of the page on the agency's "
            "website, starting with https:// (e.g. 'https://www.example.com/privacy')"
        )


class RegistrationLintError(InvalidInputError):
    """Raised when the registration form has errors the carriers would reject it for.

    Nothing was submitted. The message lists every error with its field and fix.

    Attributes:
        report: Every problem found, errors and warnings.
    """

    def __init__(self, message: str | LintReport, *, report: LintReport | None = None) -> None:
        if not isinstance(message, str):  # the earlier (report)
            report = message
            message = self._wording(report)
        super().__init__(message)
        assert report is not None, "RegistrationLintError needs the report: use from_report()"
        self.report = report

    @classmethod
    def from_report(cls, report: LintReport) -> Self:
        """The error listing every error of ``report`` with its field and fix."""
        return cls(cls._wording(report), report=report)

    @staticmethod
    def _wording(report: LintReport) -> str:
        errors = report.errors
        listed = "; ".join(f"{issue.field}: {issue.problem} ({issue.fix})" for issue in errors)
        return f"the registration form has {len(errors)} error(s) and was not submitted: {listed}"


class MessageBodyError(InvalidInputError):
    """Raised when a text's body is empty or longer than the host product allows.

    Attributes:
        length: The body's length in characters.
        limit: The most characters allowed.
        recipient: In a text to many, the recipient whose text it is (their number as given);
            the whole request was refused, nothing stored or sent.
    """

    def __init__(
        self, message: str, *, length: int, limit: int, recipient: str | None = None
    ) -> None:
        super().__init__(message)
        self.length = length
        self.limit = limit
        self.recipient = recipient

    @classmethod
    def for_recipient(cls, err: MessageBodyError, *, position: int, number: str) -> Self:
        """``err`` about one recipient's text in a text to many, which refuses the whole request."""
        return cls(
            f"the text to recipient {position} ({number}), {err.length} characters: {err}; "
            "nothing was sent to anyone",
            length=err.length,
            limit=err.limit,
            recipient=number,
        )


class TemplateError(InvalidInputError):
    """Raised when a template is refused: a malformed or unknown merge field, a missing value.

    Also when its body can exceed the host's limit with its fields at their maximum lengths,
    or a template marked as the campaign's sample wording lacks the brand name or opt-out
    line. Nothing was saved or sent.

    Attributes:
        field: The merge field at fault, when one is.
        problems: Every problem found, each with its fix (the sample-wording rules).
    """

    def __init__(
        self, message: str, *, field: str | None = None, problems: tuple[str, ...] = ()
    ) -> None:
        super().__init__(message)
        self.field = field
        self.problems = problems

    @classmethod
    def malformed_field(cls, token: str, position: int) -> Self:
        """A brace that does not open or close a merge field's name."""
        return cls(
            f"{token!r} at position {position} is not a merge field: write a field as "
            "{candidate.first_name} (lower-case, a dot between its two parts), and a literal "
            "brace as {{ or }}",
            field=token,
        )

    @classmethod
    def unknown_field(cls, name: str, position: int | None, known: tuple[str, ...]) -> Self:
        """A merge field (in a body at ``position``, or given a value) that does not exist."""
        listed = ", ".join("{" + field + "}" for field in known)
        where = f" at position {position}" if position is not None else ""
        return cls(
            f"{{{name}}}{where} is not a merge field; use one of {listed}",
            field=name,
        )

    @classmethod
    def missing_value(cls, name: str, *, recipient: str | None = None) -> Self:
        """A field the template uses that the caller gave no value for."""
        whose = f" for recipient {recipient}" if recipient else ""
        return cls(
            f"the template uses {{{name}}} but no value was given{whose}; give every field "
            "the template uses a value (for all recipients, or for each one)",
            field=name,
        )

    @classmethod
    def can_exceed(cls, length: int, limit: int) -> Self:
        """A body too long for the host's limit once its fields are at their maximum lengths."""
        return cls(
            f"with its merge fields at their maximum lengths the text has {length} characters "
            f"and the limit is {limit}; shorten it by {length - limit} (or use fewer fields) "
            "so that every recipient's text fits",
        )

    @classmethod
    def not_sample_compliant(cls, problems: tuple[str, ...]) -> Self:
        """A template marked as the campaign's sample wording that breaks its rules."""
        return cls(
            "the template cannot be the campaign's sample wording: " + "; ".join(problems),
            problems=problems,
        )


class TooManyRecipientsError(InvalidInputError):
    """Raised when a mass text has more recipients than the host's cap, or none; nothing was sent.

    Attributes:
        count: How many recipients were given.
        cap: The most one mass text may have.
    """

    def __init__(self, message: str, *, count: int, cap: int) -> None:
        super().__init__(message)
        self.count = count
        self.cap = cap


class IdempotencyKeyError(InvalidInputError):
    """Raised when an idempotency key is malformed, or was used for a different send."""


class AdoptionMismatchError(InvalidInputError):
    """Raised when the brand, campaign and messaging service given to adopt do not belong together.

    The carrier says which brand the campaign is under and which campaign the service holds;
    ids that disagree are refused before anything is stored.
    """


class InvalidCursorError(InvalidInputError):
    """Raised when a page cursor is not one a page of the same list returned.

    Attributes:
        cursor: The cursor refused, shortened for the message.
    """

    def __init__(self, message: str, *, cursor: str) -> None:
        super().__init__(message)
        self.cursor = cursor


class NotFoundError(SmsError, LookupError):
    """Raised when an account, user, line or seat does not exist."""


class AccountNotFoundError(NotFoundError):
    """Raised when no account has the given id."""


class UserNotFoundError(NotFoundError):
    """Raised when the account has no user with the given id."""


class LineNotFoundError(NotFoundError):
    """Raised when the account has no active line with the given number or id."""


class SeatNotFoundError(NotFoundError):
    """Raised when the account has no seat with the given id."""


class MessageNotFoundError(NotFoundError):
    """Raised when the account has no message with the given id."""


class TemplateNotFoundError(NotFoundError):
    """Raised when the account has no template with the id or name given."""


class OptOutNotFoundError(NotFoundError):
    """Raised when lifting the opt-out of a number that has none in force."""


class ScheduledSendNotFoundError(NotFoundError):
    """Raised when the account has no scheduled send with the given id."""


class NumberNotHeldError(NotFoundError):
    """Raised when a number to adopt is not one the account holds at its carrier."""


class RegistrationStepNotFoundError(NotFoundError):
    """Raised when a carrier reports on a registration step the account did not submit.

    A webhook about a brand, campaign or messaging service the account has under another id
    (or not at all) is refused, and changes nothing.
    """


class PermissionDeniedError(SmsError):
    """Raised when the host product does not allow the actor to perform the action.

    Attributes:
        actor_id: The refused user's id.
        action: The action refused.
    """

    def __init__(self, message: str, *earlier: str, actor_id: str = "", action: str = "") -> None:
        if earlier:  # the earlier (actor_id, action, reason)
            actor_id, action, message = message, earlier[0], earlier[1]
        super().__init__(message)
        self.actor_id = actor_id
        self.action = action


class RuleViolationError(SmsError):
    """Raised when a request breaks a rule of the account or its host product."""


class AlreadyExistsError(RuleViolationError):
    """Raised when creating something that exists already."""


class InactiveUserError(RuleViolationError):
    """Raised when an inactive user would be put on a line or seat."""


class UserAlreadyHasLineError(RuleViolationError):
    """Raised when a user is already on as many lines as the host allows."""


class LineFullError(RuleViolationError):
    """Raised when a number already has as many users as the host allows."""


class NotOnLineError(RuleViolationError):
    """Raised when a user is not on the line an action names."""


class SeatHasNumberError(RuleViolationError):
    """Raised when a number is set up for a seat that already has one."""


class SeatWithoutNumberError(RuleViolationError):
    """Raised when users are put on a seat that has no number yet."""


class SeatsDisabledError(RuleViolationError):
    """Raised when seats are used under a host product that has none."""


class SeatRequiredError(RuleViolationError):
    """Raised when a number is bought outside a seat under a host whose numbers belong to seats."""


class UserWithoutLineError(RuleViolationError):
    """Raised when a user who is on no line tries to text."""


class UnregisteredLineError(RuleViolationError):
    """Raised when a line that is not attached to an approved campaign would send."""


class CandidateOptedOutError(RuleViolationError):
    """Raised when a send goes to a number that opted out; the carrier was not called.

    Attributes:
        number: The opted-out number, in E.164 form.
        opted_out_at: When it opted out.
    """

    def __init__(self, message: str, *, number: str, opted_out_at: datetime) -> None:
        super().__init__(message)
        self.number = number
        self.opted_out_at = opted_out_at


class ConsentRequiredError(RuleViolationError):
    """Raised when the account requires consent before a first text and the number has none.

    Nothing was stored and the carrier was not called.

    Attributes:
        number: The recipient, in E.164 form.
    """

    def __init__(self, message: str, *, number: str) -> None:
        super().__init__(message)
        self.number = number

    @classmethod
    def missing(cls, number: str) -> Self:
        """The refusal for a first text to ``number``, which has no consent record."""
        return cls(
            f"{number} has no consent record and the account requires one before the first "
            "text to a number; record how the candidate agreed to texts first "
            f"(consent.record(..., number={number!r}, source=..., evidence=...), or "
            "'smsadmin consent record'), or have the candidate text START",
            number=number,
        )


class QuietHoursError(RuleViolationError):
    """Raised when a send falls outside the recipient's allowed local hours.

    Attributes:
        number: The recipient, in E.164 form.
        next_allowed: The earliest moment (UTC) sending is allowed, or ``None`` when no moment
            in the next eight days is.
    """

    def __init__(self, message: str, *, number: str, next_allowed: datetime | None) -> None:
        super().__init__(message)
        self.number = number
        self.next_allowed = next_allowed


class AllowanceExhaustedError(RuleViolationError):
    """Raised when a monthly allowance cannot cover a send; the carrier was not called.

    Attributes:
        seat_id: The seat, when its allowance was short (``AllowanceScope.SEAT``).
        remaining: What is left of this month's allowance.
        total: The monthly allowance.
        needed: What the send would use (1 per message, or its segments).
        resets_at: When the next month's allowance starts (UTC).
        scope: Whose allowance was short: a seat's, or the account's pool.
    """

    def __init__(
        self,
        message: str,
        *,
        seat_id: str | None,
        remaining: int,
        total: int,
        needed: int,
        resets_at: datetime,
        scope: AllowanceScope,
    ) -> None:
        super().__init__(message)
        self.seat_id = seat_id
        self.remaining = remaining
        self.total = total
        self.needed = needed
        self.resets_at = resets_at
        self.scope = scope


class ScheduledSendStateError(RuleViolationError):
    """Raised when cancelling a scheduled send that is no longer waiting for its time.

    Attributes:
        scheduled_id: The scheduled send.
        state: Where it stands (a ``ScheduledState`` value: ``claimed``, ``sent``...).
    """

    def __init__(self, message: str, *, scheduled_id: str, state: str) -> None:
        super().__init__(message)
        self.scheduled_id = scheduled_id
        self.state = state


class RegistrationStateError(RuleViolationError):
    """Raised when the registration's state does not allow the action; nothing was submitted.

    Attributes:
        step: The step whose state refused the action.
        status: That step's status.
    """

    def __init__(self, message: str, *, step: RegistrationStep, status: StepStatus) -> None:
        super().__init__(message)
        self.step = step
        self.status = status


class RegistrationExistsError(RegistrationStateError):
    """Raised when registering while the account already has a registration."""


class StepNotFailedError(RegistrationStateError):
    """Raised when resubmitting a step that has not failed (or was never submitted)."""


class NothingToConfirmError(RegistrationStateError):
    """Raised when resending a confirmation while no step waits for one (or failed for it)."""


class ResubmissionRefusedError(RegistrationStateError):
    """Raised when resubmitting a step whose failure the carrier marked final (fraud, say)."""


class UnsupportedFeatureError(SmsError):
    """Raised when an adapter or host plugin does not implement what was asked.

    Attributes:
        provider: The adapter's or host's name.
        feature: The hook or capability that is missing.
    """

    def __init__(self, message: str, *earlier: str, provider: str = "", feature: str = "") -> None:
        if earlier:  # the earlier (provider, feature[, hint])
            provider, feature = message, earlier[0]
            message = self._wording(provider, feature, earlier[1] if len(earlier) > 1 else "")
        super().__init__(message)
        self.provider = provider
        self.feature = feature

    @classmethod
    def missing(cls, provider: str, feature: str, hint: str = "") -> Self:
        """The error for ``feature``, which ``provider`` lacks; ``hint`` says what to do."""
        return cls(cls._wording(provider, feature, hint), provider=provider, feature=feature)

    @staticmethod
    def _wording(provider: str, feature: str, hint: str) -> str:
        message = f"provider {provider!r} does not support {feature}"
        return f"{message}. {hint}" if hint else message


class WebhookError(SmsError):
    """Raised when a webhook request cannot be accepted; nothing was changed."""


class WebhookSignatureError(WebhookError):
    """Raised when a webhook request is unsigned, forged or was changed in transit."""


class WebhookPayloadError(WebhookError):
    """Raised when a signed webhook request does not carry what its kind requires."""


class WebRequestError(SmsError):
    """Raised when the web UI refuses a request before it reaches a service; nothing changed."""


class SignInError(WebRequestError):
    """Raised when a web sign-in token or session cookie is forged, tampered, expired or absent.

    The message says what to do (open the UI again from the host product); it never repeats
    the token.
    """


class CsrfError(WebRequestError):
    """Raised when an unsafe web request lacks the session's CSRF token or carries another."""


class ProviderError(SmsError):
    """Raised when the carrier refused or failed a request.

    Attributes:
        provider: The adapter's name (``"fake"``, say).
        code: The carrier's own error code, as text, when it gave one.
        status: The HTTP status of the carrier's answer, when there was one.
        reason: Why the carrier refused a text, in the SDK's words: what the adapter says
            (from the carrier's ``code``), else the subclass's :attr:`default_reason`;
            ``None`` for a refusal that is about no text (a number search, say).
    """

    #: The reason of a refusal of this kind when the adapter names none.
    default_reason: ClassVar[FailureReason | None] = None

    def __init__(
        self,
        message: str,
        *,
        provider: str,
        code: str | None = None,
        status: int | None = None,
        reason: FailureReason | None = None,
    ) -> None:
        prefix = f"{provider} error {code}" if code else f"{provider} error"
        super().__init__(f"{prefix}: {message}")
        self.provider = provider
        self.code = code
        self.status = status
        self.reason = reason if reason is not None else self.default_reason


class ProviderAuthenticationError(ProviderError):
    """Raised when the carrier refuses the account's credentials."""

    default_reason = FailureReason.ACCOUNT_PROBLEM


class ProviderNotFoundError(ProviderError):
    """Raised when the carrier does not know the number, message or registration asked for."""


class NumberUnavailableError(ProviderError):
    """Raised when a number to buy is taken or no longer offered by the carrier."""


class InvalidRecipientError(ProviderError):
    """Raised when the carrier refuses a recipient number as invalid or unreachable."""

    default_reason = FailureReason.INVALID_RECIPIENT


class RecipientOptedOutError(ProviderError):
    """Raised when the carrier refuses a send because the recipient opted out."""

    default_reason = FailureReason.OPTED_OUT


class UnregisteredSenderError(ProviderError):
    """Raised when the sending number is not attached to an approved campaign."""

    default_reason = FailureReason.UNREGISTERED_SENDER


class RateLimitedError(ProviderError):
    """Raised when the carrier asks to slow down.

    Attributes:
        retry_after: Seconds the carrier asked to wait, when it said.
    """

    default_reason = FailureReason.RATE_LIMITED

    def __init__(
        self,
        message: str,
        *,
        provider: str,
        code: str | None = None,
        status: int | None = None,
        retry_after: float | None = None,
        reason: FailureReason | None = None,
    ) -> None:
        super().__init__(message, provider=provider, code=code, status=status, reason=reason)
        self.retry_after = retry_after


class ProviderUnavailableError(ProviderError):
    """Raised when the carrier cannot be reached or answers with a server error."""


class AmbiguousMessageError(ProviderError):
    """Raised when several texts at the carrier could be the one whose send answer was lost.

    Reconciliation cannot tell which one is the SDK's, so it leaves the text ``UNKNOWN`` for an
    admin to match by hand at the carrier, and goes on with the others.
    """


class ProviderTimeoutError(ProviderUnavailableError):
    """Raised when a request may have reached the carrier but its answer was lost.

    A send that ends this way must be reconciled by fetching its status, never re-sent.
    """


class ConfigurationError(Exception):
    """Raised when the installation or settings are wrong; fix the setup, not the input."""


class UnknownProviderError(ConfigurationError):
    """Raised when no installed adapter serves an account's provider.

    Attributes:
        provider: The provider name that was asked for.
        installed: The provider names that are installed.
    """

    def __init__(
        self,
        message: str,
        earlier_installed: tuple[str, ...] | None = None,
        *,
        provider: str = "",
        installed: tuple[str, ...] = (),
    ) -> None:
        if earlier_installed is not None:  # the earlier (provider, installed)
            provider, installed = message, earlier_installed
            message = self._wording(provider, installed)
        super().__init__(message)
        self.provider = provider
        self.installed = installed

    @classmethod
    def not_installed(cls, provider: str, installed: tuple[str, ...]) -> Self:
        """The error for ``provider``, naming the ``installed`` adapters."""
        return cls(cls._wording(provider, installed), provider=provider, installed=installed)

    @staticmethod
    def _wording(provider: str, installed: tuple[str, ...]) -> str:
        names = ", ".join(installed) or "none"
        return (
            f"no carrier adapter named {provider!r} is installed (installed: {names}). "
            f"Install the adapter's distribution, e.g. 'pip install sms-core-{provider}', "
            "or check SMS_CORE_DISABLED_PLUGINS."
        )


class UnknownHostError(ConfigurationError):
    """Raised when no installed host plugin has the requested name.

    Attributes:
        host: The host name that was asked for.
        installed: The host names that are installed.
    """

    def __init__(
        self,
        message: str,
        earlier_installed: tuple[str, ...] | None = None,
        *,
        host: str = "",
        installed: tuple[str, ...] = (),
    ) -> None:
        if earlier_installed is not None:  # the earlier (host, installed)
            host, installed = message, earlier_installed
            message = self._wording(host, installed)
        super().__init__(message)
        self.host = host
        self.installed = installed

    @classmethod
    def not_installed(cls, host: str, installed: tuple[str, ...]) -> Self:
        """The error for ``host``, naming the ``installed`` host plugins."""
        return cls(cls._wording(host, installed), host=host, installed=installed)

    @staticmethod
    def _wording(host: str, installed: tuple[str, ...]) -> str:
        names = ", ".join(installed) or "none"
        return (
            f"no host plugin named {host!r} is installed (installed: {names}). "
            "Install the host's distribution or choose one of the installed names; a host "
            "plugin is known by the name its sms_host_info hook declares."
        )


class PluginContractError(ConfigurationError):
    """Raised when a plugin breaks the hook contract.

    A hook answered with the wrong type, a host policy is out of bounds, two adapters claim
    one provider name, a plugin implements host hooks without declaring itself: the plugin
    is wrong, not the input, so no retry helps. The message names the plugin, the hook and the
    fix.

    Attributes:
        plugin: The plugin's name in the plugin manager (an entry point's name, or the name
            pluggy gave a plugin passed in code).
        hook: The hook concerned (``sms_host_policy``, ...), or ``""`` for the plugin as a whole.
        problem: What is wrong, without the plugin and hook names.
        fix: What the plugin's author should change.
    """

    def __init__(
        self, message: str | None = None, *, plugin: str, hook: str, problem: str, fix: str
    ) -> None:
        # Without a message (the earlier keyword-only call), it is worded as broken() words it.
        super().__init__(message or self._wording(plugin, hook, problem, fix))
        self.plugin = plugin
        self.hook = hook
        self.problem = problem
        self.fix = fix

    @classmethod
    def broken(cls, *, plugin: str, hook: str, problem: str, fix: str) -> Self:
        """The error naming ``plugin`` and ``hook``, what is wrong and how to fix it."""
        return cls(
            cls._wording(plugin, hook, problem, fix),
            plugin=plugin,
            hook=hook,
            problem=problem,
            fix=fix,
        )

    @staticmethod
    def _wording(plugin: str, hook: str, problem: str, fix: str) -> str:
        where = f"plugin {plugin!r}" + (f", hook {hook}" if hook else "")
        return f"{where}: {problem}. {fix}"


class HostDeclarationError(ConfigurationError, ValueError):
    """Raised when a ``HostPolicy`` or ``HostInfo`` is built with a value out of bounds.

    The value cannot be built at all, so a bad policy never reaches a service. When a host
    plugin's hook produced it, the façade and the plugin loader report it as a
    :class:`PluginContractError` naming the plugin and the hook, with this error as its cause.

    Attributes:
        field: The field that is out of bounds (``mass_text_cap``, ...).
        value: The value it was given.
        bounds: What it must be instead, worded as in the message.
    """

    def __init__(
        self,
        message: str,
        *earlier: object,
        field: str = "",
        value: object = None,
        bounds: str = "",
    ) -> None:
        if earlier:  # the earlier (field, value, bounds)
            field, value, bounds = message, earlier[0], str(earlier[1])
            message = f"{field} must be {bounds}; got {value!r}"
        super().__init__(message)
        self.field = field
        self.value = value
        self.bounds = bounds

    @classmethod
    def out_of_bounds(cls, field: str, value: object, bounds: str) -> Self:
        """The error for ``field``, given ``value`` where it must be ``bounds``."""
        return cls(
            f"{field} must be {bounds}; got {value!r}", field=field, value=value, bounds=bounds
        )


class DatabaseUnavailableError(ConfigurationError):
    """Raised when the database URL cannot be opened, reached, created or migrated.

    That is: not a URL, an engine the SDK does not run on, a driver that is not installed, a
    server that is down or refuses the login, a SQLite folder that cannot be written. The
    message names the URL (never its password) and what to fix.
    """


class StoreConflict(RuleViolationError):  # noqa: N818 - a conflict the store reports, named as the issue asks
    """Raised when a write breaks a constraint of the database, such as a unique key.

    The store raises it (from the driver's integrity error) as its transaction ends, after
    rolling the whole transaction back, so nothing of it was written. Services answer it with
    the rule it stands for (a user already on a line, a registration that exists); one that
    reaches a caller means two processes changed the same thing at once.

    Attributes:
        constraint: The constraint's name in the schema (``uq_line_users_account_user``, ...),
            or the database's own description of it when it does not name one.
    """

    def __init__(self, message: str | None = None, *, constraint: str) -> None:
        # Without a message (the earlier keyword-only call), it is worded as violated() words it.
        super().__init__(message or self._wording(constraint))
        self.constraint = constraint

    @classmethod
    def violated(cls, constraint: str) -> Self:
        """The conflict for a write that broke ``constraint`` and was rolled back."""
        return cls(cls._wording(constraint), constraint=constraint)

    @staticmethod
    def _wording(constraint: str) -> str:
        return (
            f"the write broke the database constraint {constraint!r} (another process changed "
            "the same data at once); nothing was written: reload and try again"
        )
