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
    │   ├── IdempotencyKeyError                a key reused for another send, or malformed
    │   └── InvalidCursorError                 a page cursor that is malformed or of another list
    ├── NotFoundError (LookupError)            an id or number the account does not have
    │   ├── AccountNotFoundError
    │   ├── UserNotFoundError
    │   ├── LineNotFoundError
    │   ├── SeatNotFoundError
    │   ├── MessageNotFoundError
    │   └── OptOutNotFoundError                lifting an opt-out the number does not have
    ├── PermissionDeniedError                  the host does not allow this actor this action
    ├── RuleViolationError                     the request breaks a rule of the account or host
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
    │   ├── QuietHoursError                    outside the recipient's allowed local hours
    │   ├── AllowanceExhaustedError            the seat's or account's monthly allowance is used up
    │   └── RegistrationStateError             the registration is not in a state that allows it
    │       ├── RegistrationExistsError        a second registration while one exists
    │       ├── StepNotFailedError             a resubmission of a step that has not failed
    │       ├── NothingToConfirmError          a resent confirmation no step waits for
    │       └── ResubmissionRefusedError       the carrier forbids resubmitting the failed step
    ├── UnsupportedFeatureError                an adapter or host cannot do what was asked
    ├── WebhookError                           a webhook request that cannot be accepted
    │   ├── WebhookSignatureError              unsigned, forged or tampered
    │   └── WebhookPayloadError                signed but malformed
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
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from sms_core.domain.failures import FailureReason

if TYPE_CHECKING:
    from datetime import datetime

    from sms_core.domain.policy import AllowanceScope
    from sms_core.domain.registration import LintReport, RegistrationStep, StepStatus

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
    "ResubmissionRefusedError",
    "RuleViolationError",
    "SeatHasNumberError",
    "SeatNotFoundError",
    "SeatRequiredError",
    "SeatWithoutNumberError",
    "SeatsDisabledError",
    "SecretSettingError",
    "SmsError",
    "StepNotFailedError",
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

    def __init__(self, *, field: str, value: str, limit: str) -> None:
        super().__init__(f"{field} {value} cannot be used: give {limit}")
        self.field = field
        self.value = value
        self.limit = limit


class SecretSettingError(InvalidInputError):
    """Raised when a provider setting looks like a credential (by its name or its shape).

    Settings are stored and shown in lists; secrets never are. The message names the setting
    but never shows its value.

    Attributes:
        setting: The setting's name.
    """

    def __init__(self, setting: str, why: str) -> None:
        super().__init__(
            f"provider setting {setting!r} was refused because {why} (its value is not shown). "
            "Secrets are never stored: put it in the environment variable the carrier adapter "
            "reads (its README names them), or have the host pass it to the adapter"
        )
        self.setting = setting


class InvalidPhoneNumberError(InvalidInputError):
    """Raised when a text is not a valid phone number.

    Attributes:
        text: The input as given.
        reason: Why it was refused, in a few words ("too short", ...).
    """

    def __init__(self, text: str, reason: str, hint: str) -> None:
        super().__init__(f"{text!r} is not a valid phone number: {reason}. {hint}")
        self.text = text
        self.reason = reason


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

    def __init__(self, field: str, value: str, problem: str) -> None:
        super().__init__(
            f"{field} {value!r} {problem}; enter the full address of the page on the agency's "
            "website, starting with https:// (e.g. 'https://www.example.com/privacy')"
        )
        self.field = field
        self.value = value


class RegistrationLintError(InvalidInputError):
    """Raised when the registration form has errors the carriers would reject it for.

    Nothing was submitted. The message lists every error with its field and fix.

    Attributes:
        report: Every problem found, errors and warnings.
    """

    def __init__(self, report: LintReport) -> None:
        errors = report.errors
        listed = "; ".join(f"{issue.field}: {issue.problem} ({issue.fix})" for issue in errors)
        super().__init__(
            f"the registration form has {len(errors)} error(s) and was not submitted: {listed}"
        )
        self.report = report


class MessageBodyError(InvalidInputError):
    """Raised when a text's body is empty or longer than the host product allows.

    Attributes:
        length: The body's length in characters.
        limit: The most characters allowed.
    """

    def __init__(self, message: str, *, length: int, limit: int) -> None:
        super().__init__(message)
        self.length = length
        self.limit = limit


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


class OptOutNotFoundError(NotFoundError):
    """Raised when lifting the opt-out of a number that has none in force."""


class PermissionDeniedError(SmsError):
    """Raised when the host product does not allow the actor to perform the action.

    Attributes:
        actor_id: The refused user's id.
        action: The action refused.
    """

    def __init__(self, actor_id: str, action: str, reason: str) -> None:
        super().__init__(reason)
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

    def __init__(self, provider: str, feature: str, hint: str = "") -> None:
        message = f"provider {provider!r} does not support {feature}"
        super().__init__(f"{message}. {hint}" if hint else message)
        self.provider = provider
        self.feature = feature


class WebhookError(SmsError):
    """Raised when a webhook request cannot be accepted; nothing was changed."""


class WebhookSignatureError(WebhookError):
    """Raised when a webhook request is unsigned, forged or was changed in transit."""


class WebhookPayloadError(WebhookError):
    """Raised when a signed webhook request does not carry what its kind requires."""


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

    def __init__(self, provider: str, installed: tuple[str, ...]) -> None:
        names = ", ".join(installed) or "none"
        super().__init__(
            f"no carrier adapter named {provider!r} is installed (installed: {names}). "
            f"Install the adapter's distribution, e.g. 'pip install sms-core-{provider}', "
            "or check SMS_CORE_DISABLED_PLUGINS."
        )
        self.provider = provider
        self.installed = installed


class UnknownHostError(ConfigurationError):
    """Raised when no installed host plugin has the requested name.

    Attributes:
        host: The host name that was asked for.
        installed: The host names that are installed.
    """

    def __init__(self, host: str, installed: tuple[str, ...]) -> None:
        names = ", ".join(installed) or "none"
        super().__init__(
            f"no host plugin named {host!r} is installed (installed: {names}). "
            "Install the host's distribution or choose one of the installed names; a host "
            "plugin is known by the name its sms_host_info hook declares."
        )
        self.host = host
        self.installed = installed


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

    def __init__(self, *, plugin: str, hook: str, problem: str, fix: str) -> None:
        where = f"plugin {plugin!r}" + (f", hook {hook}" if hook else "")
        super().__init__(f"{where}: {problem}. {fix}")
        self.plugin = plugin
        self.hook = hook
        self.problem = problem
        self.fix = fix


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

    def __init__(self, field: str, value: object, bounds: str) -> None:
        super().__init__(f"{field} must be {bounds}; got {value!r}")
        self.field = field
        self.value = value
        self.bounds = bounds


class DatabaseUnavailableError(ConfigurationError):
    """Raised when the database URL cannot be opened, reached, created or migrated.

    That is: not a URL, an engine the SDK does not run on, a driver that is not installed, a
    server that is down or refuses the login, a SQLite folder that cannot be written. The
    message names the URL (never its password) and what to fix.
    """
