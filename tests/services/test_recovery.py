"""Recovery of texts whose sending call stopped short of the carrier's answer (issue 13).

A process that dies in a mass text is played here by a carrier call that raises a
``BaseException`` (nothing in the SDK catches one): the call stops where a killed process
would, leaving texts stored and never handed over, and texts handed over without an answer.
The crash suite (``tests/test_crash_recovery.py``) does the same with SIGKILL.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest

from sms_core import (
    Account,
    AccountAdmin,
    DeliveryStatus,
    ManualClock,
    OutboundMessage,
    ProviderCapabilities,
    ProviderInfo,
    Recipient,
    RecipientStatus,
    SendReceipt,
    SmsAdmin,
    hookimpl,
)
from sms_core.exceptions import PermissionDeniedError, UserNotFoundError
from sms_core.services import ReconciliationPoller
from sms_core.services.reconciliation import (
    NEVER_ARRIVED,
    NEVER_ARRIVED_MARGIN,
    NEVER_HANDED,
    RECOVERY_LEASE,
)
from sms_fake import FakeAdapter, SandboxCarrier
from tests.services.messaging_fixtures import (
    ALICE,
    BRUNO,
    CARLA,
    DEV,
    Texting,
    buy_line,
    outbound_at_carrier,
)

RECIPIENTS = [Recipient(candidate_id=None, number=n) for n in (ALICE, BRUNO, CARLA, DEV)]


class Crash(BaseException):
    """The process dying: nothing catches it."""


class CrashingAdapter(FakeAdapter):
    """The sandbox, one send at a time, whose ``crash_at``-th send dies (before the carrier)."""

    def __init__(self, carrier: SandboxCarrier) -> None:
        super().__init__(carrier=carrier)
        self.crash_at: int | None = None
        self.sends = 0

    @hookimpl
    def sms_provider_info(self) -> ProviderInfo:
        """The sandbox's description with one send at a time, so waves are two texts."""
        info = super().sms_provider_info()
        capabilities = ProviderCapabilities(
            max_concurrent_sends=1,
            max_body_characters=info.capabilities.max_body_characters,
            countries=info.capabilities.countries,
            number_types=info.capabilities.number_types,
        )
        return ProviderInfo(name=info.name, description=info.description, capabilities=capabilities)

    @hookimpl
    def sms_send_message(self, account: Account, message: OutboundMessage) -> SendReceipt | None:
        """Die at the arranged send, before the text reaches the carrier."""
        self.sends += 1
        if self.sends == self.crash_at:
            self.crash_at = None
            raise Crash
        return super().sms_send_message(account, message)


def crash_mass_text(acme: AccountAdmin, adapter: CrashingAdapter, at: int) -> None:
    """A keyed mass text to the four recipients whose ``at``-th carrier call dies."""
    adapter.crash_at = at
    with pytest.raises(Crash):
        acme.messages.send_mass("ann", RECIPIENTS, "Hi", idempotency_key="batch")


def texted(carrier: SandboxCarrier) -> list[str]:
    """The recipients the carrier took a text for, sorted (one entry per text)."""
    return sorted(message.recipient.e164 for message in outbound_at_carrier(carrier))


class TestRecoveryAfterACrash(Texting):
    """What a crashed mass text stored is sent exactly once, or failed with a reason."""

    @pytest.fixture
    def adapter(self, carrier: SandboxCarrier) -> FakeAdapter:
        return CrashingAdapter(carrier)

    @pytest.fixture
    def line(self, acme: AccountAdmin) -> str:
        return buy_line(acme, "ann").e164

    def test_reconcile_after_the_lease_sends_what_never_left(
        self,
        admin: SmsAdmin,
        acme: AccountAdmin,
        carrier: SandboxCarrier,
        adapter: CrashingAdapter,
        clock: ManualClock,
        line: str,
    ) -> None:
        """Alice went out; Bruno was handed over and lost; Carla and Dev were never handed.

        Recovery waits for the lease, sends Carla and Dev, finds Alice, and keeps Bruno
        unknown until the carrier's queue validity plus the margin, then fails him.
        """
        crash_mass_text(acme, adapter, at=2)
        assert [] == acme.messages.reconcile()  # within the lease: the call may be running
        clock.advance(RECOVERY_LEASE)
        recovered = {m.recipient.e164: m for m in acme.messages.reconcile()}
        assert [ALICE, CARLA, DEV] == texted(carrier)
        assert {
            ALICE: DeliveryStatus.DELIVERED,  # the carrier's clock moved on with the SDK's
            BRUNO: DeliveryStatus.UNKNOWN,
            CARLA: DeliveryStatus.QUEUED,
            DEV: DeliveryStatus.QUEUED,
        } == {number: message.status for number, message in recovered.items()}
        validity = admin.hooks.providers()["fake"].capabilities.queue_validity
        clock.advance(validity + NEVER_ARRIVED_MARGIN)
        [bruno] = acme.messages.reconcile()
        assert (BRUNO, DeliveryStatus.FAILED, NEVER_ARRIVED) == (
            bruno.recipient.e164,
            bruno.status,
            bruno.error_message,
        )
        assert [] == acme.messages.reconcile()
        assert [ALICE, CARLA, DEV] == texted(carrier)

    def test_retry_with_the_key_settles_its_texts_first(
        self, acme: AccountAdmin, carrier: SandboxCarrier, adapter: CrashingAdapter, line: str
    ) -> None:
        """The retry at once sends what never left and reports the truth for each recipient."""
        crash_mass_text(acme, adapter, at=2)
        again = acme.messages.send_mass("ann", RECIPIENTS, "Hi", idempotency_key="batch")
        assert [ALICE, CARLA, DEV] == texted(carrier)
        assert [
            (RecipientStatus.SENT, DeliveryStatus.QUEUED),
            (RecipientStatus.SENT, DeliveryStatus.UNKNOWN),
            (RecipientStatus.SENT, DeliveryStatus.QUEUED),
            (RecipientStatus.SENT, DeliveryStatus.QUEUED),
        ] == [
            (outcome.status, outcome.message.status if outcome.message else None)
            for outcome in again.outcomes
        ]
        assert (4, 0) == (again.sent, again.pending)
        # Alice and Bruno were the first call's; Carla and Dev this one's to send.
        assert [True, True, False, False] == [outcome.duplicate for outcome in again.outcomes]
        third = acme.messages.send_mass("ann", RECIPIENTS, "Hi", idempotency_key="batch")
        assert [True] * 4 == [outcome.duplicate for outcome in third.outcomes]
        assert [ALICE, CARLA, DEV] == texted(carrier)

    def test_single_send_retry_finds_the_handed_text(
        self, acme: AccountAdmin, carrier: SandboxCarrier, adapter: CrashingAdapter, line: str
    ) -> None:
        """A single send that died in the carrier call is looked up, never sent again."""
        adapter.crash_at = 1
        with pytest.raises(Crash):
            acme.messages.send("ann", candidate_id=None, to=ALICE, body="Hi", idempotency_key="k")
        retry = acme.messages.send(
            "ann", candidate_id=None, to=ALICE, body="Hi", idempotency_key="k"
        )
        assert (True, DeliveryStatus.UNKNOWN) == (retry.duplicate, retry.message.status)
        assert [] == texted(carrier)

    def test_concurrent_recoveries_send_once(
        self,
        acme: AccountAdmin,
        carrier: SandboxCarrier,
        adapter: CrashingAdapter,
        clock: ManualClock,
        line: str,
    ) -> None:
        """Four reconcilers at once: every abandoned text goes out once."""
        crash_mass_text(acme, adapter, at=1)
        clock.advance(RECOVERY_LEASE)
        with ThreadPoolExecutor(max_workers=4) as pool:
            runs = [pool.submit(acme.messages.reconcile) for _ in range(4)]
            for run in runs:
                run.result()
        assert [BRUNO, CARLA, DEV] == texted(carrier)

    def test_a_later_opt_out_refuses_the_recovered_text(
        self,
        acme: AccountAdmin,
        carrier: SandboxCarrier,
        adapter: CrashingAdapter,
        clock: ManualClock,
        line: str,
    ) -> None:
        """Carla opted out after the crash: her text fails with the opt-out, never sent."""
        crash_mass_text(acme, adapter, at=2)
        acme.optouts.record(
            CARLA, source="host", keyword=None, at=datetime(2026, 3, 10, tzinfo=UTC)
        )
        clock.advance(RECOVERY_LEASE)
        recovered = {m.recipient.e164: m for m in acme.messages.reconcile()}
        carla = recovered[CARLA]
        assert DeliveryStatus.FAILED == carla.status
        assert "cannot be texted" in (carla.error_message or "")
        assert [ALICE, DEV] == texted(carrier)

    def test_found_too_late_is_not_sent(
        self,
        admin: SmsAdmin,
        acme: AccountAdmin,
        carrier: SandboxCarrier,
        adapter: CrashingAdapter,
        clock: ManualClock,
        line: str,
    ) -> None:
        """A text never handed over, found after the queue validity, fails and frees its key."""
        crash_mass_text(acme, adapter, at=1)
        clock.advance(admin.hooks.providers()["fake"].capabilities.queue_validity)
        recovered = {m.recipient.e164: m for m in acme.messages.reconcile()}
        assert [BRUNO] == texted(carrier)  # handed over in Alice's wave, before the crash
        assert (DeliveryStatus.FAILED, NEVER_HANDED) == (
            recovered[CARLA].status,
            recovered[CARLA].error_message,
        )

    def test_serve_pass_recovers_every_account(
        self,
        admin: SmsAdmin,
        acme: AccountAdmin,
        carrier: SandboxCarrier,
        adapter: CrashingAdapter,
        clock: ManualClock,
        line: str,
    ) -> None:
        """``SmsAdmin.reconcile_messages`` is what ``smsadmin serve`` runs for every account."""
        crash_mass_text(acme, adapter, at=2)
        clock.advance(RECOVERY_LEASE)
        report = admin.reconcile_messages()
        assert ["acme"] == list(report)
        assert [ALICE, CARLA, DEV] == texted(carrier)

    def test_poller_in_the_background(
        self,
        admin: SmsAdmin,
        acme: AccountAdmin,
        carrier: SandboxCarrier,
        adapter: CrashingAdapter,
        clock: ManualClock,
        line: str,
    ) -> None:
        """The poller ``smsadmin serve`` runs sends what a crash left, with no one asking."""
        crash_mass_text(acme, adapter, at=2)
        clock.advance(RECOVERY_LEASE)
        with ReconciliationPoller(admin, interval=0.01) as poller:
            assert poller.wait_for_passes(1, timeout=60)
        assert [ALICE, CARLA, DEV] == texted(carrier)


class TestActorBeforeKey(Texting):
    """A key tells nothing to someone who may not send (issue 13, item 9)."""

    @pytest.fixture
    def line(self, acme: AccountAdmin) -> str:
        return buy_line(acme, "ann").e164

    @pytest.fixture
    def other_tenant(self, admin: SmsAdmin, carrier: SandboxCarrier) -> AccountAdmin:
        other = admin.create_account("globex", name="Globex", provider="fake")
        other.users.upsert("eve", first_name="Eve", last_name="Moss")
        return other

    @pytest.mark.parametrize(
        ("actor", "error"),
        [
            ("nobody", UserNotFoundError),
            ("admin-inactive", PermissionDeniedError),
        ],
    )
    def test_single_send(
        self,
        acme: AccountAdmin,
        line: str,
        actor: str,
        error: type[Exception],
    ) -> None:
        """An unknown or inactive actor gets the actor's error, not the earlier message."""
        acme.messages.send("ann", candidate_id=None, to=ALICE, body="Hi", idempotency_key="k")
        if actor == "admin-inactive":
            acme.users.deactivate("bob")
            actor = "bob"
        with pytest.raises(error) as raised:
            acme.messages.send(actor, candidate_id=None, to=ALICE, body="Hi", idempotency_key="k")
        assert ALICE not in str(raised.value)

    def test_another_tenants_user(
        self, acme: AccountAdmin, other_tenant: AccountAdmin, line: str
    ) -> None:
        """Globex's user, with Acme's key, learns nothing of Acme's text."""
        acme.messages.send("ann", candidate_id=None, to=ALICE, body="Hi", idempotency_key="k")
        for send in (
            lambda: acme.messages.send(
                "eve", candidate_id=None, to=ALICE, body="Hi", idempotency_key="k"
            ),
            lambda: acme.messages.send_mass(
                "eve", [Recipient(candidate_id=None, number=ALICE)], "Hi", idempotency_key="m"
            ),
        ):
            with pytest.raises(UserNotFoundError) as raised:
                send()
            assert ALICE not in str(raised.value)

    def test_mass_send_inactive_actor(self, acme: AccountAdmin, line: str) -> None:
        """An inactive sender of a keyed mass text is refused before any key is looked up."""
        acme.messages.send_mass("ann", RECIPIENTS, "Hi", idempotency_key="batch")
        acme.users.deactivate("ann")
        with pytest.raises(PermissionDeniedError) as raised:
            acme.messages.send_mass("ann", RECIPIENTS, "Hi", idempotency_key="batch")
        assert ALICE not in str(raised.value)
