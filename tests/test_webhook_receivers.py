"""The webhook app holds each account for a few seconds, and what that may and may not delay.

The app reads an account once per :data:`ACCOUNT_CACHE_SECONDS` instead of once per report
(``sms_core.webhooks.receivers``). A change of the account's settings that chooses another
signing secret must still refuse reports signed with the old one: at once when this SDK made
the change, within the window when another process did. Time is the SDK's manual clock.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from sms_core import Account, DeliveryStatus, ManualClock, WebhookRequest, hookimpl
from sms_core.domain.host_events import MessageStatusChanged
from sms_core.services import AccountAdmin, SmsAdmin
from sms_core.webhooks import LoopbackServer, create_app
from sms_core.webhooks.receivers import ACCOUNT_CACHE_SECONDS
from sms_fake import FakeAdapter, SandboxCarrier
from tests.test_webhook_app import START, set_up, status_reports, text_candidate

#: The sandbox setting that picks the carrier file, and with it the key that signs.
STATE_PATH = "state_path"


class KeyedSandbox(FakeAdapter):
    """The sandbox, its carrier (and so its signing key) chosen by the account's ``state_path``.

    It stands for a carrier whose settings name the secret that signs, as Twilio's
    ``env_prefix`` or ``account_sid`` do.
    """

    def __init__(self, carriers: dict[str, SandboxCarrier]) -> None:
        super().__init__()
        self._by_path = carriers

    def carrier_for(self, account: Account) -> SandboxCarrier:
        return self._by_path[account.provider_settings.get(STATE_PATH, "old")]


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def carriers(tmp_path: Path, clock: ManualClock) -> Iterator[dict[str, SandboxCarrier]]:
    with (
        SandboxCarrier(tmp_path / "old.sqlite3", clock=clock, auth_token="old-key") as old,
        SandboxCarrier(tmp_path / "new.sqlite3", clock=clock, auth_token="new-key") as new,
    ):
        yield {"old": old, "new": new}


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as bound:
        yield bound


@pytest.fixture
def admin(
    database_url: str,
    clock: ManualClock,
    carriers: dict[str, SandboxCarrier],
    server: LoopbackServer,
) -> Iterator[SmsAdmin]:
    with SmsAdmin.open(
        database_url,
        plugins=[KeyedSandbox(carriers)],
        clock=clock,
        webhook_base_url=server.url("/webhooks"),
        rng=random.Random(7),
    ) as opened:
        yield opened


@pytest.fixture
def acme(
    admin: SmsAdmin, carriers: dict[str, SandboxCarrier], server: LoopbackServer
) -> Iterator[AccountAdmin]:
    """Account ``acme`` on the ``old`` carrier, its webhooks served by the app."""
    account = set_up(admin, carriers["old"])
    with server.serving(create_app(admin)):
        yield account


def post(report: WebhookRequest) -> int:
    with httpx.Client() as client:
        response = client.post(report.url, content=report.body, headers=dict(report.headers))
        return response.status_code


def reports_for_a_text(
    acme: AccountAdmin, carrier: SandboxCarrier
) -> tuple[str, list[WebhookRequest]]:
    """Ann texts the candidate; the text's id and the carrier's signed reports about it."""
    message_id = text_candidate(acme)
    return message_id, status_reports(carrier)


def test_account_read_once_for_many_reports(
    admin: SmsAdmin, acme: AccountAdmin, carriers: dict[str, SandboxCarrier]
) -> None:
    """Reports within the window read the account once, and every one is applied."""
    texts = [reports_for_a_text(acme, carriers["old"]) for _ in range(3)]
    reads: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if "FROM accounts" in statement:
            reads.append(statement)

    sa.event.listen(admin.database.engine, "before_cursor_execute", count)
    try:
        answers = [post(report) for _, reports in texts for report in reports]
    finally:
        sa.event.remove(admin.database.engine, "before_cursor_execute", count)

    assert [204] * 6 == answers
    assert 1 == len(reads)
    for message_id, _ in texts:
        assert DeliveryStatus.DELIVERED == acme.messages.get("ann", message_id).status


def test_settings_changed_here_refuse_the_old_key_at_once(
    admin: SmsAdmin, acme: AccountAdmin, carriers: dict[str, SandboxCarrier]
) -> None:
    """After this SDK moves the account to another key, the old key's report is a 403."""
    message_id, [sent, delivered] = reports_for_a_text(acme, carriers["old"])
    assert 204 == post(sent)  # the account is held from here on

    admin.update_account_settings("acme", settings={STATE_PATH: "new"})

    assert 403 == post(delivered)
    assert DeliveryStatus.SENT == acme.messages.get("ann", message_id).status


def test_settings_changed_elsewhere_refuse_the_old_key_after_the_window(
    database_url: str,
    admin: SmsAdmin,
    acme: AccountAdmin,
    carriers: dict[str, SandboxCarrier],
    clock: ManualClock,
) -> None:
    """Another process's change is seen once the window has passed, never later."""
    first, [sent, delivered] = reports_for_a_text(acme, carriers["old"])
    second, [second_sent, second_delivered] = reports_for_a_text(acme, carriers["old"])
    assert 204 == post(sent)  # read at the clock's time now
    held_from = clock.now()

    with SmsAdmin.open(database_url, plugins=[KeyedSandbox(carriers)], clock=clock) as other:
        other.update_account_settings("acme", settings={STATE_PATH: "new"})

    # Within the window the app still holds the settings it read: the old key is accepted.
    clock.current = held_from + timedelta(seconds=ACCOUNT_CACHE_SECONDS) - timedelta(milliseconds=1)
    assert 204 == post(delivered)
    # At the window's end it reads the account again: the old key is refused, nothing changes.
    clock.current = held_from + timedelta(seconds=ACCOUNT_CACHE_SECONDS)
    assert 403 == post(second_sent)
    assert 403 == post(second_delivered)

    assert DeliveryStatus.DELIVERED == acme.messages.get("ann", first).status
    assert DeliveryStatus.QUEUED == acme.messages.get("ann", second).status


def test_clock_set_back_reads_again(
    database_url: str,
    acme: AccountAdmin,
    carriers: dict[str, SandboxCarrier],
    clock: ManualClock,
) -> None:
    """A clock set back does not stretch the window: the account is read again."""
    _, [sent, delivered] = reports_for_a_text(acme, carriers["old"])
    assert 204 == post(sent)
    with SmsAdmin.open(database_url, plugins=[KeyedSandbox(carriers)], clock=clock) as other:
        other.update_account_settings("acme", settings={STATE_PATH: "new"})

    clock.current = clock.now() - timedelta(seconds=1)  # set back by hand

    assert 403 == post(delivered)


class Statements:
    """The statements an engine runs while the block is open, first word and table."""

    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine
        self.seen: list[str] = []

    def _count(self, _conn: object, _cursor: object, statement: str, *_args: object) -> None:
        words = statement.split()
        self.seen.append(" ".join(words[:2] if words[0] != "SELECT" else ["SELECT", "FOR UPDATE"]))

    def __enter__(self) -> Statements:
        sa.event.listen(self._engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *_exc: object) -> None:
        sa.event.remove(self._engine, "before_cursor_execute", self._count)


class StatusListener:
    """A host plugin that hears of every status change."""

    def __init__(self) -> None:
        self.heard: list[MessageStatusChanged] = []

    @hookimpl
    def sms_message_status_changed(self, account: Account, event: MessageStatusChanged) -> None:
        self.heard.append(event)


def test_status_report_is_one_update(
    admin: SmsAdmin, acme: AccountAdmin, carriers: dict[str, SandboxCarrier]
) -> None:
    """With no plugin hearing of status changes, a report is one conditional UPDATE."""
    message_id, [sent, delivered] = reports_for_a_text(acme, carriers["old"])
    assert 204 == post(sent)  # the account is held from here on

    with Statements(admin.database.engine) as statements:
        assert 204 == post(delivered)

    begin = ["BEGIN IMMEDIATE"] if admin.database.engine.dialect.name == "sqlite" else []
    assert [*begin, "UPDATE messages"] == statements.seen
    assert DeliveryStatus.DELIVERED == acme.messages.get("ann", message_id).status


def test_status_report_heard_reads_the_text_once(
    database_url: str,
    clock: ManualClock,
    carriers: dict[str, SandboxCarrier],
    server: LoopbackServer,
) -> None:
    """With a plugin hearing of it, the text is read locked once and updated once."""
    listener = StatusListener()
    with SmsAdmin.open(
        database_url,
        plugins=[KeyedSandbox(carriers), listener],
        clock=clock,
        webhook_base_url=server.url("/webhooks"),
        rng=random.Random(7),
    ) as admin:
        acme = set_up(admin, carriers["old"])
        with server.serving(create_app(admin)):
            message_id, [sent, delivered] = reports_for_a_text(acme, carriers["old"])
            assert 204 == post(sent)

            with Statements(admin.database.engine) as statements:
                assert 204 == post(delivered)

        assert 1 == statements.seen.count("SELECT FOR UPDATE")
        assert 1 == statements.seen.count("UPDATE messages")
        assert DeliveryStatus.DELIVERED == acme.messages.get("ann", message_id).status
    heard = [event.new_status for event in listener.heard if event.message_id == message_id]
    assert [DeliveryStatus.QUEUED, DeliveryStatus.SENT, DeliveryStatus.DELIVERED] == heard


def forget_carrier_id(admin: SmsAdmin, message_id: str) -> None:
    """Store the text as if the carrier's answer to its send had been lost."""
    with admin.database.engine.begin() as connection:
        connection.execute(
            sa.text("UPDATE messages SET provider_message_id = NULL WHERE id = :id"),
            {"id": message_id},
        )


def test_status_report_gives_a_text_its_carrier_id(
    admin: SmsAdmin, acme: AccountAdmin, carriers: dict[str, SandboxCarrier]
) -> None:
    """A text stored without the carrier's id (its send answer lost) gets it from a report."""
    message_id, [sent, _] = reports_for_a_text(acme, carriers["old"])
    carrier_id = acme.messages.get("ann", message_id).provider_message_id
    assert carrier_id is not None
    forget_carrier_id(admin, message_id)

    assert 204 == post(sent)

    message = acme.messages.get("ann", message_id)
    assert carrier_id == message.provider_message_id
    assert DeliveryStatus.SENT == message.status


def test_late_status_report_still_gives_the_carrier_id(
    admin: SmsAdmin, acme: AccountAdmin, carriers: dict[str, SandboxCarrier]
) -> None:
    """A report that moves nothing (overtaken by a later one) still keeps a first carrier id."""
    message_id, [sent, delivered] = reports_for_a_text(acme, carriers["old"])
    carrier_id = acme.messages.get("ann", message_id).provider_message_id
    assert 204 == post(delivered)
    forget_carrier_id(admin, message_id)

    assert 204 == post(sent)

    message = acme.messages.get("ann", message_id)
    assert carrier_id == message.provider_message_id
    assert DeliveryStatus.DELIVERED == message.status
