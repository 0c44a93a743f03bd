"""The adapter as the core sees it: its entry point, its hooks through the typed façade."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from collections.abc import Callable
from datetime import timedelta
from importlib.metadata import EntryPoint
from pathlib import Path

import httpx
import pytest
from telnyx_helpers import Handler, Recorder, account, message_record

from sms_core import (
    DeliveryStatus,
    Hooks,
    OutboundMessage,
    PhoneNumber,
    StepStatus,
    WebhookRequest,
    WebhookSignatureError,
    make_plugin_manager,
)
from sms_core.testing import sample_brand
from sms_telnyx import PROVIDER, TelnyxAdapter, adapter

MakeAdapter = Callable[[Handler], tuple[TelnyxAdapter, Recorder]]


def _hooks(telnyx_adapter: TelnyxAdapter) -> Hooks:
    return Hooks(make_plugin_manager(plugins=[telnyx_adapter], load_entry_points=False))


class TestPlugin:
    """The distribution publishes the shared adapter as the ``telnyx`` entry point."""

    def test_entry_point(self) -> None:
        with (Path(__file__).parent.parent / "pyproject.toml").open("rb") as file:
            points = tomllib.load(file)["project"]["entry-points"]["sms_core"]
        value = points[PROVIDER]
        assert adapter is EntryPoint(name=PROVIDER, value=value, group="sms_core").load()

    def test_loading_the_plugin_does_not_import_the_telnyx_package(self) -> None:
        """The ``telnyx`` package is imported when an account first needs a client.

        Every ``smsadmin`` command loads the entry points, and ``telnyx`` takes about a second
        to import.
        """
        code = "import sys, sms_telnyx; print(sorted(m for m in sys.modules if m == 'telnyx'))"
        found = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
        )
        assert "[]" == found.stdout.strip()

    def test_the_core_routes_telnyx_accounts_to_it(self) -> None:
        info = _hooks(TelnyxAdapter(environ={})).provider_info(account())
        assert PROVIDER == info.name
        capabilities = info.capabilities
        assert (1530, frozenset({"US"}), True, timedelta(hours=4)) == (
            capabilities.max_body_characters,
            capabilities.countries,
            capabilities.answers_help,
            capabilities.queue_validity,
        )


class TestThroughTheFacade:
    """What is built answers with the documented types; what is not is unsupported."""

    def test_a_send(self, make_adapter: MakeAdapter) -> None:
        telnyx_adapter, recorder = make_adapter(
            lambda _: httpx.Response(200, json={"data": message_record()})
        )
        receipt = _hooks(telnyx_adapter).send_message(
            account(),
            OutboundMessage(
                message_id="msg_1",
                sender=PhoneNumber.parse("+14152345678"),
                recipient=PhoneNumber.parse("+12065550142"),
                body="Hello",
            ),
        )
        assert DeliveryStatus.QUEUED == receipt.status
        assert 1 == len(recorder.requests)

    def test_an_unsigned_webhook_is_refused(self, make_adapter: MakeAdapter) -> None:
        telnyx_adapter = TelnyxAdapter(
            environ={"TELNYX_API_KEY": "k", "TELNYX_PUBLIC_KEY": "A" * 43 + "="}
        )
        request = WebhookRequest(method="POST", url="https://sms.example/w", body=b"{}")
        with pytest.raises(WebhookSignatureError):
            _hooks(telnyx_adapter).verify_webhook(account(), request)

    def test_registration_reaches_the_adapter(self, make_adapter: MakeAdapter) -> None:
        telnyx_adapter, recorder = make_adapter(
            lambda _: httpx.Response(200, json={"brandId": "b-1", "status": "REGISTRATION_PENDING"})
        )
        state = _hooks(telnyx_adapter).submit_brand(account(), sample_brand())
        assert ("b-1", StepStatus.IN_PROGRESS) == (state.provider_ref, state.status)
        assert ["/v2/10dlc/brand"] == [r.url.path for r in recorder.requests]
