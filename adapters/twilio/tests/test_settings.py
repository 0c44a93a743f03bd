import base64

import httpx
import pytest

from sms_core import Account, ConfigurationError, NumberQuery
from sms_twilio import Credentials, PooledHttpClient, TwilioAdapter, TwilioSettings
from sms_twilio.settings import DEFAULT_A2P_PROFILE_POLICY_SID
from sms_twilio.testing.transport import ScriptedAnswers

_AC = "AC" + "ab" * 16
_OTHER_AC = "AC" + "cd" * 16


def _account(**settings: str) -> Account:
    return Account(id="acme", name="Acme", provider="twilio", provider_settings=settings)


def _no_numbers() -> httpx.Response:
    return httpx.Response(200, json={"available_phone_numbers": [], "uri": "/x"})


class TestSettings:
    """Account.provider_settings are read strictly: a typo is an error, not a default."""

    def test_defaults(self) -> None:
        """An account without settings gets Twilio's policy SIDs and no messaging service."""
        settings = TwilioSettings.from_account(_account())
        assert DEFAULT_A2P_PROFILE_POLICY_SID == settings.a2p_profile_policy_sid
        assert (None, False, 48) == (
            settings.messaging_service_sid,
            settings.mock_registrations,
            settings.reconcile_window_hours,
        )

    def test_every_key_is_read(self) -> None:
        """Each documented key lands in its field."""
        settings = TwilioSettings.from_account(
            _account(
                account_sid=_AC,
                env_prefix="ACME_TWILIO_",
                messaging_service_sid="MG" + "1" * 32,
                primary_customer_profile_sid="BU" + "2" * 32,
                customer_profile_policy_sid="RN" + "3" * 32,
                a2p_profile_policy_sid="RN" + "4" * 32,
                notification_email="ops@acme.example",
                public_webhook_base_url="https://sms.acme.example/",
                region="ie1",
                edge="dublin",
                mock_registrations="true",
                reconcile_window_hours="6",
            )
        )
        assert (
            TwilioSettings(
                account_sid=_AC,
                env_prefix="ACME_TWILIO_",
                messaging_service_sid="MG" + "1" * 32,
                primary_customer_profile_sid="BU" + "2" * 32,
                customer_profile_policy_sid="RN" + "3" * 32,
                a2p_profile_policy_sid="RN" + "4" * 32,
                notification_email="ops@acme.example",
                public_webhook_base_url="https://sms.acme.example",
                region="ie1",
                edge="dublin",
                mock_registrations=True,
                reconcile_window_hours=6,
            )
            == settings
        )

    @pytest.mark.parametrize(
        ("key", "value", "named"),
        [
            ("messaging_servce_sid", "MG" + "1" * 32, "unknown"),
            ("messaging_service_sid", "PN" + "1" * 32, "MG"),
            ("account_sid", "AC123", "AC"),
            ("mock_registrations", "maybe", "true"),
            ("public_webhook_base_url", "sms.acme.example", "absolute URL"),
            ("reconcile_window_hours", "0", "hours"),
        ],
    )
    def test_bad_setting_is_refused(self, key: str, value: str, named: str) -> None:
        """A wrong key or value raises ConfigurationError naming it and the fix."""
        with pytest.raises(ConfigurationError, match=named) as caught:
            TwilioSettings.from_account(_account(**{key: value}))
        assert key in str(caught.value)

    @pytest.mark.parametrize("key", ["account_sid", "messaging_service_sid"])
    def test_pasted_secret_is_not_echoed(self, key: str) -> None:
        """A secret pasted into a SID setting is refused without being shown (issue 13 item 11).

        An account SID is "AC" and 32 hex digits, 34 characters in all
        (https://www.twilio.com/docs/api/errors/21470); the auth token is a secret that must be
        kept private (https://www.twilio.com/docs/iam/api/secondary_authtoken).
        """
        token = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
        with pytest.raises(ConfigurationError, match="environment") as caught:
            TwilioSettings.from_account(_account(**{key: token}))
        assert token not in str(caught.value)
        assert token[:8] not in str(caught.value)


class TestCredentials:
    """Secrets come from the environment (or the host) and are never shown."""

    def test_auth_token(self) -> None:
        """Account SID and auth token: basic auth with both, the token signs webhooks."""
        credentials = Credentials.from_environ(
            {"TWILIO_ACCOUNT_SID": _AC, "TWILIO_AUTH_TOKEN": "tok"},
            TwilioSettings(),
            _account(),
        )
        assert (_AC, _AC, "tok", "tok") == (
            credentials.account_sid,
            credentials.username,
            credentials.password,
            credentials.auth_token,
        )

    def test_api_key_wins_for_the_rest_api(self) -> None:
        """With an API key the REST API uses it; the auth token still signs webhooks."""
        environ = {
            "ACME_ACCOUNT_SID": _AC,
            "ACME_API_KEY": "SK" + "9" * 32,
            "ACME_API_SECRET": "key-secret",
            "ACME_AUTH_TOKEN": "tok",
        }
        credentials = Credentials.from_environ(
            environ, TwilioSettings(env_prefix="ACME_"), _account()
        )
        assert ("SK" + "9" * 32, "key-secret", "tok") == (
            credentials.username,
            credentials.password,
            credentials.auth_token,
        )

    def test_settings_account_sid_wins_over_the_environment(self) -> None:
        """A subaccount named in the settings is used, with the environment's secret."""
        credentials = Credentials.from_environ(
            {"TWILIO_ACCOUNT_SID": _OTHER_AC, "TWILIO_AUTH_TOKEN": "tok"},
            TwilioSettings(account_sid=_AC),
            _account(),
        )
        assert _AC == credentials.account_sid

    def test_missing_secret_names_the_variables(self) -> None:
        """Without a token or key pair the error names the variables to set, not values."""
        with pytest.raises(ConfigurationError, match="TWILIO_AUTH_TOKEN") as caught:
            Credentials.from_environ({"TWILIO_ACCOUNT_SID": _AC}, TwilioSettings(), _account())
        assert "acme" in str(caught.value)

    def test_repr_hides_secrets(self) -> None:
        """repr() shows the SIDs, never the token or key secret."""
        credentials = Credentials(
            account_sid=_AC, username=_AC, password="s3cret", auth_token="s3cret"
        )
        assert "s3cret" not in repr(credentials)

    def test_host_supplies_credentials(self, recorder: ScriptedAnswers) -> None:
        """A host's credential source replaces the environment."""
        recorder.answer(_no_numbers())
        given = Credentials(account_sid=_OTHER_AC, username=_OTHER_AC, password="host-token")
        with (
            PooledHttpClient(transport=httpx.MockTransport(recorder)) as http,
        ):
            adapter = TwilioAdapter(http=http, credentials=lambda account, settings: given)
            adapter.sms_search_numbers(account=_account(), query=NumberQuery())
        expected = "Basic " + base64.b64encode(f"{_OTHER_AC}:host-token".encode()).decode()
        assert expected == recorder.last.headers["authorization"]
        assert f"/Accounts/{_OTHER_AC}/" in recorder.last.url.path


class TestEnvironmentIsolation:
    """TWILIO_* variables of the process cannot redirect or re-authenticate a client."""

    def test_region_edge_and_credentials_in_os_environ_are_ignored(
        self, monkeypatch: pytest.MonkeyPatch, recorder: ScriptedAnswers
    ) -> None:
        """With TWILIO_REGION, TWILIO_EDGE and another account set, requests are unchanged."""
        monkeypatch.setenv("TWILIO_REGION", "ie1")
        monkeypatch.setenv("TWILIO_EDGE", "dublin")
        monkeypatch.setenv("TWILIO_ACCOUNT_SID", _OTHER_AC)
        monkeypatch.setenv("TWILIO_AUTH_TOKEN", "process-token")
        recorder.answer(_no_numbers())
        with (
            PooledHttpClient(transport=httpx.MockTransport(recorder)) as http,
        ):
            adapter = TwilioAdapter(
                http=http, environ={"TWILIO_ACCOUNT_SID": _AC, "TWILIO_AUTH_TOKEN": "tok"}
            )
            adapter.sms_search_numbers(account=_account(), query=NumberQuery())
        assert "api.twilio.com" == recorder.last.url.host
        assert f"/2010-04-01/Accounts/{_AC}/" in recorder.last.url.path

    def test_configured_region_is_used(self, recorder: ScriptedAnswers) -> None:
        """A region named in the settings sends requests to Twilio's regional host."""
        recorder.answer(_no_numbers())
        with (
            PooledHttpClient(transport=httpx.MockTransport(recorder)) as http,
        ):
            adapter = TwilioAdapter(
                http=http, environ={"TWILIO_ACCOUNT_SID": _AC, "TWILIO_AUTH_TOKEN": "tok"}
            )
            adapter.sms_search_numbers(account=_account(region="ie1"), query=NumberQuery())
        assert "api.ie1.twilio.com" == recorder.last.url.host
