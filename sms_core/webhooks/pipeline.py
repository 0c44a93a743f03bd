"""Receiving a carrier's webhook: verify → parse → apply → answer, in this one place.

:meth:`WebhookReceiver.handle` takes one request for one account, as the webhook app (or a
test, or a host with its own web framework) hands it over with the URL the carrier signed
(:func:`sms_core.webhooks.urls.signed_url`), and:

1. **verifies** the carrier's signature over the whole request through the account's adapter;
   a forged, unsigned or tampered request is refused with :class:`WebhookSignatureError` and
   changes nothing;
2. **parses** it through the adapter into normalized events and checks them before anything
   is applied: events of another kind than the URL called, a call webhook with other than one
   call, or an id or code no column can hold are refused with :class:`WebhookPayloadError`; a
   text or call to a number that is not one of the account's active lines is refused with
   :class:`LineNotFoundError`, news about a registration step the account does not have under
   that id with :class:`RegistrationStepNotFoundError`;
3. **applies** the events through the services
   (:class:`~sms_core.services.inbound.EventApplier`: delivery reports, texts and their
   keywords, numbers' registration with the mobile carriers, registration steps re-read from
   the carrier);
4. **answers** the carrier as its adapter says: a call with the adapter's forwarding (or
   declining) response, anything else with the adapter's acknowledgement.

The HTTP side (routes, the signed URL, refusals as status codes) is :mod:`sms_core.webhooks.app`;
what each event changes is :mod:`sms_core.services.inbound`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs

from sms_core import inputs
from sms_core.domain import (
    InboundCall,
    InboundMessage,
    Line,
    NumberRegistrationUpdate,
    PhoneNumber,
    ProviderEvent,
    RegistrationStepUpdate,
    StatusUpdate,
    WebhookKind,
    WebhookRequest,
    WebhookResponse,
)
from sms_core.exceptions import InvalidFieldError, WebhookPayloadError
from sms_core.services.context import AccountContext
from sms_core.services.inbound import EventApplier
from sms_core.services.sending import SendPipeline

__all__ = ["WebhookReceiver"]

# The events each webhook URL receives.
_KINDS: dict[WebhookKind, tuple[type[ProviderEvent], ...]] = {
    WebhookKind.STATUS: (StatusUpdate,),
    WebhookKind.MESSAGES: (InboundMessage,),
    WebhookKind.CALLS: (InboundCall,),
    WebhookKind.EVENTS: (NumberRegistrationUpdate, RegistrationStepUpdate),
}

# The longest value the event fields kept in a column may have: the column's width, from the
# one place the schema takes it too. Other text fields are checked for what no database stores.
_FIELD_WIDTHS: dict[str, int] = {
    "provider_message_id": inputs.ID_LENGTH,
    "error_code": inputs.ERROR_CODE_LENGTH,
}


@attrs.define
class WebhookReceiver:
    """Verifies, parses, applies and answers the carrier's webhook requests for one account.

    ``admin.account(id).webhooks`` is the account's receiver. It is built on the account's
    context (the account and its collaborators) and the send pipeline that sends the replies an
    inbound text asks for (help, opt-out confirmation).
    """

    _context: AccountContext
    _pipeline: SendPipeline
    _applier: EventApplier = attrs.field(init=False)

    @_applier.default
    def _services(self) -> EventApplier:
        return EventApplier(self._context, self._pipeline)

    def handle(self, kind: WebhookKind, request: WebhookRequest) -> WebhookResponse:
        """Verify, parse and apply one webhook request; return the answer the carrier expects.

        Args:
            kind: Which of the account's webhook URLs was called.
            request: The request as it arrived, with the public URL the carrier called and
                signed (:func:`sms_core.webhooks.urls.signed_url`).

        Raises:
            WebhookSignatureError: When the request is not signed by the account's carrier.
            WebhookPayloadError: When it is signed but malformed, or of another kind.
            LineNotFoundError: When a text or call is for a number the account has no line for.
            RegistrationStepNotFoundError: When the carrier reports on a registration step
                the account does not have under that id.
        """
        self._verify(request)
        events = self._parse(WebhookKind(kind), request)
        lines = self._applier.lines_of(events)
        self._applier.check_steps(events)
        self._applier.apply(events, lines)
        return self._answer(events, lines)

    def _verify(self, request: WebhookRequest) -> None:
        self._context.hooks.verify_webhook(self._context.account, request)

    def _parse(self, kind: WebhookKind, request: WebhookRequest) -> Sequence[ProviderEvent]:
        """The request's events, each of ``kind`` and storable; nothing is applied yet."""
        events = self._context.hooks.parse_webhook(self._context.account, request)
        expected = _KINDS[kind]
        if stray := [event for event in events if not isinstance(event, expected)]:
            raise WebhookPayloadError(
                f"the {kind} webhook of account {self._context.account.id!r} received "
                f"{type(stray[0]).__name__} events; check the webhook URLs configured on the "
                "account's numbers"
            )
        if kind == WebhookKind.CALLS and len(events) != 1:
            raise WebhookPayloadError(
                f"a calls webhook carries one call, this one {len(events)}; check the adapter"
            )
        for event in events:
            _check_storable(event)
        return events

    def _answer(
        self, events: Sequence[ProviderEvent], lines: Mapping[PhoneNumber, Line]
    ) -> WebhookResponse:
        """A call is answered with its line's forwarding; anything else is acknowledged."""
        context = self._context
        for event in events:
            if isinstance(event, InboundCall):
                forward_to = lines[event.called].forward_to
                return context.hooks.answer_call(context.account, event, forward_to)
        return context.hooks.acknowledge_webhook(context.account, events)


def _check_storable(event: ProviderEvent) -> None:
    """Refuse an event whose ids or codes no database could store or look up.

    A text's body is kept whatever it holds (the services replace what no database stores);
    every other text field must be free of NUL and lone surrogates and fit its column.

    Raises:
        WebhookPayloadError: Naming the field, its start and the limit.
    """
    for field in attrs.fields(type(event)):
        value = getattr(event, field.name)
        if field.name == "body" or not isinstance(value, str):
            continue
        width = _FIELD_WIDTHS.get(field.name, inputs.BODY_TEXT_LENGTH)
        try:
            inputs.text(f"the webhook's {field.name}", value, max_length=width)
        except InvalidFieldError as err:
            raise WebhookPayloadError(
                f"{err}; no carrier sends such a value, so the request was not applied"
            ) from err
