"""The webhook contract: verifying, parsing and answering the carrier's requests."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Protocol, TypeVar, runtime_checkable
from urllib.parse import SplitResult, urlsplit, urlunsplit

import attrs
import pytest

from sms_core.domain import (
    Account,
    DeliveryStatus,
    FailureReason,
    InboundCall,
    InboundMessage,
    PhoneNumber,
    ProvisionedNumber,
    StatusUpdate,
    WebhookRequest,
)
from sms_core.exceptions import WebhookSignatureError
from sms_core.plugins import Hooks
from sms_core.testing.contract.fixtures import CarrierFixtures, SentMessage
from sms_core.testing.driver import CarrierDriver

__all__ = ["ForgingDriver", "ReplayingDriver", "WebhookContract"]

# Headers any HTTP client sends; whatever else a driver's request carries is signature material.
_PLAIN_HEADERS = frozenset(
    {
        "accept",
        "accept-encoding",
        "connection",
        "content-length",
        "content-type",
        "host",
        "user-agent",
    }
)

# A candidate's reply, and one that only UCS-2 can carry (an emoji takes two UTF-16 units).
_TEXT = "Yes, Tuesday at 10 works for me. Thanks!"
_UNICODE_TEXT = "Sí, el martes puedo 👍 — ¡gracias! 谢谢"
# Ways to change where a signed request claims to have been sent.
_URL_TAMPERING: dict[str, Callable[[SplitResult], SplitResult]] = {
    "query": lambda url: url._replace(query=f"{url.query}&account=other".lstrip("&")),
    "host": lambda url: url._replace(netloc="attacker.example"),
}
_EventT = TypeVar("_EventT")


@runtime_checkable
class ForgingDriver(Protocol):
    """A driver that can also sign a webhook with the wrong secret.

    Without it, the suite cannot check that a well-formed signature made with another
    secret is refused, and skips that test.
    """

    def sign_with_other_secret(self, account: Account, request: WebhookRequest) -> WebhookRequest:
        """The same request, signed the carrier's way with a secret that is not the account's."""
        ...


@runtime_checkable
class ReplayingDriver(Protocol):
    """A driver that can sign a webhook as the carrier would have some time ago.

    Required of a carrier that declares ``ProviderCapabilities.signature_max_age``: the suite
    checks with it that a request older than that is refused and a younger one is not.
    """

    def signed_ago(
        self, account: Account, request: WebhookRequest, age: timedelta
    ) -> WebhookRequest:
        """The same request, signed the carrier's way ``age`` before the adapter's now."""
        ...


class WebhookContract(CarrierFixtures):
    """Verifying, parsing and answering the carrier's webhooks."""

    @pytest.fixture
    def signed_request(
        self,
        hooks: Hooks,
        account: Account,
        driver: CarrierDriver,
        purchased_number: ProvisionedNumber,
        recipient: PhoneNumber,
    ) -> WebhookRequest:
        """A signed inbound text, checked to verify before a test tampers with it."""
        request = driver.inbound_message_webhook(account, recipient, purchased_number, _TEXT)
        hooks.verify_webhook(account, request)
        return request

    @pytest.fixture
    def inbound_call(
        self,
        hooks: Hooks,
        account: Account,
        driver: CarrierDriver,
        purchased_number: ProvisionedNumber,
        recipient: PhoneNumber,
    ) -> InboundCall:
        """A call from the candidate to a bought number, as parsed from its webhook."""
        request = driver.inbound_call_webhook(account, recipient, purchased_number)
        hooks.verify_webhook(account, request)
        return _only(hooks.parse_webhook(account, request), InboundCall)

    @pytest.mark.parametrize(
        ("status", "reason"),
        [
            pytest.param(DeliveryStatus.DELIVERED, None, id="delivered"),
            pytest.param(DeliveryStatus.UNDELIVERED, FailureReason.UNREACHABLE, id="undelivered"),
            pytest.param(DeliveryStatus.FAILED, FailureReason.FILTERED, id="failed"),
        ],
    )
    def test_status_webhook_parses_to_one_update(
        self,
        hooks: Hooks,
        account: Account,
        driver: CarrierDriver,
        sent_message: SentMessage,
        status: DeliveryStatus,
        reason: FailureReason | None,
    ) -> None:
        """A delivery report parses to one update with both ids, the reason and the code.

        The carrier's code for the failure comes from the driver; the adapter reads it back
        as the reason and keeps it beside.
        """
        message, receipt = sent_message
        error_code = None if reason is None else driver.delivery_failure_code(reason)
        request = driver.status_webhook(account, message, receipt, status, error_code)
        hooks.verify_webhook(account, request)
        update = _only(hooks.parse_webhook(account, request), StatusUpdate)
        assert receipt.provider_message_id == update.provider_message_id
        assert message.message_id == update.message_id
        assert (status, reason, error_code) == (
            update.status,
            update.failure_reason,
            update.error_code,
        )

    def test_inbound_text_parses_to_message(
        self,
        hooks: Hooks,
        account: Account,
        driver: CarrierDriver,
        purchased_number: ProvisionedNumber,
        recipient: PhoneNumber,
    ) -> None:
        """An inbound text verifies and parses to its sender, line and unicode body."""
        request = driver.inbound_message_webhook(
            account, recipient, purchased_number, _UNICODE_TEXT
        )
        hooks.verify_webhook(account, request)
        inbound = _only(hooks.parse_webhook(account, request), InboundMessage)
        assert recipient == inbound.sender
        assert purchased_number.number == inbound.recipient
        assert _UNICODE_TEXT == inbound.body
        assert inbound.provider_message_id

    def test_inbound_call_parses_to_call(
        self,
        inbound_call: InboundCall,
        purchased_number: ProvisionedNumber,
        recipient: PhoneNumber,
    ) -> None:
        """An inbound call verifies and parses to its caller and the line called."""
        assert recipient == inbound_call.caller
        assert purchased_number.number == inbound_call.called
        assert inbound_call.provider_call_id

    def test_answer_call_forwards(
        self,
        hooks: Hooks,
        account: Account,
        inbound_call: InboundCall,
        forward_number: PhoneNumber,
    ) -> None:
        """A call to a forwarding line is answered 2xx with the forwarding number in the body."""
        response = hooks.answer_call(account, inbound_call, forward_number)
        assert 200 <= response.status < 300
        assert forward_number.e164[1:].encode() in response.body

    def test_answer_call_without_forwarding_declines(
        self,
        hooks: Hooks,
        account: Account,
        inbound_call: InboundCall,
        forward_number: PhoneNumber,
    ) -> None:
        """A call to a line that forwards nowhere is answered 2xx without forwarding it."""
        response = hooks.answer_call(account, inbound_call, None)
        assert 200 <= response.status < 300
        assert forward_number.e164[1:].encode() not in response.body

    def test_acknowledge_webhook_is_2xx(
        self, hooks: Hooks, account: Account, signed_request: WebhookRequest
    ) -> None:
        """Applied events, or none, are acknowledged with a 2xx answer."""
        events = hooks.parse_webhook(account, signed_request)
        assert 200 <= hooks.acknowledge_webhook(account, events).status < 300
        assert 200 <= hooks.acknowledge_webhook(account, []).status < 300

    def test_unsigned_request_is_refused(
        self, hooks: Hooks, account: Account, signed_request: WebhookRequest
    ) -> None:
        """A request without its signature headers raises WebhookSignatureError."""
        plain = {k: v for k, v in signed_request.headers.items() if k in _PLAIN_HEADERS}
        assert plain != signed_request.headers, "the driver's request carries no signature header"
        with pytest.raises(WebhookSignatureError):
            hooks.verify_webhook(account, attrs.evolve(signed_request, headers=plain))

    def test_tampered_signature_is_refused(
        self, hooks: Hooks, account: Account, signed_request: WebhookRequest
    ) -> None:
        """A request whose signature value was changed raises WebhookSignatureError."""
        tampered = {
            k: v if k in _PLAIN_HEADERS else _tampered(v) for k, v in signed_request.headers.items()
        }
        with pytest.raises(WebhookSignatureError):
            hooks.verify_webhook(account, attrs.evolve(signed_request, headers=tampered))

    def test_signature_with_another_secret_is_refused(
        self,
        hooks: Hooks,
        account: Account,
        driver: CarrierDriver,
        signed_request: WebhookRequest,
    ) -> None:
        """A request signed with a secret that is not the account's raises WebhookSignatureError."""
        if not isinstance(driver, ForgingDriver):
            pytest.skip("the driver has no sign_with_other_secret() (see ForgingDriver)")
        forged = driver.sign_with_other_secret(account, signed_request)
        with pytest.raises(WebhookSignatureError):
            hooks.verify_webhook(account, forged)

    def test_tampered_body_is_refused(
        self, hooks: Hooks, account: Account, signed_request: WebhookRequest
    ) -> None:
        """A request whose body was changed raises WebhookSignatureError."""
        body = _tampered(signed_request.body.decode()).encode()
        with pytest.raises(WebhookSignatureError):
            hooks.verify_webhook(account, attrs.evolve(signed_request, body=body))

    @pytest.mark.parametrize("part", list(_URL_TAMPERING))
    def test_tampered_url_is_refused(
        self, hooks: Hooks, account: Account, signed_request: WebhookRequest, part: str
    ) -> None:
        """A request moved to another query string or host, as the carrier's signature allows.

        When the signature covers the URL (``ProviderCapabilities.signature_covers_url``),
        the moved request raises WebhookSignatureError. When the carrier declares it does
        not, the moved request verifies, as declared, and what protects such a carrier is
        checked by ``test_replay_outside_signature_max_age_is_refused``.
        """
        moved = urlunsplit(_URL_TAMPERING[part](urlsplit(signed_request.url)))
        request = attrs.evolve(signed_request, url=moved)
        if hooks.provider_info(account).capabilities.signature_covers_url:
            with pytest.raises(WebhookSignatureError):
                hooks.verify_webhook(account, request)
        else:
            hooks.verify_webhook(account, request)  # the declaration is honest

    def test_replay_outside_signature_max_age_is_refused(
        self, hooks: Hooks, account: Account, driver: CarrierDriver, signed_request: WebhookRequest
    ) -> None:
        """A request signed longer ago than ``signature_max_age`` raises WebhookSignatureError.

        One signed within it verifies. A carrier whose signature covers neither the URL nor a
        time fails: nothing would refuse a signed request replayed to another URL. One whose
        signature covers the URL and no time has nothing more to check here.
        """
        capabilities = hooks.provider_info(account).capabilities
        max_age = capabilities.signature_max_age
        if max_age is None:
            # Nothing to replay against: the signature carries no time, and covers the URL.
            assert capabilities.signature_covers_url, (
                "the signature covers neither the URL nor a time, so a replayed request "
                "verifies anywhere, forever; declare the carrier's signature_max_age"
            )
            return
        if not isinstance(driver, ReplayingDriver):
            pytest.fail(
                "signature_max_age is declared, so the driver must sign requests in the past: "
                "implement ReplayingDriver.signed_ago()"
            )
        stale = driver.signed_ago(account, signed_request, max_age + timedelta(minutes=1))
        with pytest.raises(WebhookSignatureError):
            hooks.verify_webhook(account, stale)
        hooks.verify_webhook(account, driver.signed_ago(account, signed_request, max_age / 2))


def _only(events: Sequence[object], kind: type[_EventT]) -> _EventT:
    """The one event a webhook carries, checked to be of ``kind``."""
    assert 1 == len(events), f"expected exactly one event, got {events}"
    [event] = events
    assert isinstance(event, kind), f"expected a {kind.__name__}, got {event!r}"
    return event


def _tampered(text: str) -> str:
    """``text`` with its last letter or digit changed, keeping its kind."""
    for index in range(len(text) - 1, -1, -1):
        char = text[index]
        if char.isdigit():
            return f"{text[:index]}{'1' if char == '0' else '0'}{text[index + 1 :]}"
        if char.isalpha():
            return f"{text[:index]}{'b' if char == 'a' else 'a'}{text[index + 1 :]}"
    return f"{text}0"
