"""Settings, secrets and the client: what an account configures and where requests go."""

from __future__ import annotations

import logging
from collections.abc import Callable

import httpx
import pytest
from telnyx_helpers import API_KEY, BASE_URL, PROFILE, Handler, Recorder, account, message_record

from sms_core import ConfigurationError, OutboundMessage, PhoneNumber, SecretSettingError
from sms_telnyx import TELNYX_BASE_URL, Credentials, TelnyxAdapter, TelnyxSettings

MakeAdapter = Callable[[Handler], tuple[TelnyxAdapter, Recorder]]


class TestSettings:
    """``provider_settings`` are read strictly; secrets never come from them."""

    def test_defaults(self) -> None:
        assert TelnyxSettings(messaging_profile_id=None, env_prefix="TELNYX_") == (
            TelnyxSettings.from_account(account())
        )

    def test_every_key_is_read(self) -> None:
        settings = TelnyxSettings.from_account(
            account(messaging_profile_id=PROFILE, env_prefix="ACME_TELNYX_")
        )
        assert (PROFILE, "ACME_TELNYX_") == (settings.messaging_profile_id, settings.env_prefix)

    @pytest.mark.parametrize("key", ["api_key", "public_key", "webhook_public_key"])
    def test_a_secret_as_a_setting_is_refused_without_its_value(self, key: str) -> None:
        value = "KEY01SECRETVALUE"
        with pytest.raises(SecretSettingError, match=key) as caught:
            TelnyxSettings.from_account(account(**{key: value}))
        assert value not in str(caught.value)

    def test_an_unknown_key_is_refused(self) -> None:
        with pytest.raises(ConfigurationError, match="messaging_profile"):
            TelnyxSettings.from_account(account(messaging_profile="x"))

    def test_a_profile_id_that_is_not_a_uuid_is_refused_without_its_value(self) -> None:
        with pytest.raises(ConfigurationError, match="UUID") as caught:
            TelnyxSettings.from_account(account(messaging_profile_id="KEYsecret-pasted"))
        assert "KEYsecret-pasted" not in str(caught.value)

    def test_a_malformed_env_prefix_is_refused(self) -> None:
        with pytest.raises(ConfigurationError, match="env_prefix"):
            TelnyxSettings.from_account(account(env_prefix="telnyx-"))


class TestCredentials:
    """Secrets come from ``{env_prefix}API_KEY``/``PUBLIC_KEY`` and never show."""

    def test_read_from_the_prefix(self) -> None:
        settings = TelnyxSettings.from_account(account(env_prefix="ACME_"))
        credentials = Credentials.from_environ(
            {"ACME_API_KEY": "k1", "ACME_PUBLIC_KEY": "p1", "TELNYX_API_KEY": "other"},
            settings,
            account(),
        )
        assert ("k1", "p1") == (credentials.api_key, credentials.public_key)

    def test_repr_shows_no_secret(self) -> None:
        credentials = Credentials(api_key="KEYsecret", public_key="PUBsecret")
        assert "secret" not in repr(credentials)

    def test_a_missing_api_key_names_the_variable(self) -> None:
        settings = TelnyxSettings.from_account(account())
        with pytest.raises(ConfigurationError, match="TELNYX_API_KEY"):
            Credentials.from_environ({}, settings, account())


class TestClient:
    """The official package sends through the injected client, to the injected base URL."""

    def test_the_default_base_url_is_telnyx_v2(self) -> None:
        assert "https://api.telnyx.com/v2" == TELNYX_BASE_URL

    def test_environment_cannot_redirect_or_add_headers(
        self, make_adapter: MakeAdapter, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The package's own environment variables change nothing.

        ``TELNYX_BASE_URL`` and ``TELNYX_CUSTOM_HEADERS`` are read by the package
        (``telnyx/_client.py``); a client made by the adapter ignores both, and
        ``TELNYX_API_KEY`` of the process is not what it logs in with.
        """
        monkeypatch.setenv("TELNYX_BASE_URL", "https://evil.example/v2")
        monkeypatch.setenv("TELNYX_CUSTOM_HEADERS", "X-Leak: yes")
        monkeypatch.setenv("TELNYX_API_KEY", "process-key")
        adapter, recorder = make_adapter(
            lambda _: httpx.Response(200, json={"data": message_record()})
        )
        adapter.sms_send_message(account(), _message())
        [request] = recorder.requests
        assert f"{BASE_URL}/messages" == str(request.url)
        assert "x-leak" not in request.headers
        assert f"Bearer {API_KEY}" == request.headers["authorization"]

    def test_environment_cannot_add_headers_to_reads(
        self, make_adapter: MakeAdapter, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A read goes through a client that retries, made the same way.

        ``Telnyx.with_options`` builds its copy through ``__init__``, which reads
        ``TELNYX_CUSTOM_HEADERS`` again; the adapter does not copy clients that way.
        """
        monkeypatch.setenv("TELNYX_CUSTOM_HEADERS", "X-Leak: yes")
        monkeypatch.setenv("TELNYX_BASE_URL", "https://evil.example/v2")
        adapter, recorder = make_adapter(
            lambda _: httpx.Response(200, json={"data": message_record()})
        )
        adapter.sms_fetch_message(account(), _message(), "40385f64-5717-4562-b3fc-2c963f66afa6")
        [request] = recorder.requests
        assert str(request.url).startswith(f"{BASE_URL}/messages/")
        assert "x-leak" not in request.headers

    def test_the_api_key_is_never_logged(
        self, make_adapter: MakeAdapter, caplog: pytest.LogCaptureFixture
    ) -> None:
        """Not even at DEBUG, where the package logs every request's options."""
        adapter, _ = make_adapter(lambda _: httpx.Response(200, json={"data": message_record()}))
        with caplog.at_level(logging.DEBUG):
            adapter.sms_send_message(account(), _message())
            adapter.sms_fetch_message(account(), _message(), "40385f64-5717-4562-b3fc-2c963f66afa6")
        assert "Request options" in caplog.text
        assert API_KEY not in caplog.text

    def test_one_pooled_client_serves_every_account(self, make_adapter: MakeAdapter) -> None:
        adapter, _ = make_adapter(lambda _: httpx.Response(200, json={"data": message_record()}))
        first = adapter.client_for(account())
        assert first is adapter.client_for(account(messaging_profile_id=PROFILE))
        assert first._client is adapter.client_for(account())._client


def _message() -> OutboundMessage:
    return OutboundMessage(
        message_id="msg_1",
        sender=PhoneNumber.parse("+14152345678"),
        recipient=PhoneNumber.parse("+12065550142"),
        body="Hello",
    )
