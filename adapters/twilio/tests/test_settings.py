import base64

import httpx
import pytest

from sms_core import (
    Account,
    ConfigurationError,
    NumberQuery,
    ProviderNotFoundError,
    RegistrationStep,
)
from sms_core.testing import sample_brand
from sms_twilio import Credentials, PooledHttpClient, TwilioAdapter, TwilioSettings
from sms_twilio.settings import DEFAULT_A2P_PROFILE_POLICY_SID
from sms_twilio.testing.transport import ScriptedAnswers, StateAnswers

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
        """Each documented key lands in its field (the deprecated one with a warning)."""
        with pytest.warns(DeprecationWarning, match="public_webhook_base_url"):
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

    def test_settings_account_sid_with_secrets_of_no_named_account(self) -> None:
        """A subaccount named in the settings uses the secret set beside no other account SID."""
        credentials = Credentials.from_environ(
            {"ACME_AUTH_TOKEN": "tok"},
            TwilioSettings(account_sid=_AC, env_prefix="ACME_"),
            _account(),
        )
        assert (_AC, _AC) == (credentials.account_sid, credentials.username)

    @pytest.mark.parametrize(
        "secrets",
        [
            {"TWILIO_AUTH_TOKEN": "parent-token"},
            {"TWILIO_API_KEY": "SK" + "9" * 32, "TWILIO_API_SECRET": "key-secret-value"},
        ],
        ids=["auth-token", "api-key"],
    )
    def test_secrets_of_another_account_are_refused(self, secrets: dict[str, str]) -> None:
        """The parent's token or key with a subaccount's SID is refused, with the fix.

        Trust Hub and Messaging URLs carry no account SID, so such a login would register the
        subaccount's brand and Messaging Service in the parent (twilio/twilio-php#694: "in
        order to create the service for your subaccount, you would need to initialize the
        client with the subaccount accountsid/authtoken").
        """
        environ = {"TWILIO_ACCOUNT_SID": _OTHER_AC, **secrets}
        with pytest.raises(ConfigurationError, match="env_prefix") as caught:
            Credentials.from_environ(environ, TwilioSettings(account_sid=_AC), _account())
        message = str(caught.value)
        assert _AC in message
        assert all(secret not in message for secret in secrets.values())

    def test_login_of_another_account_is_refused(self) -> None:
        """Host credentials logging in as the parent for a subaccount's SID are refused."""
        with pytest.raises(ConfigurationError, match="own auth token") as caught:
            Credentials(account_sid=_AC, username=_OTHER_AC, password="parent-token")
        assert "parent-token" not in str(caught.value)

    def test_api_key_login_is_the_accounts(self) -> None:
        """An API key login (SK…) is taken to be made in account_sid, as Twilio requires."""
        key = "SK" + "9" * 32
        assert key == Credentials(account_sid=_AC, username=key, password="s").username

    def test_token_pasted_as_account_sid_is_not_shown(self) -> None:
        """A 32-hex auth token given as account_sid is refused without echoing it."""
        token = "0123456789abcdef" * 2
        with pytest.raises(ConfigurationError, match="account_sid") as caught:
            TwilioSettings.from_account(_account(account_sid=token))
        assert token not in str(caught.value)

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


class TestSubaccounts:
    """An agency on its own subaccount talks to Twilio as that subaccount, on every host."""

    def test_every_request_logs_in_as_the_subaccount(self, twilio: StateAnswers) -> None:
        """Brand registration (Trust Hub, Messaging) and numbers all use the subaccount's login.

        Trust Hub and Messaging URLs name no account: the login decides where the brand is
        made, so it must be the subaccount's own (twilio/twilio-php#694).
        """
        subaccount = "AC" + "5e" * 16
        environ = {
            "TWILIO_ACCOUNT_SID": _OTHER_AC,
            "TWILIO_AUTH_TOKEN": "parent-token",
            "ACME_TWILIO_ACCOUNT_SID": subaccount,
            "ACME_TWILIO_AUTH_TOKEN": twilio.auth_token,
        }
        account = _account(
            account_sid=subaccount,
            env_prefix="ACME_TWILIO_",
            primary_customer_profile_sid=twilio.state.primary_profile(subaccount),
        )
        with PooledHttpClient(transport=httpx.MockTransport(twilio)) as http:
            adapter = TwilioAdapter(http=http, environ=environ)
            state = adapter.sms_submit_brand(
                account=account, brand=sample_brand(), previous_ref=None
            )
            adapter.sms_search_numbers(account=account, query=NumberQuery(limit=1))
        assert state is not None
        login = "Basic " + base64.b64encode(f"{subaccount}:{twilio.auth_token}".encode()).decode()
        hosts = {request.url.host for request in twilio.requests}
        assert {"trusthub.twilio.com", "messaging.twilio.com", "api.twilio.com"} <= hosts
        assert {login} == {request.headers["authorization"] for request in twilio.requests}


class TestApiKeyAccount:
    """An API key is proven to act for account_sid before any Trust Hub or Messaging work."""

    _KEY = "SK" + "9" * 32

    def _adapter(self, http: PooledHttpClient) -> TwilioAdapter:
        environ = {
            "TWILIO_ACCOUNT_SID": _AC,
            "TWILIO_API_KEY": self._KEY,
            "TWILIO_API_SECRET": "key-secret-value",
        }
        return TwilioAdapter(http=http, environ=environ)

    def test_key_of_another_account_is_refused_before_registration(
        self, recorder: ScriptedAnswers
    ) -> None:
        """Twilio's 20003 on the account's own numbers: ConfigurationError, nothing created.

        "Main account API Keys are only available to access main account resources. Access to
        subaccount resources will be denied" (Twilio's subaccount docs); on Trust Hub, whose
        URLs name no account, the same key would silently act for its own account.
        """
        recorder.answer(httpx.Response(401, json={"code": 20003, "message": "Authenticate"}))
        with PooledHttpClient(transport=httpx.MockTransport(recorder)) as http:
            adapter = self._adapter(http)
            with pytest.raises(ConfigurationError, match="Make an API key") as caught:
                adapter.sms_submit_brand(
                    account=_account(primary_customer_profile_sid="BU" + "1" * 32),
                    brand=sample_brand(),
                    previous_ref=None,
                )
        assert "key-secret-value" not in str(caught.value)
        assert [f"/2010-04-01/Accounts/{_AC}/IncomingPhoneNumbers.json"] == [
            request.url.path for request in recorder.requests
        ]

    def test_key_is_proven_once(self, recorder: ScriptedAnswers) -> None:
        """The key's first registration call lists one number; later ones go straight on."""
        brand_ref = "BN" + "2" * 32
        recorder.answer(
            httpx.Response(200, json={"incoming_phone_numbers": [], "uri": "/x"}),
            httpx.Response(404, json={"code": 20404, "message": "not found"}),
            httpx.Response(404, json={"code": 20404, "message": "not found"}),
        )
        with PooledHttpClient(transport=httpx.MockTransport(recorder)) as http:
            adapter = self._adapter(http)
            for _ in range(2):
                with pytest.raises(ProviderNotFoundError):
                    adapter.sms_fetch_registration(
                        account=_account(), step=RegistrationStep.BRAND, ref=brand_ref
                    )
        assert [
            f"/2010-04-01/Accounts/{_AC}/IncomingPhoneNumbers.json",
            f"/v1/a2p/BrandRegistrations/{brand_ref}",
            f"/v1/a2p/BrandRegistrations/{brand_ref}",
        ] == [request.url.path for request in recorder.requests]


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
