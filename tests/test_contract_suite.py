"""The adapter contract suite can be passed, and it fails adapters that break the contract.

A minimal in-memory carrier, written for these tests only, runs the whole suite inside
``pytester``; broken variants of it, each wrong in one way, must fail exactly the contract
tests about that way.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import textwrap
from urllib.parse import urlencode

import attrs
import pytest

from sms_core import (
    Account,
    AvailableNumber,
    BrandProfile,
    CampaignProfile,
    CarrierRegistration,
    ConfigurationError,
    DeliveryStatus,
    EntityType,
    FailureReason,
    HeldRegistration,
    InboundCall,
    InboundMessage,
    InvalidQueryError,
    NumberQuery,
    NumberRegistrationUpdate,
    NumberSettings,
    NumberUnavailableError,
    OutboundMessage,
    PhoneNumber,
    ProviderCapabilities,
    ProviderError,
    ProviderEvent,
    ProviderInfo,
    ProviderNotFoundError,
    ProvisionedNumber,
    RecipientOptedOutError,
    RegistrationFailure,
    RegistrationState,
    RegistrationStep,
    RegistrationStepUpdate,
    SearchFilter,
    SendReceipt,
    StatusUpdate,
    StepStatus,
    UnregisteredSenderError,
    WebhookPayloadError,
    WebhookRequest,
    WebhookResponse,
    hookimpl,
)
from sms_core.domain.providers import DEFAULT_SEARCH_FILTERS
from sms_core.testing import contract, sample_campaign

pytest_plugins = ("pytester",)

NAME = "memory"
SIGNATURE_HEADER = "x-memory-signature"

# Numbers for sale, interleaved across areas so that ignoring a filter shows in any page.
_AREAS = (
    # area code, region, locality, postal code
    ("415", "CA", "San Francisco", "94105"),
    ("510", "CA", "Oakland", "94612"),
    ("212", "NY", "New York", "10001"),
)
CATALOGUE = tuple(
    AvailableNumber(
        number=PhoneNumber.parse(f"+1 {area} {exchange} {line}"),
        country="US",
        region=region,
        locality=locality,
        postal_code=postal_code,
    )
    for line in range(8000, 8012)
    for exchange in ("246", "739")
    for area, region, locality, postal_code in _AREAS
)
_STATUSES = {status.value: status for status in DeliveryStatus}
# The memory carrier's delivery codes and what each means; the suite gets a code from the driver.
_DELIVERY_CODES = {
    "M-UNREACHABLE": FailureReason.UNREACHABLE,
    "M-FILTERED": FailureReason.FILTERED,
    "M-UNREGISTERED": FailureReason.UNREGISTERED_SENDER,
}


def _ref(prefix: str) -> str:
    return f"{prefix}{secrets.token_hex(8)}"


def _sign(secret: str, url: str, body: bytes) -> str:
    return hmac.new(secret.encode(), url.encode() + b"\n" + body, hashlib.sha256).hexdigest()


def _not_found(what: str) -> ProviderNotFoundError:
    return ProviderNotFoundError(f"{what} is unknown", provider=NAME, code="20404")


class MemoryCarrier:
    """A carrier that keeps everything in memory: the smallest adapter that honours the contract."""

    def __init__(self) -> None:
        self.secrets: dict[str, str] = {}
        self.held: dict[tuple[str, str], ProvisionedNumber] = {}
        self.steps: dict[str, tuple[str, RegistrationState]] = {}
        self.outcomes: dict[str, RegistrationFailure | None] = {}
        self.failing: dict[tuple[str, RegistrationStep], RegistrationFailure] = {}
        self.unconfirmed: set[str] = set()
        self.senders: set[tuple[str, str]] = set()
        self.opted_out: set[tuple[str, str]] = set()
        self.messages: dict[str, tuple[str, OutboundMessage]] = {}
        self.number_failing: dict[str, RegistrationFailure] = {}
        self.number_outcomes: dict[str, RegistrationFailure | None] = {}
        self.parents: dict[str, str] = {}

    def secret_for(self, account: Account) -> str:
        return self.secrets.setdefault(account.id, secrets.token_hex(16))

    # -- discovery and provisioning ----------------------------------------------------------

    @hookimpl
    def sms_provider_info(self) -> ProviderInfo:
        return ProviderInfo(
            name=NAME,
            description="In-memory carrier for the contract suite's own tests",
            capabilities=ProviderCapabilities(max_concurrent_sends=4, adopts_existing=True),
        )

    @hookimpl
    def sms_check_provider_settings(self, account: Account) -> bool | None:
        if unknown := sorted(account.provider_settings):
            raise ConfigurationError(f"the memory carrier has no settings: remove {unknown}")
        return True

    @hookimpl
    def sms_search_numbers(
        self, account: Account, query: NumberQuery
    ) -> list[AvailableNumber] | None:
        if query.country != "US":
            raise InvalidQueryError(f"country {query.country!r} is not offered: search 'US'")
        taken = {e164 for _, e164 in self.held}
        found = [
            offered
            for offered in CATALOGUE
            if offered.number.e164 not in taken and self.matches(offered, query)
        ]
        return found[: query.limit]

    def matches(self, offered: AvailableNumber, query: NumberQuery) -> bool:
        pattern = "".join(
            r"\d" if char == "*" else re.escape(char) for char in query.contains or ""
        )
        return (
            offered.number.e164.startswith(f"+1{query.area_code or ''}")
            and query.region in {None, offered.region}
            and query.postal_code in {None, offered.postal_code}
            and re.search(pattern, offered.number.e164) is not None
        )

    @hookimpl
    def sms_purchase_number(
        self, account: Account, number: PhoneNumber, settings: NumberSettings
    ) -> ProvisionedNumber | None:
        taken = {e164 for _, e164 in self.held}
        if number.e164 in taken or number not in {offered.number for offered in CATALOGUE}:
            raise NumberUnavailableError(f"{number} is not for sale", provider=NAME, code="21422")
        bought = ProvisionedNumber(number=number, provider_ref=_ref("PN"), settings=settings)
        self.held[account.id, number.e164] = bought
        return bought

    def holding(self, account: Account, number: ProvisionedNumber) -> ProvisionedNumber:
        held = self.held.get((account.id, number.number.e164))
        if held is None or held.provider_ref != number.provider_ref:
            raise _not_found(f"number {number.number}")
        return held

    @hookimpl
    def sms_release_number(self, account: Account, number: ProvisionedNumber) -> bool | None:
        self.holding(account, number)
        del self.held[account.id, number.number.e164]
        return True

    @hookimpl
    def sms_configure_number(
        self, account: Account, number: ProvisionedNumber, settings: NumberSettings
    ) -> ProvisionedNumber | None:
        configured = attrs.evolve(self.holding(account, number), settings=settings)
        self.held[account.id, number.number.e164] = configured
        return configured

    # -- adoption ----------------------------------------------------------------------------

    @hookimpl
    def sms_list_numbers(self, account: Account) -> list[ProvisionedNumber] | None:
        return [number for (owner, _), number in self.held.items() if owner == account.id]

    @hookimpl
    def sms_adopt_number(
        self, account: Account, number: ProvisionedNumber, settings: NumberSettings
    ) -> ProvisionedNumber | None:
        return self.sms_configure_number(account, number, settings)

    @hookimpl
    def sms_lookup_registration(
        self, account: Account, brand_ref: str, campaign_ref: str, service_ref: str
    ) -> list[HeldRegistration] | None:
        refs = zip(RegistrationStep, (brand_ref, campaign_ref, service_ref), strict=True)
        return [
            HeldRegistration(
                state=self.fetch(account, step, ref),
                parent_ref=self.parents.get(ref),
                fields={"step": step.value},
            )
            for step, ref in refs
        ]

    # -- registration ------------------------------------------------------------------------

    def submit(
        self, account: Account, step: RegistrationStep, *, confirmed_by_a_person: bool = False
    ) -> RegistrationState:
        state = RegistrationState(
            step=step, provider_ref=_ref("RG"), status=StepStatus.IN_PROGRESS, raw_status="review"
        )
        self.steps[state.provider_ref] = (account.id, state)
        self.outcomes[state.provider_ref] = self.failing.pop((account.id, step), None)
        if confirmed_by_a_person:
            self.unconfirmed.add(state.provider_ref)
        return state

    def complete(self, account: Account, step: RegistrationStep, ref: str) -> None:
        failure = self.outcomes.pop(ref)
        state = self.fetch(account, step, ref)
        if failure is None and ref in self.unconfirmed:
            state = attrs.evolve(state, status=StepStatus.CONFIRMING, raw_status="unconfirmed")
        elif failure is None:
            state = attrs.evolve(state, status=StepStatus.APPROVED, raw_status="approved")
        else:
            state = attrs.evolve(
                state, status=StepStatus.FAILED, raw_status="rejected", failures=(failure,)
            )
        self.steps[ref] = (account.id, state)

    def fetch(self, account: Account, step: RegistrationStep, ref: str) -> RegistrationState:
        owner, state = self.steps.get(ref, ("", None))
        if state is None or owner != account.id or state.step is not step:
            raise _not_found(f"{step} {ref}")
        return state

    def confirm(self, account: Account, ref: str) -> None:
        state = self.fetch(account, RegistrationStep.BRAND, ref)
        self.unconfirmed.discard(ref)
        if state.status is StepStatus.CONFIRMING:
            self.steps[ref] = (account.id, attrs.evolve(state, status=StepStatus.APPROVED))

    @hookimpl
    def sms_submit_brand(self, account: Account, brand: BrandProfile) -> RegistrationState | None:
        person = brand.entity_type in (EntityType.PUBLIC_PROFIT, EntityType.SOLE_PROPRIETOR)
        return self.submit(account, RegistrationStep.BRAND, confirmed_by_a_person=person)

    @hookimpl
    def sms_resend_confirmation(
        self, account: Account, step: RegistrationStep, ref: str
    ) -> RegistrationState | None:
        state = self.fetch(account, step, ref)
        if state.status is not StepStatus.CONFIRMING:
            raise ProviderError(f"{ref} waits for no confirmation", provider=NAME, code="409")
        return state

    @hookimpl
    def sms_submit_campaign(
        self, account: Account, brand_ref: str, campaign: CampaignProfile
    ) -> RegistrationState | None:
        state = self.submit(account, RegistrationStep.CAMPAIGN)
        self.parents[state.provider_ref] = brand_ref
        return state

    @hookimpl
    def sms_submit_messaging_service(
        self, account: Account, campaign_ref: str
    ) -> RegistrationState | None:
        state = RegistrationState(
            step=RegistrationStep.MESSAGING_SERVICE,
            provider_ref=_ref("MG"),
            status=StepStatus.APPROVED,
            raw_status="active",
        )
        self.steps[state.provider_ref] = (account.id, state)
        self.parents[state.provider_ref] = campaign_ref
        return state

    @hookimpl
    def sms_fetch_registration(
        self, account: Account, step: RegistrationStep, ref: str
    ) -> RegistrationState | None:
        return self.fetch(account, step, ref)

    @hookimpl
    def sms_attach_number(
        self, account: Account, service_ref: str, number: ProvisionedNumber
    ) -> bool | None:
        self.fetch(account, RegistrationStep.MESSAGING_SERVICE, service_ref)
        self.holding(account, number)
        self.senders.add((account.id, number.number.e164))
        if number.provider_ref not in self.number_outcomes:
            self.number_outcomes[number.provider_ref] = self.number_failing.pop(account.id, None)
        return True

    # -- delivery ----------------------------------------------------------------------------

    @hookimpl
    def sms_send_message(self, account: Account, message: OutboundMessage) -> SendReceipt | None:
        if (account.id, message.sender.e164) not in self.senders:
            raise UnregisteredSenderError(
                f"{message.sender} is on no approved campaign", provider=NAME, code="M-UNREGISTERED"
            )
        if (message.sender.e164, message.recipient.e164) in self.opted_out:
            raise RecipientOptedOutError(
                f"{message.recipient} opted out", provider=NAME, code="M-OPTED-OUT"
            )
        sid = _ref("SM")
        self.messages[sid] = (account.id, message)
        return SendReceipt(
            provider_message_id=sid, status=DeliveryStatus.QUEUED, raw_status="queued"
        )

    @hookimpl
    def sms_fetch_message(
        self, account: Account, message: OutboundMessage, provider_message_id: str | None
    ) -> StatusUpdate | None:
        for sid, (owner, sent) in self.messages.items():
            wanted = sid == provider_message_id or (
                provider_message_id is None and sent.message_id == message.message_id
            )
            if wanted and owner == account.id:
                return StatusUpdate(
                    provider_message_id=sid,
                    status=DeliveryStatus.QUEUED,
                    raw_status="queued",
                    message_id=sent.message_id,
                )
        raise _not_found(f"message {provider_message_id or message.message_id}")

    @hookimpl
    def sms_verify_webhook(self, account: Account, request: WebhookRequest) -> bool | None:
        expected = _sign(self.secret_for(account), request.url, request.body)
        return hmac.compare_digest(expected, request.headers.get(SIGNATURE_HEADER, ""))

    @hookimpl
    def sms_parse_webhook(
        self, account: Account, request: WebhookRequest
    ) -> list[ProviderEvent] | None:
        form = {key: values[-1] for key, values in request.form().items()}
        try:
            return [self.event(form)]
        except KeyError as err:
            raise WebhookPayloadError(f"webhook lacks {err}") from err

    def event(self, form: dict[str, str]) -> ProviderEvent:
        if form["Kind"] == "status":
            return StatusUpdate(
                provider_message_id=form["MessageSid"],
                status=_STATUSES.get(form["Status"], DeliveryStatus.UNKNOWN),
                raw_status=form["Status"],
                message_id=form.get("MessageId") or None,
                error_code=form.get("ErrorCode") or None,
                failure_reason=_DELIVERY_CODES.get(form.get("ErrorCode") or "")
                or (FailureReason.OTHER if form.get("ErrorCode") else None),
                raw=form,
            )
        if form["Kind"] == "number":
            return NumberRegistrationUpdate(
                provider_ref=form["NumberSid"],
                number=PhoneNumber(e164=form["Number"]),
                state=CarrierRegistration(form["State"]),
                raw_status=form["State"],
                error_code=form.get("ErrorCode") or None,
                error_message=form.get("ErrorMessage") or None,
                raw=form,
            )
        if form["Kind"] == "step":
            step = RegistrationStep(form["Step"])
            return RegistrationStepUpdate(step=step, provider_ref=form["Ref"], raw=form)
        if form["Kind"] == "message":
            return InboundMessage(
                provider_message_id=form["MessageSid"],
                sender=PhoneNumber(e164=form["From"]),
                recipient=PhoneNumber(e164=form["To"]),
                body=form["Body"],
                raw=form,
            )
        return InboundCall(
            provider_call_id=form["CallSid"],
            caller=PhoneNumber(e164=form["From"]),
            called=PhoneNumber(e164=form["To"]),
            raw=form,
        )

    @hookimpl
    def sms_answer_call(
        self, account: Account, forward_to: PhoneNumber | None
    ) -> WebhookResponse | None:
        if forward_to is None:
            answer = "<Response><Say>This line takes texts only.</Say><Hangup/></Response>"
        else:
            answer = f"<Response><Dial>{forward_to.e164}</Dial></Response>"
        return WebhookResponse(content_type="text/xml", body=answer.encode())

    @hookimpl
    def sms_acknowledge_webhook(self, account: Account) -> WebhookResponse | None:
        return WebhookResponse(status=204)


@attrs.define
class MemoryDriver:
    """Steers a :class:`MemoryCarrier`; it can also sign with the wrong secret."""

    carrier: MemoryCarrier

    def complete_registration(self, account: Account, step: RegistrationStep, ref: str) -> None:
        self.carrier.complete(account, step, ref)

    def confirm_registration(self, account: Account, step: RegistrationStep, ref: str) -> None:
        self.carrier.confirm(account, ref)

    def fail_next_registration(
        self, account: Account, step: RegistrationStep, reason: str, code: str
    ) -> None:
        self.carrier.failing[account.id, step] = RegistrationFailure(reason=reason, code=code)

    def review_failure_code(self, step: RegistrationStep) -> str:
        return "M-REVIEW"

    def hold_number(self, account: Account) -> ProvisionedNumber:
        taken = {e164 for _, e164 in self.carrier.held}
        offered = next(item for item in CATALOGUE if item.number.e164 not in taken)
        held = ProvisionedNumber(
            number=offered.number,
            provider_ref=_ref("PN"),
            settings=NumberSettings(sms_url="https://elsewhere.invalid/sms"),
        )
        self.carrier.held[account.id, offered.number.e164] = held
        return held

    def hold_registration(self, account: Account) -> tuple[str, str, str]:
        brand = self.carrier.submit(account, RegistrationStep.BRAND)
        self.carrier.complete(account, RegistrationStep.BRAND, brand.provider_ref)
        campaign = self.carrier.sms_submit_campaign(account, brand.provider_ref, sample_campaign())
        assert campaign is not None
        self.carrier.complete(account, RegistrationStep.CAMPAIGN, campaign.provider_ref)
        service = self.carrier.sms_submit_messaging_service(account, campaign.provider_ref)
        assert service is not None
        return brand.provider_ref, campaign.provider_ref, service.provider_ref

    def delivery_failure_code(self, reason: FailureReason) -> str:
        return next(code for code, known in _DELIVERY_CODES.items() if known is reason)

    def number_registration_failure_code(self) -> str:
        return "M-NUMBER"

    def opt_out_at_carrier(
        self, account: Account, sender: PhoneNumber, recipient: PhoneNumber
    ) -> None:
        self.carrier.opted_out.add((sender.e164, recipient.e164))

    def status_webhook(
        self,
        account: Account,
        message: OutboundMessage,
        receipt: SendReceipt,
        status: DeliveryStatus,
        error_code: str | None = None,
    ) -> WebhookRequest:
        params = {
            "Kind": "status",
            "MessageSid": receipt.provider_message_id,
            "MessageId": message.message_id,
            "Status": status.value,
            "ErrorCode": error_code or "",
        }
        return self.signed(account, message.status_callback_url, params)

    def inbound_message_webhook(
        self, account: Account, sender: PhoneNumber, line: ProvisionedNumber, body: str
    ) -> WebhookRequest:
        params = {
            "Kind": "message",
            "MessageSid": _ref("SM"),
            "From": sender.e164,
            "To": line.number.e164,
            "Body": body,
        }
        return self.signed(account, line.settings.sms_url, params)

    def inbound_call_webhook(
        self, account: Account, caller: PhoneNumber, line: ProvisionedNumber
    ) -> WebhookRequest:
        params = {
            "Kind": "call",
            "CallSid": _ref("CA"),
            "From": caller.e164,
            "To": line.number.e164,
        }
        return self.signed(account, line.settings.voice_url, params)

    def fail_next_number_registration(self, account: Account, reason: str, code: str) -> None:
        self.carrier.number_failing[account.id] = RegistrationFailure(reason=reason, code=code)

    def number_registration_webhooks(
        self, account: Account, number: ProvisionedNumber
    ) -> list[WebhookRequest]:
        failure = self.carrier.number_outcomes[number.provider_ref]
        final = (
            {"State": "failed", "ErrorCode": failure.code or "", "ErrorMessage": failure.reason}
            if failure
            else {"State": "registered"}
        )
        reports = [{"State": "pending"}, final]
        return [
            self.signed(
                account,
                "https://memory.example/webhooks/events",
                {"Kind": "number", "NumberSid": number.provider_ref, "Number": number.number.e164}
                | report,
            )
            for report in reports
        ]

    def registration_step_webhooks(
        self, account: Account, step: RegistrationStep, ref: str
    ) -> list[WebhookRequest]:
        if ref in self.carrier.outcomes:
            return []  # still under review: nothing to report
        params = {"Kind": "step", "Step": step.value, "Ref": ref}
        return [self.signed(account, "https://memory.example/webhooks/events", params)]

    def sign_with_other_secret(self, account: Account, request: WebhookRequest) -> WebhookRequest:
        signature = _sign(f"not-{self.carrier.secret_for(account)}", request.url, request.body)
        return attrs.evolve(request, headers={**request.headers, SIGNATURE_HEADER: signature})

    def signed(self, account: Account, url: str | None, params: dict[str, str]) -> WebhookRequest:
        url = url or "https://memory.example/webhooks"
        body = urlencode(params).encode()
        return WebhookRequest(
            method="POST",
            url=url,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                SIGNATURE_HEADER: _sign(self.carrier.secret_for(account), url, body),
            },
            body=body,
        )


# ---------------------------------------------------------------------------------------------
# Broken variants: each breaks the contract in one way
# ---------------------------------------------------------------------------------------------


class SearchIgnoresAreaCode(MemoryCarrier):
    """Offers numbers from any area code."""

    @hookimpl
    def sms_search_numbers(
        self, account: Account, query: NumberQuery
    ) -> list[AvailableNumber] | None:
        return super().sms_search_numbers(account, attrs.evolve(query, area_code=None))


class SearchOffersBoughtNumbers(MemoryCarrier):
    """Keeps offering numbers that were bought."""

    @hookimpl
    def sms_search_numbers(
        self, account: Account, query: NumberQuery
    ) -> list[AvailableNumber] | None:
        return [offered for offered in CATALOGUE if self.matches(offered, query)][: query.limit]


class ReleaseAlwaysSucceeds(MemoryCarrier):
    """Says a number was released even when it holds no such number."""

    @hookimpl
    def sms_release_number(self, account: Account, number: ProvisionedNumber) -> bool | None:
        try:
            return super().sms_release_number(account, number)
        except ProviderNotFoundError:
            return True


class HidesFailureReasons(MemoryCarrier):
    """Reports a failed registration without its reasons."""

    @hookimpl
    def sms_fetch_registration(
        self, account: Account, step: RegistrationStep, ref: str
    ) -> RegistrationState | None:
        state = super().sms_fetch_registration(account, step, ref)
        return None if state is None else attrs.evolve(state, failures=())


class SendReportsFailure(MemoryCarrier):
    """Answers a send with a final, failed status."""

    @hookimpl
    def sms_send_message(self, account: Account, message: OutboundMessage) -> SendReceipt | None:
        receipt = super().sms_send_message(account, message)
        return None if receipt is None else attrs.evolve(receipt, status=DeliveryStatus.FAILED)


class SendLosesProviderId(MemoryCarrier):
    """Answers a send without the carrier's message id."""

    @hookimpl
    def sms_send_message(self, account: Account, message: OutboundMessage) -> SendReceipt | None:
        receipt = super().sms_send_message(account, message)
        return None if receipt is None else attrs.evolve(receipt, provider_message_id="")


class FetchNeedsProviderId(MemoryCarrier):
    """Cannot find a message without the carrier's id."""

    @hookimpl
    def sms_fetch_message(
        self, account: Account, message: OutboundMessage, provider_message_id: str | None
    ) -> StatusUpdate | None:
        if provider_message_id is None:
            raise _not_found(f"message {message.message_id}")
        return super().sms_fetch_message(account, message, provider_message_id)


class AcceptsAnySignature(MemoryCarrier):
    """Accepts every webhook, signed or not."""

    @hookimpl
    def sms_verify_webhook(self, account: Account, request: WebhookRequest) -> bool | None:
        return True


class SearchIgnoresPostalCode(MemoryCarrier):
    """Declares the postal-code filter, and offers numbers from any postal code."""

    @hookimpl
    def sms_search_numbers(
        self, account: Account, query: NumberQuery
    ) -> list[AvailableNumber] | None:
        return super().sms_search_numbers(account, attrs.evolve(query, postal_code=None))


class SearchesPostalCodesUndeclared(MemoryCarrier):
    """Leaves the postal-code filter out of its declaration: the core refuses such searches."""

    @hookimpl
    def sms_provider_info(self) -> ProviderInfo:
        info = super().sms_provider_info()
        filters = DEFAULT_SEARCH_FILTERS - {SearchFilter.POSTAL_CODE}
        return attrs.evolve(
            info, capabilities=attrs.evolve(info.capabilities, search_filters=filters)
        )


class DeclaresLocalityIgnoringIt(MemoryCarrier):
    """Declares every search filter, the city among them, and searches by no city."""

    @hookimpl
    def sms_provider_info(self) -> ProviderInfo:
        info = super().sms_provider_info()
        filters = frozenset(SearchFilter)
        return attrs.evolve(
            info, capabilities=attrs.evolve(info.capabilities, search_filters=filters)
        )


class ClaimsItSignsNoUrl(MemoryCarrier):
    """Says its signature covers no URL (it does), and bounds no replay by time."""

    @hookimpl
    def sms_provider_info(self) -> ProviderInfo:
        info = super().sms_provider_info()
        return attrs.evolve(
            info, capabilities=attrs.evolve(info.capabilities, signature_covers_url=False)
        )


class ReportsNumbersWithoutCodes(MemoryCarrier):
    """Reports a failed number registration without the carrier's code."""

    def event(self, form: dict[str, str]) -> ProviderEvent:
        event = super().event(form)
        if isinstance(event, NumberRegistrationUpdate):
            return attrs.evolve(event, error_code=None)
        return event


class ReportsStepNewsUnderAnotherRef(MemoryCarrier):
    """Reports a brand's or campaign's review under an id of its own, not the step's."""

    def event(self, form: dict[str, str]) -> ProviderEvent:
        event = super().event(form)
        if isinstance(event, RegistrationStepUpdate):
            return attrs.evolve(event, provider_ref=f"TCR-{event.provider_ref}")
        return event


class AcceptsAnySettings(MemoryCarrier):
    """Stores whatever settings it is given, typos included."""

    @hookimpl
    def sms_check_provider_settings(self, account: Account) -> bool | None:
        return True


class ChecksNoSettings(MemoryCarrier):
    """Written before the settings check: it leaves settings unchecked."""

    @hookimpl
    def sms_check_provider_settings(self, account: Account) -> bool | None:
        return None


class ReportsNoFailureReason(MemoryCarrier):
    """Reports a delivery failure's code without saying what it means."""

    def event(self, form: dict[str, str]) -> ProviderEvent:
        event = super().event(form)
        if isinstance(event, StatusUpdate):
            return attrs.evolve(event, failure_reason=None)
        return event


class AdoptsWithoutRepointing(MemoryCarrier):
    """Answers an adoption with the number as asked, but leaves its webhooks where they were."""

    @hookimpl
    def sms_adopt_number(
        self, account: Account, number: ProvisionedNumber, settings: NumberSettings
    ) -> ProvisionedNumber | None:
        return attrs.evolve(self.holding(account, number), settings=settings)


class LooksUpWithoutParents(MemoryCarrier):
    """Reads a registration without saying what each step belongs to."""

    @hookimpl
    def sms_lookup_registration(
        self, account: Account, brand_ref: str, campaign_ref: str, service_ref: str
    ) -> list[HeldRegistration] | None:
        found = super().sms_lookup_registration(account, brand_ref, campaign_ref, service_ref)
        return [attrs.evolve(held, parent_ref=None) for held in found or []]


class RefusesWithoutReason(MemoryCarrier):
    """Refuses a send to an opted-out recipient as another, unnamed failure."""

    @hookimpl
    def sms_send_message(self, account: Account, message: OutboundMessage) -> SendReceipt | None:
        try:
            return super().sms_send_message(account, message)
        except RecipientOptedOutError as err:
            raise RecipientOptedOutError(
                str(err), provider=NAME, code=err.code, reason=FailureReason.OTHER
            ) from err


# ---------------------------------------------------------------------------------------------
# Running the suite
# ---------------------------------------------------------------------------------------------


class CarrierUnderTest:
    """A plugin for the inner session: one carrier for the whole run, as a real one would be."""

    def __init__(self, carrier: MemoryCarrier) -> None:
        self.carrier = carrier

    @pytest.fixture
    def memory_carrier(self) -> MemoryCarrier:
        return self.carrier

    @pytest.fixture
    def memory_driver(self) -> MemoryDriver:
        return MemoryDriver(self.carrier)


_OVERRIDES = {
    "hooks": """
    @pytest.fixture
    def hooks(self, memory_carrier):
        return Hooks(make_plugin_manager(plugins=[memory_carrier], load_entry_points=False))
""",
    "account": """
    @pytest.fixture
    def account(self, account_id):
        return Account(id=account_id, name="Memory Staffing", provider="memory")
""",
    "driver": """
    @pytest.fixture
    def driver(self, memory_driver):
        return memory_driver
""",
}


def contract_module(*overrides: str) -> str:
    """An adapter's contract test module that overrides the given fixtures."""
    head = """
import pytest

from sms_core import Account, Hooks, make_plugin_manager
from sms_core.testing.contract import CarrierContract


class TestMemoryCarrier(CarrierContract):
    \"\"\"The in-memory carrier honours the adapter contract.\"\"\"
"""
    return textwrap.dedent(head) + "".join(_OVERRIDES[name] for name in overrides)


class ReversedOrder:
    """A plugin for the inner session that runs the suite back to front."""

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        items.reverse()


def failed_tests(pytester: pytest.Pytester, carrier: MemoryCarrier, *plugins: object) -> set[str]:
    """Run the whole suite against ``carrier``; the names of the tests that failed."""
    pytester.makepyfile(test_memory_carrier=contract_module(*_OVERRIDES))
    reprec = pytester.inline_run(
        "-p", "no:cacheprovider", "-W", "error", plugins=[CarrierUnderTest(carrier), *plugins]
    )
    passed, skipped, failed = reprec.listoutcomes()
    assert [] == skipped
    assert passed, "the suite ran no test"
    return {report.nodeid.rpartition("::")[2] for report in failed}


class TestReferenceCarrier:
    @pytest.mark.parametrize(
        "order", [pytest.param((), id="in order"), pytest.param((ReversedOrder(),), id="reversed")]
    )
    def test_passes_the_whole_suite(
        self, pytester: pytest.Pytester, order: tuple[object, ...]
    ) -> None:
        """A correct adapter passes every contract test, in any order, on one shared carrier."""
        assert set() == failed_tests(pytester, MemoryCarrier(), *order)

    def test_suite_cleans_up_after_itself(self, pytester: pytest.Pytester) -> None:
        """The suite releases every number it bought and leaves no arranged failure unused."""
        carrier = MemoryCarrier()
        failed_tests(pytester, carrier)
        assert {} == carrier.held
        assert {} == carrier.failing


class TestBrokenCarriers:
    @pytest.mark.parametrize(
        ("carrier", "expected"),
        [
            pytest.param(
                SearchIgnoresAreaCode,
                {"test_search_by_area_code"},
                id="search ignores the area code",
            ),
            pytest.param(
                SearchOffersBoughtNumbers,
                {"test_bought_number_leaves_search"},
                id="search offers bought numbers",
            ),
            pytest.param(
                ReleaseAlwaysSucceeds,
                {"test_released_number_cannot_be_released_again"},
                id="release succeeds twice",
            ),
            pytest.param(
                AdoptsWithoutRepointing,
                {"test_adopting_repoints_the_webhooks"},
                id="adoption leaves the webhooks",
            ),
            pytest.param(
                LooksUpWithoutParents,
                {"test_registration_held_outside_the_sdk_is_read"},
                id="lookup says nothing of parents",
            ),
            pytest.param(
                HidesFailureReasons,
                {
                    "test_failed_review_reports_reasons[brand]",
                    "test_failed_review_reports_reasons[campaign]",
                },
                id="registration hides failure reasons",
            ),
            pytest.param(
                SendReportsFailure,
                {"test_send_returns_provider_id_and_initial_status"},
                id="send answers a final status",
            ),
            pytest.param(
                SendLosesProviderId,
                {
                    "test_send_returns_provider_id_and_initial_status",
                    "test_fetch_message_by_provider_id",
                    "test_fetch_message_without_provider_id",
                },
                id="send answers no id",
            ),
            pytest.param(
                FetchNeedsProviderId,
                {"test_fetch_message_without_provider_id"},
                id="fetch needs the carrier's id",
            ),
            pytest.param(
                AcceptsAnySignature,
                {
                    "test_unsigned_request_is_refused",
                    "test_tampered_signature_is_refused",
                    "test_signature_with_another_secret_is_refused",
                    "test_tampered_body_is_refused",
                    "test_tampered_url_is_refused[query]",
                    "test_tampered_url_is_refused[host]",
                    "test_forged_registration_webhook_refused",
                    "test_forged_step_webhook_refused[brand]",
                    "test_forged_step_webhook_refused[campaign]",
                },
                id="verify accepts anything",
            ),
            pytest.param(
                ReportsStepNewsUnderAnotherRef,
                {
                    "test_review_reported_for_its_step[brand]",
                    "test_review_reported_for_its_step[campaign]",
                    "test_failed_review_reported_for_its_step[brand]",
                    "test_failed_review_reported_for_its_step[campaign]",
                },
                id="step news under another id",
            ),
            pytest.param(
                ReportsNumbersWithoutCodes,
                {"test_failed_registration_carries_the_code"},
                id="number registration loses the code",
            ),
            pytest.param(
                ReportsNoFailureReason,
                {
                    "test_status_webhook_parses_to_one_update[undelivered]",
                    "test_status_webhook_parses_to_one_update[failed]",
                },
                id="delivery reports name no reason",
            ),
            pytest.param(
                RefusesWithoutReason,
                {"test_opted_out_recipient_is_refused"},
                id="opt-out refusal names another reason",
            ),
            pytest.param(
                SearchIgnoresPostalCode,
                {"test_search_by_postal_code"},
                id="search ignores the declared postal code",
            ),
            pytest.param(
                SearchesPostalCodesUndeclared,
                set(),
                id="postal code undeclared: the core refuses, as the suite expects",
            ),
            pytest.param(
                AcceptsAnySettings,
                {"test_bad_settings_are_refused"},
                id="settings accepted unchecked",
            ),
            pytest.param(
                ChecksNoSettings,
                {"test_account_settings_are_accepted", "test_bad_settings_are_refused"},
                id="no settings check",
            ),
            pytest.param(
                DeclaresLocalityIgnoringIt,
                {"test_search_by_locality"},
                id="locality declared, ignored",
            ),
            pytest.param(
                ClaimsItSignsNoUrl,
                {
                    "test_tampered_url_is_refused[query]",
                    "test_tampered_url_is_refused[host]",
                    "test_replay_outside_signature_max_age_is_refused",
                },
                id="signature covers neither the URL nor a time",
            ),
        ],
    )
    def test_fails_the_contract_tests_it_breaks(
        self, pytester: pytest.Pytester, carrier: type[MemoryCarrier], expected: set[str]
    ) -> None:
        """A carrier broken in one way fails exactly the contract tests about that way."""
        assert expected == failed_tests(pytester, carrier())


class TestSuiteShape:
    @pytest.mark.parametrize("missing", list(_OVERRIDES))
    def test_required_fixture_not_overridden_says_what_to_provide(
        self, pytester: pytest.Pytester, missing: str
    ) -> None:
        """Without one of the required fixtures, the tests needing it error with a hint."""
        provided = [name for name in _OVERRIDES if name != missing]
        pytester.makepyfile(test_memory_carrier=contract_module(*provided))
        result = pytester.runpytest(
            "-p", "no:cacheprovider", plugins=[CarrierUnderTest(MemoryCarrier())]
        )
        assert 0 == result.parseoutcomes().get("failed", 0)
        assert result.parseoutcomes()["errors"] > 0
        result.stdout.fnmatch_lines(
            [f"*NotImplementedError: *needs the '{missing}' fixture: override it in your*"]
        )

    def test_base_classes_are_not_collected(self, pytester: pytest.Pytester) -> None:
        """Importing the suite into a test module collects no test by itself."""
        pytester.makepyfile(test_imports="from sms_core.testing.contract import *  # noqa: F403")
        result = pytester.runpytest("-p", "no:cacheprovider")
        assert pytest.ExitCode.NO_TESTS_COLLECTED == result.ret

    def test_docstring_example_runs(self, pytester: pytest.Pytester) -> None:
        """The example in the suite's docstring is a working adapter test (the sandbox's own)."""
        doc = contract.__doc__ or ""
        example = doc.split(" reads::\n", 1)[1].split("\nThe adapter is reached", 1)[0]
        pytester.makepyfile(test_example=textwrap.dedent(example))
        chosen = "test_provider_info_names_the_account_provider or test_capabilities_are_sane"
        result = pytester.runpytest("-p", "no:cacheprovider", "-W", "error", "-k", chosen)
        result.assert_outcomes(passed=2)
