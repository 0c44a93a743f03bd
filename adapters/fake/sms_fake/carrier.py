# Over 400 lines: the sandbox carrier's public face, one method per thing a carrier does, each one
# transaction over the modules that hold its rules.
"""The sandbox carrier: a carrier of its own, with its state in one SQLite database.

It sells numbers, reviews registrations, carries texts and calls, and signs the webhooks it
sends, all on its own clock. Every method is one transaction, so several processes that open
the same file see one carrier. The steering methods (``advance``, ``fail_next``,
``mark_recipient``, ``inject_inbound_text``…) are what a real carrier would not offer: they
let a demo or a test make things happen.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime, timedelta
from types import TracebackType
from typing import TYPE_CHECKING

from sms_core.clock import Clock, SystemClock
from sms_core.domain import (
    AvailableNumber,
    BrandProfile,
    CampaignProfile,
    EntityType,
    NumberQuery,
    NumberSettings,
    PhoneNumber,
    RegistrationFailure,
    RegistrationStep,
    WebhookRequest,
)
from sms_fake import (
    calls,
    delivery,
    inbound,
    inventory,
    messages,
    number_registrations,
    numbers,
    optouts,
    outbox,
    registrations,
)
from sms_fake.carrier_time import CarrierClock
from sms_fake.errors import conflict, number_unavailable, send_timed_out
from sms_fake.payloads import Event
from sms_fake.records import CarrierCall, CarrierMessage, CarrierNumber, Registration
from sms_fake.signing import WebhookSigner, auth_token_from
from sms_fake.store import MEMORY, Store

if TYPE_CHECKING:  # httpx is imported where webhooks are posted: 'smsadmin sandbox --help'
    import httpx  # and every program importing the carrier start without it


__all__ = ["SandboxCarrier"]

# Brands The Campaign Registry has a person confirm after review: a sole proprietor by a code
# texted to the owner's mobile, a public company by a 2FA e-mail to its brand contact.
_CONFIRMED_BY_A_PERSON = frozenset({EntityType.SOLE_PROPRIETOR, EntityType.PUBLIC_PROFIT})


class SandboxCarrier:
    """A carrier that runs on a SQLite file (or in memory) and on its own clock.

    Args:
        path: The SQLite file holding the carrier's state, shared by every process that opens
            it; :data:`sms_fake.store.MEMORY` (``":memory:"``) keeps it in this object.
        clock: The base clock; carrier time is this clock plus the offset ``advance`` adds.
            Defaults to the wall clock.
        auth_token: The key webhooks are signed with; defaults to ``SMS_FAKE_AUTH_TOKEN`` or
            the sandbox's public default.
        signature_tolerance: How far a signature's timestamp may be from carrier time. The
            default, ``None``, does not check it, because the sandbox clock jumps by design.
    """

    def __init__(
        self,
        path: str | os.PathLike[str] = MEMORY,
        *,
        clock: Clock | None = None,
        auth_token: str | None = None,
        signature_tolerance: timedelta | None = None,
    ) -> None:
        self._store = Store(path)
        self._clock = CarrierClock(clock if clock is not None else SystemClock())
        self._signer = WebhookSigner(auth_token or auth_token_from())
        self._tolerance = signature_tolerance

    @property
    def path(self) -> str:
        """Where the carrier keeps its state."""
        return self._store.path

    def close(self) -> None:
        """Let go of the state (an in-memory carrier loses it); files stay for the next process."""
        self._store.close()

    def __enter__(self) -> SandboxCarrier:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"SandboxCarrier({self.path!r})"

    # -- time --------------------------------------------------------------------------------

    def now(self) -> datetime:
        """The carrier's current time."""
        with self._store.read() as conn:
            return self._clock.now(conn)

    def advance(self, delta: timedelta) -> datetime:
        """Move the carrier clock forward for every process, and return the new time.

        Reviews end, texts get delivered and webhooks fall due as carrier time passes.

        Raises:
            ValueError: When ``delta`` is negative.
        """
        with self._store.write() as conn:
            return self._clock.advance(conn, delta)

    def review_duration(self, step: RegistrationStep) -> timedelta:
        """How long a review of ``step`` submitted now takes, in carrier time."""
        with self._store.read() as conn:
            return registrations.review_time(conn, step)

    def set_review_duration(self, step: RegistrationStep, duration: timedelta) -> None:
        """Make reviews of ``step`` submitted from now on take ``duration`` of carrier time.

        Raises:
            ValueError: When ``duration`` is negative.
        """
        with self._store.write() as conn:
            registrations.set_review_time(conn, step, duration)

    # -- numbers -----------------------------------------------------------------------------

    def search_numbers(self, query: NumberQuery) -> list[AvailableNumber]:
        """The numbers for sale that match every filter of ``query``; often none for a ZIP code.

        Raises:
            InvalidQueryError: For a country or kind of number the sandbox does not sell.
        """
        with self._store.read() as conn:
            taken = numbers.taken(conn)
        return inventory.search(query, taken)

    def purchase_number(
        self, account_id: str, number: PhoneNumber, settings: NumberSettings | None = None
    ) -> CarrierNumber:
        """Buy an offered number for the account and configure it.

        Raises:
            NumberUnavailableError: When the number is taken or never offered (code 21422).
        """
        offer = inventory.find_offer(number)
        if offer is None:
            raise number_unavailable(number.e164, "is not a number the sandbox carrier sells")
        with self._store.write() as conn:
            if number.e164 in numbers.taken(conn):
                raise number_unavailable(number.e164, "was bought by someone else")
            now = self._clock.now(conn)
            return numbers.insert(conn, account_id, offer, settings or NumberSettings(), now)

    def release_number(self, account_id: str, number_sid: str) -> None:
        """Give a number back; it leaves its messaging service and is offered again.

        Raises:
            ProviderNotFoundError: When the account holds no such number.
        """
        with self._store.write() as conn:
            numbers.owned(conn, account_id, number_sid)
            numbers.delete(conn, number_sid)

    def configure_number(
        self, account_id: str, number_sid: str, settings: NumberSettings
    ) -> CarrierNumber:
        """Replace a number's webhook URLs, forwarding and label.

        Raises:
            ProviderNotFoundError: When the account holds no such number.
        """
        with self._store.write() as conn:
            numbers.owned(conn, account_id, number_sid)
            numbers.update(conn, number_sid, settings)
            return numbers.owned(conn, account_id, number_sid)

    def number(self, account_id: str, number_sid: str) -> CarrierNumber:
        """One of the account's numbers.

        Raises:
            ProviderNotFoundError: When the account holds no such number.
        """
        with self._store.read() as conn:
            return numbers.owned(conn, account_id, number_sid)

    def numbers(self, account_id: str) -> list[CarrierNumber]:
        """The account's numbers, in the order they were bought."""
        with self._store.read() as conn:
            return numbers.list_owned(conn, account_id)

    # -- registration ------------------------------------------------------------------------

    def submit_brand(
        self, account_id: str, brand: BrandProfile, previous_sid: str | None = None
    ) -> Registration:
        """Submit a brand for review, or resubmit the failed brand ``previous_sid``.

        Resubmitting starts a new review under the same id; resubmitting a brand that did not
        fail changes nothing. A sole proprietor's or public company's brand must then be
        confirmed by its person (:meth:`confirm_brand`) before it is approved.

        Raises:
            ProviderNotFoundError: When ``previous_sid`` is not one of the account's brands.
        """
        with self._store.write() as conn:
            return self._submit(
                conn,
                account_id,
                RegistrationStep.BRAND,
                brand.legal_name,
                parent_sid=None,
                previous_sid=previous_sid,
                needs_confirmation=brand.entity_type in _CONFIRMED_BY_A_PERSON,
            )

    def confirm_brand(self, account_id: str, sid: str) -> Registration:
        """The brand's person confirms, and the brand is approved.

        The owner replies to the text, or the brand contact follows the e-mail link.

        Raises:
            ProviderNotFoundError: When the account has no such brand.
            ProviderError: When the brand waits for no confirmation (code 20409).
        """
        with self._store.write() as conn:
            now = self._clock.now(conn)
            brand = registrations.load_step(conn, account_id, RegistrationStep.BRAND, sid, now)
            registrations.confirm(conn, brand)
            return registrations.load(conn, account_id, sid, now)

    def resend_confirmation(self, account_id: str, sid: str) -> Registration:
        """Send the brand's confirmation (text or e-mail) again.

        Raises:
            ProviderNotFoundError: When the account has no such brand.
            ProviderError: When the brand waits for no confirmation (code 20409).
        """
        with self._store.write() as conn:
            now = self._clock.now(conn)
            brand = registrations.load_step(conn, account_id, RegistrationStep.BRAND, sid, now)
            registrations.resend_confirmation(conn, brand)
            return registrations.load(conn, account_id, sid, now)

    def confirmations_sent(self, account_id: str, sid: str) -> int:
        """How often a brand's confirmation was sent again."""
        with self._store.read() as conn:
            registrations.load_step(
                conn, account_id, RegistrationStep.BRAND, sid, self._clock.now(conn)
            )
            return registrations.confirmations_sent(conn, sid)

    def submit_campaign(
        self,
        account_id: str,
        brand_sid: str,
        campaign: CampaignProfile,
        previous_sid: str | None = None,
    ) -> Registration:
        """Submit a campaign under an approved brand, or resubmit the failed ``previous_sid``.

        Raises:
            ProviderNotFoundError: When the brand or ``previous_sid`` is not the account's.
            ProviderError: When the brand is not approved (code 20409).
        """
        with self._store.write() as conn:
            registrations.require_approved(
                conn, account_id, RegistrationStep.BRAND, brand_sid, self._clock.now(conn)
            )
            return self._submit(
                conn,
                account_id,
                RegistrationStep.CAMPAIGN,
                campaign.use_case.value,
                parent_sid=brand_sid,
                previous_sid=previous_sid,
            )

    def submit_messaging_service(
        self, account_id: str, campaign_sid: str, settings: NumberSettings | None = None
    ) -> Registration:
        """Set up the messaging service of a verified campaign.

        A campaign has one service: submitting again returns it as it stands, or starts a
        new review when it failed.

        Args:
            settings: The inbound and status webhook URLs of numbers that set none themselves,
                and the account's events URL (numbers' registration with the carriers).

        Raises:
            ProviderNotFoundError: When the campaign is not the account's.
            ProviderError: When the campaign is not verified (code 20409).
        """
        step = RegistrationStep.MESSAGING_SERVICE
        with self._store.write() as conn:
            registrations.require_approved(
                conn, account_id, RegistrationStep.CAMPAIGN, campaign_sid, self._clock.now(conn)
            )
            row = conn.execute(
                "SELECT sid FROM registrations WHERE account_id = ? AND step = ? "
                "AND parent_sid = ?",
                (account_id, step.value, campaign_sid),
            ).fetchone()
            now = self._clock.now(conn)
            if settings is not None and settings.events_url:
                number_registrations.set_events_url(conn, account_id, settings.events_url)
            if row is not None:
                existing = registrations.load(conn, account_id, row["sid"], now)
                return registrations.restart(conn, existing, existing.label, now)
            return registrations.submit(
                conn,
                account_id=account_id,
                step=step,
                label=f"messaging service of {campaign_sid}",
                parent_sid=campaign_sid,
                now=now,
                settings=settings,
            )

    def registration(
        self, account_id: str, sid: str, step: RegistrationStep | None = None
    ) -> Registration:
        """A brand, campaign or messaging service as it stands at carrier time.

        Args:
            step: The step ``sid`` must be of, when the caller knows it.

        Raises:
            ProviderNotFoundError: When the account submitted no such registration (of ``step``).
        """
        with self._store.read() as conn:
            now = self._clock.now(conn)
            if step is None:
                return registrations.load(conn, account_id, sid, now)
            return registrations.load_step(conn, account_id, step, sid, now)

    def complete_review(self, account_id: str, sid: str) -> Registration:
        """Advance the carrier clock to the end of a registration's review (if still running).

        Raises:
            ProviderNotFoundError: When the account submitted no such registration.
        """
        with self._store.write() as conn:
            now = self._clock.now(conn)
            registration = registrations.load(conn, account_id, sid, now)
            if now < registration.decided_at:
                now = self._clock.advance(conn, registration.decided_at - now)
            return registrations.load(conn, account_id, sid, now)

    def fail_next(
        self,
        account_id: str,
        step: RegistrationStep,
        reason: str,
        code: str | None = None,
        field: str | None = None,
    ) -> None:
        """Make the account's next submission of ``step`` fail when its review ends.

        Args:
            reason: The carrier's words, e.g. ``"TAX_ID: the EIN does not match the name"``.
            code: The carrier's code, e.g. ``"30893"`` (sample messages) or ``"30886"``.
            field: The form field the failure is about, if one.
        """
        failure = RegistrationFailure(reason=reason, code=code, field=field)
        with self._store.write() as conn:
            registrations.plan_failure(conn, account_id, step, failure)

    def attach_number(self, account_id: str, service_sid: str, number_sid: str) -> CarrierNumber:
        """Put a number in a messaging service's sender pool (moving it from any other).

        Once the service is active, the number is registered with the mobile carriers: it is
        reported pending at once and registered (or failed, see
        :meth:`fail_next_number_registration`) one number registration time later, to the
        account's events URL. Attaching a number twice is harmless and reports nothing new.

        Raises:
            ProviderNotFoundError: When the service or the number is not the account's.
            ProviderError: When the service failed (code 20409).
        """
        with self._store.write() as conn:
            service = registrations.load_step(
                conn,
                account_id,
                RegistrationStep.MESSAGING_SERVICE,
                service_sid,
                self._clock.now(conn),
            )
            if service.failure is not None:
                raise conflict(
                    f"messaging service {service_sid} failed ({service.failure.reason}); "
                    "resubmit it before attaching numbers"
                )
            before = numbers.owned(conn, account_id, number_sid)
            numbers.attach(conn, number_sid, service_sid)
            attached = numbers.owned(conn, account_id, number_sid)
            if before.service_sid != service_sid:
                starts = max(self._clock.now(conn), service.decided_at)
                number_registrations.start(conn, attached, starts)
            return attached

    def number_registration_duration(self) -> timedelta:
        """How long registering a number attached now takes, in carrier time."""
        with self._store.read() as conn:
            return number_registrations.registration_time(conn)

    def set_number_registration_duration(self, duration: timedelta) -> None:
        """Make number registrations started from now on take ``duration`` of carrier time.

        Raises:
            ValueError: When ``duration`` is negative.
        """
        with self._store.write() as conn:
            number_registrations.set_registration_time(conn, duration)

    def fail_next_number_registration(
        self, account_id: str, reason: str, *, code: str = "30126"
    ) -> None:
        """Make the registration of the next number the account attaches fail.

        Args:
            reason: What the failure report says.
            code: The code it carries.
        """
        with self._store.write() as conn:
            number_registrations.plan_failure(conn, account_id, reason, code)

    # -- delivery ----------------------------------------------------------------------------

    def send_message(
        self,
        account_id: str,
        *,
        sender: PhoneNumber,
        recipient: PhoneNumber,
        body: str,
        message_id: str | None = None,
        status_callback_url: str | None = None,
    ) -> CarrierMessage:
        """Accept a text for delivery; it is ``queued`` now and moves on with carrier time.

        Args:
            message_id: The sender's own id for the text; reported back in every status
                webhook and usable with :meth:`find_message`.
            status_callback_url: Where to report its status; defaults to the number's, then
                its messaging service's.

        Raises:
            InvalidRecipientError: When ``recipient`` is not a valid number (21211).
            UnregisteredSenderError: When the account does not own ``sender`` (21606) or it
                is not attached to an active messaging service (30034).
            RecipientOptedOutError: When the recipient replied STOP to the sender (21610).
            ProviderError: For an empty body (21602) or one over 1,600 characters (21617).
            ProviderTimeoutError: When a lost answer was arranged with
                :meth:`time_out_next_send`.
        """
        with self._store.write() as conn:
            now = self._clock.now(conn)
            line = delivery.check(
                conn, account_id=account_id, sender=sender, recipient=recipient, body=body, now=now
            )
            lost_answer = messages.take_timeout(conn, account_id)
            message = (
                None
                if lost_answer is False  # the text never reached the carrier
                else delivery.accept(
                    conn,
                    line=line,
                    recipient=recipient,
                    body=body,
                    message_id=message_id,
                    status_callback_url=status_callback_url,
                    now=now,
                )
            )
        if lost_answer is not None or message is None:
            raise send_timed_out(message_id)
        return message

    def message(self, account_id: str, message_sid: str) -> CarrierMessage:
        """A message as it stands at carrier time.

        Raises:
            ProviderNotFoundError: When the account has no such message.
        """
        with self._store.read() as conn:
            return messages.load(conn, account_id, message_sid, self._clock.now(conn))

    def find_message(self, account_id: str, message_id: str) -> CarrierMessage:
        """The text sent with the sender's id ``message_id``, for when the send's answer was lost.

        Raises:
            ProviderNotFoundError: When no text with that id reached the carrier.
        """
        with self._store.read() as conn:
            return messages.find(conn, account_id, message_id, self._clock.now(conn))

    def messages(self, account_id: str) -> list[CarrierMessage]:
        """Every text of the account, both ways, oldest first."""
        with self._store.read() as conn:
            return messages.list_all(conn, account_id, self._clock.now(conn))

    def mark_recipient(self, number: PhoneNumber, error_code: str | None) -> None:
        """Make texts sent to ``number`` from now on fail with a delivery error code.

        Args:
            error_code: ``"30003"`` unreachable, ``"30005"`` unknown, ``"30006"`` landline,
                ``"30007"`` filtered… (undelivered), ``"30001"`` or ``"30002"`` (failed);
                ``None`` lets texts through again.
        """
        with self._store.write() as conn:
            messages.mark(conn, number, error_code)

    def time_out_next_send(self, account_id: str, *, reaches_carrier: bool = True) -> None:
        """Make the account's next accepted send raise ``ProviderTimeoutError``.

        Args:
            reaches_carrier: Whether the text got through before the answer was lost (it is
                then delivered as usual and findable by its ``message_id``) or never arrived.
        """
        with self._store.write() as conn:
            messages.plan_timeout(conn, account_id, reaches_carrier=reaches_carrier)

    def opt_out(self, account_id: str, sender: PhoneNumber, recipient: PhoneNumber) -> None:
        """Block texts from ``sender`` (and its messaging service) to ``recipient``.

        Raises:
            ProviderNotFoundError: When the account does not own ``sender``.
        """
        with self._store.write() as conn:
            line = numbers.owned_e164(conn, account_id, sender)
            now = self._clock.now(conn)
            optouts.block(conn, account_id, optouts.scope_of(line), recipient.e164, now)

    def is_opted_out(self, account_id: str, sender: PhoneNumber, recipient: PhoneNumber) -> bool:
        """Whether the carrier refuses texts from ``sender`` to ``recipient``."""
        with self._store.read() as conn:
            line = numbers.find_e164(conn, account_id, sender)
            scopes = optouts.scopes_of(line) if line else [sender.e164]
            return optouts.is_blocked(conn, account_id, scopes, recipient.e164)

    def inject_inbound_text(
        self,
        account_id: str,
        sender: PhoneNumber,
        to_number: PhoneNumber,
        body: str,
        *,
        webhook_url: str | None = None,
    ) -> CarrierMessage:
        """Make ``sender`` text one of the account's numbers.

        A STOP-type keyword opts the sender out of the number (or its service) and a
        START-type keyword opts them back in, before the text is reported.

        Args:
            webhook_url: Report the text here instead of the number's (or service's) URL.

        Raises:
            ProviderNotFoundError: When the account does not own ``to_number``.
        """
        with self._store.write() as conn:
            return inbound.receive_text(
                conn,
                account_id=account_id,
                sender=sender,
                to_number=to_number,
                body=body,
                webhook_url=webhook_url,
                now=self._clock.now(conn),
            )

    def inject_inbound_call(
        self,
        account_id: str,
        caller: PhoneNumber,
        to_number: PhoneNumber,
        *,
        webhook_url: str | None = None,
    ) -> CarrierCall:
        """Make ``caller`` call one of the account's numbers.

        The call rings until its webhook is delivered and answered (see
        :meth:`deliver_webhooks`); a number without a voice URL declines it at once.

        Args:
            webhook_url: Report the call here instead of the number's voice URL.

        Raises:
            ProviderNotFoundError: When the account does not own ``to_number``.
        """
        with self._store.write() as conn:
            return inbound.receive_call(
                conn,
                account_id=account_id,
                caller=caller,
                to_number=to_number,
                webhook_url=webhook_url,
                now=self._clock.now(conn),
            )

    def calls(self, account_id: str) -> list[CarrierCall]:
        """The calls to the account's numbers, oldest first."""
        with self._store.read() as conn:
            return calls.list_all(conn, account_id)

    # -- webhooks ----------------------------------------------------------------------------

    def due_webhooks(self, *, subject_sid: str | None = None) -> list[WebhookRequest]:
        """The signed webhooks due at carrier time, without collecting them.

        Args:
            subject_sid: Only those about this message or call.
        """
        with self._store.read() as conn:
            now = self._clock.now(conn)
            return [self._sign(item, now) for item in outbox.due(conn, now, subject_sid)]

    def collect_webhooks(self, *, subject_sid: str | None = None) -> list[WebhookRequest]:
        """Take the signed webhooks due at carrier time; each is collected once.

        Args:
            subject_sid: Only those about this message or call.
        """
        with self._store.write() as conn:
            now = self._clock.now(conn)
            return [self._sign(item, now) for item in outbox.take(conn, now, subject_sid)]

    def deliver_webhooks(self, client: httpx.Client) -> list[httpx.Response]:
        """Post the due webhooks with ``client`` and act on the answers to calls.

        A call whose webhook is answered ``forward`` is forwarded; any other answer declines
        it. When a post cannot reach its URL, it and the ones after it go back to the outbox
        and the transport error is raised.

        Returns:
            The responses, in the order the webhooks were posted.
        """
        import httpx  # noqa: PLC0415 - only here, see the imports

        with self._store.write() as conn:
            now = self._clock.now(conn)
            pending = outbox.take(conn, now)
        responses: list[httpx.Response] = []
        for index, item in enumerate(pending):
            request = self._sign(item, now)
            try:
                response = client.post(
                    request.url, content=request.body, headers=dict(request.headers)
                )
            except httpx.TransportError:
                with self._store.write() as conn:
                    outbox.put_back(conn, pending[index:])
                raise
            responses.append(response)
            if item.event is Event.INBOUND_CALL:
                with self._store.write() as conn:
                    inbound.settle_call(
                        conn,
                        item.subject_sid,
                        answered=response.is_success,
                        body=response.content,
                    )
        return responses

    def signed_request(self, url: str, body: bytes) -> WebhookRequest:
        """A webhook ``POST`` of ``body`` to ``url``, signed at carrier time."""
        return self._signer.request(url, body, self.now())

    def verify_webhook(self, request: WebhookRequest) -> bool:
        """Whether ``request`` bears this carrier's valid signature over its URL and body."""
        now = self.now() if self._tolerance is not None else None
        return self._signer.verify(request, now=now, tolerance=self._tolerance)

    # -- internals ---------------------------------------------------------------------------

    def _submit(
        self,
        conn: sqlite3.Connection,
        account_id: str,
        step: RegistrationStep,
        label: str,
        *,
        parent_sid: str | None,
        previous_sid: str | None,
        needs_confirmation: bool = False,
    ) -> Registration:
        now = self._clock.now(conn)
        if previous_sid is not None:
            previous = registrations.load_step(conn, account_id, step, previous_sid, now)
            return registrations.restart(
                conn, previous, label, now, needs_confirmation=needs_confirmation
            )
        return registrations.submit(
            conn,
            account_id=account_id,
            step=step,
            label=label,
            parent_sid=parent_sid,
            now=now,
            needs_confirmation=needs_confirmation,
        )

    def _sign(self, item: outbox.Pending, now: datetime) -> WebhookRequest:
        return self._signer.request(item.url, item.body, now)
