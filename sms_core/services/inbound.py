"""Applying what carriers report: delivery reports, texts, calls and numbers' registration.

The webhook pipeline (:class:`sms_core.webhooks.pipeline.WebhookReceiver`) verifies a request
and parses it into checked events; :meth:`EventApplier.apply` then applies each event here:

   * a delivery report is matched by the SDK's message id, else by the carrier's id, and
     stored only forward (never back to an earlier status; duplicates change nothing);
     reports about unknown messages are acknowledged and ignored;
   * a text is stored once per carrier id (a redelivered webhook stores nothing new), on the
     line it was sent to. Its candidate is the one the line last texted at that number, if
     any. Its keyword is read with the default keywords plus the ones the account's campaign
     registered, and acted on:

     * an opt-out blocks the number on every line. When the carrier did not act on it itself
       (carriers commonly act on single-word keywords only, not on "opt out"), the line
       confirms it with the campaign's opt-out message (see :data:`FALLBACK_OPT_OUT`), the one
       text a number that opted out still gets;
     * an opt-in lifts a block the candidate made by keyword or at the carrier. A block the
       host recorded (the candidate asked a recruiter, say) stays until an admin lifts it: a
       "Yes" to an old shift offer must not undo it. Each opt-in records consent by keyword;
     * a help request is answered from the line with the campaign's help message (see
       :data:`FALLBACK_HELP`), unless the carrier reported it and replies itself
       (``ProviderCapabilities.answers_help``).

     It uses the allowance (the seat's or the account's) when the host counts received texts,
     is recorded on the candidate's activity without a user, and goes to the inbox of each
     user on the line then (:mod:`.inbox`);
   * a call changes nothing here: the pipeline answers it with the adapter's response,
     forwarded to the line's forwarding number or declined when the line has none;
   * a number's registration with the mobile carriers (carrier account events, the
     ``events`` URL) is stored on its line, found by the carrier's id for the number, only
     forward (:class:`~sms_core.domain.CarrierRegistration`); an update about a number the
     account has no line for is acknowledged and ignored;
   * a registration step's news (a brand or campaign reviewed, the ``events`` URL) is a hint:
     the step is re-read from the carrier through the registration sync
     (:meth:`~sms_core.services.registration_sync.RegistrationSync.refresh`), which stores the
     carrier's answer, with its host event, only when it differs from the record. A duplicate
     or late webhook therefore changes nothing the carrier does not confirm. News about a step
     the account does not have under that id is refused before anything is applied.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence

import attrs

from sms_core.compliance.keywords import KeywordClass
from sms_core.domain import (
    CampaignProfile,
    DeliveryStatus,
    Direction,
    InboundCall,
    InboundMessage,
    Line,
    Message,
    NumberRegistrationUpdate,
    OptOut,
    OptOutSource,
    PhoneNumber,
    ProviderEvent,
    RegistrationStepUpdate,
    StatusUpdate,
)
from sms_core.domain.host_events import MessageStatusChanged
from sms_core.exceptions import LineNotFoundError, RegistrationStepNotFoundError, StoreConflict
from sms_core.segments import analyze
from sms_core.services import host_events, inbox
from sms_core.services.allowance import charge_inbound
from sms_core.services.consent import record_keyword_consent
from sms_core.services.context import AccountContext
from sms_core.services.inbound_keywords import carrier_keyword, keyword_of, keyword_sets
from sms_core.services.registration import CLAIM_TIMEOUT
from sms_core.services.registration_sync import RegistrationSync, StepSubmitter
from sms_core.services.sending import SendPipeline
from sms_core.store import Transaction
from sms_core.store import lines as line_store
from sms_core.store import messages as message_store
from sms_core.store import optouts as optout_store
from sms_core.store import registrations as registration_store

__all__ = ["FALLBACK_HELP", "FALLBACK_OPT_OUT", "EventApplier"]


def __getattr__(name: str) -> object:
    """``WebhookReceiver`` moved to :mod:`sms_core.webhooks.pipeline`; the old path warns."""
    if name == "WebhookReceiver":
        warnings.warn(
            "sms_core.services.inbound.WebhookReceiver moved: import WebhookReceiver from "
            "sms_core (or sms_core.webhooks.pipeline); this path goes in 0.3",
            DeprecationWarning,
            stacklevel=2,
        )
        from sms_core.webhooks.pipeline import WebhookReceiver  # noqa: PLC0415 (a cycle)

        return WebhookReceiver
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


#: The help reply when the campaign on record has no help message; ``{name}`` is the account's.
FALLBACK_HELP = (
    "{name}: reply to reach your recruiter. Msg & data rates may apply. Reply STOP to opt out."
)
#: The opt-out confirmation when the campaign has no opt-out message; ``{name}`` as above.
FALLBACK_OPT_OUT = (
    "{name}: you are unsubscribed and will get no more texts from us. Reply START to resubscribe."
)


@attrs.define
class EventApplier:
    """Applies the events of a verified, parsed webhook to one account (see the module)."""

    _context: AccountContext
    _pipeline: SendPipeline

    def apply(self, events: Sequence[ProviderEvent], lines: Mapping[PhoneNumber, Line]) -> None:
        """Apply each event in turn; a call changes nothing (it is answered, not stored).

        Args:
            events: The request's events, checked by the webhook pipeline.
            lines: The account's lines the texts and calls went to (:meth:`lines_of`).
        """
        for event in events:
            match event:
                case StatusUpdate():
                    self._apply_status(event)
                case InboundMessage():
                    self._receive_text(event, lines[event.recipient])
                case NumberRegistrationUpdate():
                    self._apply_number_registration(event)
                case RegistrationStepUpdate():
                    self._refresh_step(event)

    def lines_of(self, events: Sequence[ProviderEvent]) -> dict[PhoneNumber, Line]:
        """The lines the texts and calls went to; every one must be the account's.

        Raises:
            LineNotFoundError: When one is not an active line of the account.
        """
        numbers = {
            event.recipient if isinstance(event, InboundMessage) else event.called
            for event in events
            if isinstance(event, InboundMessage | InboundCall)
        }
        if not numbers:
            return {}  # a status report names no line: no transaction to open
        account_id = self._context.account.id
        with self._context.database.transaction() as connection:
            lines = {
                number: line_store.find_line(connection, account_id, number) for number in numbers
            }
        if missing := sorted(str(number) for number, line in lines.items() if line is None):
            raise LineNotFoundError(
                f"account {account_id!r} has no active line {', '.join(missing)}; the number "
                "may have been released: remove its webhook URLs at the carrier"
            )
        return {number: line for number, line in lines.items() if line is not None}

    def check_steps(self, events: Sequence[ProviderEvent]) -> None:
        """Every registration step the events report on must be the account's, under that id.

        Raises:
            RegistrationStepNotFoundError: When the account has not submitted the step, or
                has it under another carrier id (a campaign replaced by a resubmission).
        """
        updates = [event for event in events if isinstance(event, RegistrationStepUpdate)]
        if not updates:
            return
        account_id = self._context.account.id
        with self._context.database.transaction() as connection:
            steps = registration_store.load_steps(connection, account_id)
        for update in updates:
            stored = steps.get(update.step)
            if stored is None or stored.record.provider_ref != update.provider_ref:
                raise RegistrationStepNotFoundError(
                    f"account {account_id!r} has no {update.step.value} step with the carrier "
                    f"id {update.provider_ref[:80]!r}; the carrier reports on another "
                    "account's registration, or one a resubmission replaced: check the "
                    "webhook URL it has at the carrier"
                )

    # -- events ------------------------------------------------------------------------------

    def _apply_status(self, update: StatusUpdate) -> None:
        context, account_id = self._context, self._context.account.id
        if not context.hooks.listens_to(MessageStatusChanged):
            # No plugin hears of status changes, so nothing needs the text as it was: one
            # conditional UPDATE, the status only forward (benchmarks/webhook_throughput.py).
            with context.database.transaction() as connection:
                message_store.advance_status(
                    connection,
                    account_id,
                    message_id=update.message_id,
                    provider_message_id=update.provider_message_id,
                    status=update.status,
                    now=context.now(),
                    error_code=update.error_code,
                    error_message=update.error_message,
                    failure_reason=update.failure_reason,
                )
            return
        with context.database.transaction() as connection:
            # Read by the SDK's id with its row locked, as record_status needs it: one read.
            locked = (
                message_store.lock_message(connection, account_id, update.message_id)
                if update.message_id
                else None
            )
            message = locked or message_store.find_by_provider_id(
                connection, account_id, update.provider_message_id
            )
            if message is None or message.direction is Direction.INBOUND:
                return  # not a text this SDK sent: nothing to update
            host_events.record_status(
                context,
                connection,
                message.id,
                status=update.status,
                provider_message_id=update.provider_message_id,
                error_code=update.error_code,
                error_message=update.error_message,
                failure_reason=update.failure_reason,
                locked=locked,
            )

    def _apply_number_registration(self, update: NumberRegistrationUpdate) -> None:
        context = self._context
        with context.database.transaction() as connection:
            line_store.record_carrier_registration(connection, context.account.id, update)

    def _refresh_step(self, update: RegistrationStepUpdate) -> None:
        """Re-read the step from the carrier: the webhook is a hint, the carrier's answer news."""
        submitter = StepSubmitter(self._context, CLAIM_TIMEOUT)
        RegistrationSync(self._context, submitter).refresh(update.step)

    def _receive_text(self, event: InboundMessage, line: Line) -> None:
        if (readable := _storable(event.body)) != event.body:
            event = attrs.evolve(event, body=readable)
        campaign = self._campaign()
        keyword = keyword_of(event, keyword_sets(campaign))
        stored = self._store_text(event, line, keyword)
        if stored is not None:
            self._pipeline.record_activity(stored, None)
        if keyword is KeywordClass.HELP and not self._carrier_answered_help(event):
            self._answer_help(event, line, campaign)
        elif keyword is KeywordClass.OPT_OUT and carrier_keyword(event) is None:
            self._confirm_opt_out(event, line, campaign)

    def _store_text(
        self, event: InboundMessage, line: Line, keyword: KeywordClass | None
    ) -> Message | None:
        """Store the text and apply its keyword in one transaction; ``None`` if stored before."""
        context, account_id = self._context, self._context.account.id
        now = context.now()
        analysis = analyze(event.body)
        policy = context.policy()
        try:
            with context.database.transaction() as connection:
                if message_store.find_by_provider_id(
                    connection, account_id, event.provider_message_id
                ):
                    return None
                message = Message(
                    id=context.make_id(),
                    account_id=account_id,
                    line_id=line.id,
                    direction=Direction.INBOUND,
                    sender=event.sender,
                    recipient=line.number,
                    body=event.body,
                    status=DeliveryStatus.RECEIVED,
                    created_at=now,
                    updated_at=now,
                    candidate_id=message_store.last_candidate_id(
                        connection, account_id, line.number.e164, event.sender.e164
                    ),
                    provider_message_id=event.provider_message_id,
                    segments=analysis.segments,
                    keyword=keyword.value if keyword else None,
                )
                charge = charge_inbound(connection, policy, line, analysis, now)
                message_store.insert_message(connection, message, charge=charge)
                line = inbox.route(connection, account_id, message.id, line)
                host_events.text_stored(context, connection, message, line)
                self._apply_keyword(connection, keyword, event, line)
        except StoreConflict:
            return None  # the same text, stored by a concurrent delivery of the webhook
        return message

    def _apply_keyword(
        self,
        connection: Transaction,
        keyword: KeywordClass | None,
        event: InboundMessage,
        line: Line,
    ) -> None:
        context, account_id = self._context, self._context.account.id
        if keyword is KeywordClass.OPT_OUT:
            opt_out = OptOut(
                number=event.sender,
                opted_out_at=context.now(),
                source=OptOutSource.KEYWORD,
                keyword=event.body.strip(),
                line=line.number,
            )
            host_events.record_opt_out(context, connection, opt_out)
        elif keyword is KeywordClass.OPT_IN:
            record_keyword_consent(context, connection, event.sender, event.body, line)
            current = optout_store.in_force(connection, account_id, [event.sender])
            if event.sender not in current or current[event.sender].source is OptOutSource.HOST:
                return  # a block the host recorded is lifted by an admin only
            host_events.lift_opt_out(
                context,
                connection,
                event.sender,
                by=None,
                reason=f"the candidate texted {event.body.strip()!r} to {line.number}",
                line=line.number,
            )

    def _carrier_answered_help(self, event: InboundMessage) -> bool:
        """Whether the carrier reported the help keyword and, as it says, replied to it."""
        if carrier_keyword(event) is not KeywordClass.HELP:
            return False
        context = self._context
        return context.hooks.provider_info(context.account).capabilities.answers_help

    def _answer_help(
        self, event: InboundMessage, line: Line, campaign: CampaignProfile | None
    ) -> None:
        """Reply with the campaign's help message, once per help request, unless opted out."""
        with self._context.database.transaction() as connection:
            if optout_store.in_force(connection, self._context.account.id, [event.sender]):
                return
        help_message = campaign.help_message.strip() if campaign else ""
        name = self._context.account.name
        self._reply(event, line, "help", help_message or FALLBACK_HELP.format(name=name))

    def _confirm_opt_out(
        self, event: InboundMessage, line: Line, campaign: CampaignProfile | None
    ) -> None:
        """Confirm an opt-out the carrier did not act on, once, with the campaign's words."""
        opt_out_message = campaign.opt_out_message.strip() if campaign else ""
        name = self._context.account.name
        self._reply(event, line, "opt-out", opt_out_message or FALLBACK_OPT_OUT.format(name=name))

    def _reply(self, event: InboundMessage, line: Line, purpose: str, body: str) -> None:
        """Answer an inbound text from its line, once per text (its carrier id is the key).

        Nothing goes from an unregistered line (the carrier would refuse it). The reply uses
        no allowance and ignores quiet hours: the candidate asked for it just now.
        """
        context = self._context
        key = f"{purpose}:{event.provider_message_id}"[:200]
        if not line.registered or self._pipeline.previous(key) is not None:
            return
        with context.database.transaction() as connection:
            candidate_id = message_store.last_candidate_id(
                connection, context.account.id, line.number.e164, event.sender.e164
            )
        # A refusal is stored on the reply with the carrier's reason; the inbound text stays.
        self._pipeline.reply(
            line, recipient=event.sender, candidate_id=candidate_id, body=body, idempotency_key=key
        )

    def _campaign(self) -> CampaignProfile | None:
        """The campaign the account registered, if any."""
        with self._context.database.transaction() as connection:
            steps = registration_store.load_steps(connection, self._context.account.id)
        return registration_store.registration_status(
            self._context.account.id, steps
        ).campaign_profile


def _storable(body: str) -> str:
    """The body with what no database stores (NUL, lone surrogates) replaced by U+FFFD."""
    return "".join(
        "\ufffd" if character == "\x00" or "\ud800" <= character <= "\udfff" else character
        for character in body
    )
