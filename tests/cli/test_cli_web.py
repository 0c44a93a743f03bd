"""``smsadmin web token`` and the web UI in ``smsadmin serve``."""

from __future__ import annotations

import logging
import os
from urllib.parse import parse_qs, urlsplit

import pytest

from sms_core.cli import serve
from sms_core.cli.testing import SmsadminRunner
from sms_core.exceptions import ConfigurationError
from sms_core.services import SmsAdmin
from sms_core.testing.web import asgi_client
from sms_core.web import create_web_app
from tests.cli.test_cli_demo import serve_until_logged

SECRET = "cli-secret-" + "z" * 32


class TestWebToken:
    """A sign-in link for one user, signed with SMS_WEB_SECRET."""

    def test_the_link_signs_the_user_in(
        self, widget: SmsadminRunner, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("SMS_WEB_SECRET", SECRET)
        link = widget.ok("web", "token", "--user", "u-ada").stdout.strip()
        parts = urlsplit(link)
        assert "http://127.0.0.1:8000/web/signin" == f"{parts.scheme}://{parts.netloc}{parts.path}"
        [token] = parse_qs(parts.query)["token"]
        with SmsAdmin.open(os.environ["SMS_DATABASE_URL"]) as admin:
            client = asgi_client(create_web_app(admin, secret=SECRET))
            answer = client.get("/signin", params={"token": token})
            assert 303 == answer.status_code
            # Ada is no admin: the opt-outs are a screen she may read (the numbers are not).
            assert "Ada Lee" in client.get("/optouts").text

    def test_the_base_url(self, widget: SmsadminRunner, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("SMS_WEB_SECRET", SECRET)
        monkeypatch.setenv("SMS_WEB_BASE_URL", "https://hcm.example.com/texting/")
        link = widget.ok("web", "token", "--user", "u-ada").stdout.strip()
        assert link.startswith("https://hcm.example.com/texting/signin?token=")

    def test_without_a_secret(self, widget: SmsadminRunner) -> None:
        result = widget.refused("web", "token", "--user", "u-ada")
        assert "SMS_WEB_SECRET" in result.stderr

    def test_an_unknown_user_gets_no_link(
        self, widget: SmsadminRunner, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("SMS_WEB_SECRET", SECRET)
        result = widget.refused("web", "token", "--user", "u-nobody")
        assert "u-nobody" in result.stderr
        assert "token=" not in result.stdout


class TestServeApp:
    """The webhook app as before, the web UI under /web when it is on."""

    def test_web_ui_beside_the_webhooks(
        self, widget: SmsadminRunner, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("SMS_WEB_SECRET", SECRET)
        with SmsAdmin.open(os.environ["SMS_DATABASE_URL"]) as admin:
            client = asgi_client(serve._app(admin, None, web=None, frame_ancestors=()))
            assert 401 == client.get("/web/numbers").status_code  # the UI, not signed in
            # The webhook app answers as before: an unsigned report is refused.
            assert 403 == client.post("/webhooks/acme/status", content=b"x").status_code

    def test_no_web_or_no_secret_serves_webhooks_only(
        self, widget: SmsadminRunner, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        with SmsAdmin.open(os.environ["SMS_DATABASE_URL"]) as admin:
            for web in (None, False):
                client = asgi_client(serve._app(admin, None, web=web, frame_ancestors=()))
                assert 404 == client.get("/web/numbers").status_code
                assert 403 == client.post("/webhooks/acme/status", content=b"x").status_code
            monkeypatch.setenv("SMS_WEB_SECRET", SECRET)
            client = asgi_client(serve._app(admin, None, web=False, frame_ancestors=()))
            assert 404 == client.get("/web/numbers").status_code

    def test_web_insists_on_the_secret(self, widget: SmsadminRunner) -> None:
        with (
            SmsAdmin.open(os.environ["SMS_DATABASE_URL"]) as admin,
            pytest.raises(ConfigurationError, match="SMS_WEB_SECRET"),
        ):
            serve._app(admin, None, web=True, frame_ancestors=())

    def test_serve_says_the_web_ui_is_off_without_a_secret(self, widget: SmsadminRunner) -> None:
        serve_until_logged([], "the web UI is off")


class TestAccessLog:
    """A sign-in link's token never reaches the access log."""

    def test_the_token_is_hidden(self) -> None:
        record = logging.LogRecord(
            "uvicorn.access",
            logging.INFO,
            __file__,
            1,
            '%s - "%s %s HTTP/%s" %d',
            ("127.0.0.1:5000", "GET", "/web/signin?token=abc.def&x=1", "1.1", 303),
            None,
        )
        assert serve.HideSignInTokens().filter(record)
        assert "/web/signin?token=[hidden]&x=1" in record.getMessage()
        assert "abc.def" not in record.getMessage()

    def test_the_access_handler_uses_the_filter(self) -> None:
        config = serve._logging_config()
        assert "hide_sign_in_tokens" in config["handlers"]["access"]["filters"]
