"""Where webhook receiving lives, and the paths that keep working while it moved."""

from __future__ import annotations

import subprocess
import sys

import attrs
import pytest

import sms_core
from sms_core import Account, NumberSettings, PhoneNumber, WebhookKind
from sms_core.exceptions import InvalidInputError
from sms_core.services import context, inbound
from sms_core.webhooks import pipeline, urls


class TestOneHome:
    """The pipeline and the URLs have one home each; the old import paths still work."""

    def test_public_receiver_is_the_pipeline(self) -> None:
        """``sms_core.WebhookReceiver`` is the pipeline's entry point."""
        assert pipeline.WebhookReceiver is sms_core.WebhookReceiver

    def test_old_receiver_path_warns(self) -> None:
        """``sms_core.services.inbound.WebhookReceiver`` is a deprecated alias."""
        with pytest.warns(DeprecationWarning, match="sms_core.webhooks.pipeline"):
            alias = inbound.WebhookReceiver

        assert pipeline.WebhookReceiver is alias

    def test_webhook_urls_importable_from_services(self) -> None:
        """``WebhookUrls`` moved to the URL module and is the same class under the old names."""
        assert urls.WebhookUrls is context.WebhookUrls is sms_core.WebhookUrls

    def test_sdk_import_loads_no_web_server(self) -> None:
        """``import sms_core`` builds pipelines without loading Starlette or uvicorn."""
        loaded = subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys, sms_core; print(sorted({'starlette', 'uvicorn'} & set(sys.modules)))",
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        assert "[]" == loaded.stdout.strip()


class TestUrls:
    """One function shapes every webhook URL; the signed one keeps the query as it arrived."""

    ACME = Account(id="acme", name="Acme Staffing", provider="fake")

    @pytest.mark.parametrize("kind", list(WebhookKind))
    def test_configured_urls_come_from_webhook_url(self, kind: WebhookKind) -> None:
        """Each ``WebhookUrls`` method is ``webhook_url`` on the base, without a trailing slash."""
        configured = urls.WebhookUrls(base="https://sms.example.test/sms/webhooks/")
        by_kind = {
            WebhookKind.STATUS: configured.status,
            WebhookKind.MESSAGES: configured.inbound_messages,
            WebhookKind.CALLS: configured.calls,
            WebhookKind.EVENTS: configured.events,
        }

        expected = f"https://sms.example.test/sms/webhooks/acme/{kind.value}"
        assert expected == urls.webhook_url("https://sms.example.test/sms/webhooks", "acme", kind)
        assert expected == configured.url(self.ACME, kind) == by_kind[kind](self.ACME)

    def test_number_settings_come_from_the_urls(self) -> None:
        """A line's number gets texts, reports, calls and forwarding; no events URL."""
        configured = urls.WebhookUrls(base="https://sms.example.test/webhooks")
        forward = PhoneNumber.parse("+1 312 555 0175")

        expected = NumberSettings(
            sms_url="https://sms.example.test/webhooks/acme/messages",
            status_callback_url="https://sms.example.test/webhooks/acme/status",
            voice_url="https://sms.example.test/webhooks/acme/calls",
            forward_to=forward,
        )
        assert expected == configured.number_settings(self.ACME, forward_to=forward)
        assert attrs.evolve(expected, forward_to=None) == configured.number_settings(self.ACME)

    def test_service_settings_come_from_the_urls(self) -> None:
        """A messaging service gets texts, reports and the events URL; it takes no calls."""
        configured = urls.WebhookUrls(base="https://sms.example.test/webhooks")

        expected = NumberSettings(
            sms_url="https://sms.example.test/webhooks/acme/messages",
            status_callback_url="https://sms.example.test/webhooks/acme/status",
            events_url="https://sms.example.test/webhooks/acme/events",
        )
        assert expected == configured.service_settings(self.ACME)

    def test_signed_url_behind_a_proxy(self) -> None:
        """With a public base the signed URL is rebuilt on it, the query exactly as it came."""
        signed = urls.signed_url(
            "https://sms.example.test/sms/webhooks",
            "acme",
            WebhookKind.STATUS,
            arrived="http://10.0.0.5:8000/webhooks/acme/status?b=2&a=%2F",
            query="b=2&a=%2F",
        )

        assert "https://sms.example.test/sms/webhooks/acme/status?b=2&a=%2F" == signed

    def test_signed_url_without_a_public_base(self) -> None:
        """Without one, the URL the request arrived at is the signed one."""
        arrived = "http://127.0.0.1:8123/webhooks/acme/calls?x=1"

        assert arrived == urls.signed_url(
            None, "acme", WebhookKind.CALLS, arrived=arrived, query="x=1"
        )

    @pytest.mark.parametrize("base", ["sms.example.test/webhooks", "ftp://sms.example.test", "/x"])
    def test_public_base_must_be_absolute(self, base: str) -> None:
        """A public base that is no absolute http(s) URL is refused, naming it."""
        with pytest.raises(InvalidInputError, match="absolute http"):
            urls.configured_base(base, urls.WebhookUrls.from_environ({}))

    def test_local_default_is_no_public_base(self) -> None:
        """The local ``smsadmin serve`` address is not taken for the public base."""
        assert urls.configured_base(None, urls.WebhookUrls.from_environ({})) is None
        configured = urls.WebhookUrls.from_environ(
            {urls.WEBHOOK_BASE_URL_ENV: "https://sms.example.test/webhooks"}
        )
        assert "https://sms.example.test/webhooks" == urls.configured_base(None, configured)
