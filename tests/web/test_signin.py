"""Sign-in, sessions, CSRF and the security headers of the web UI, over HTTP."""

from __future__ import annotations

import logging
from datetime import timedelta

import httpx
import pytest

from sms_core import ManualClock
from sms_core.exceptions import ConfigurationError
from sms_core.services import SmsAdmin
from sms_core.testing.web import asgi_client
from sms_core.web import create_web_app, sign_in_token
from sms_core.web.security import content_security_policy
from tests.web.conftest import SECRET, csrf_of, mounted, signed_in


def _sign_in(client: httpx.Client, token: str) -> httpx.Response:
    return client.get("/web/signin", params={"token": token})


class TestSignIn:
    """The host's token is exchanged once for a session cookie, and leaves the URL."""

    def test_a_valid_token_sets_a_session_cookie_and_redirects_without_it(
        self, widget: SmsAdmin, clock: ManualClock
    ) -> None:
        client = asgi_client(mounted(widget))
        answer = _sign_in(client, sign_in_token(SECRET, "acme", "admin", now=clock.now()))
        assert 303 == answer.status_code
        assert "/web/" == answer.headers["location"]
        cookie = answer.headers["set-cookie"]
        assert cookie.startswith("smsadmin_session=")
        assert "HttpOnly" in cookie
        assert "SameSite=lax" in cookie
        assert "Path=/web/" in cookie
        assert "Secure" not in cookie  # plain http here; https sets it
        page = client.get("/web/numbers")
        assert 200 == page.status_code
        assert "Dana Reyes · Acme Staffing" in page.text

    def test_a_token_signs_in_once(self, widget: SmsAdmin, clock: ManualClock) -> None:
        """A link from the browser's history (or a log) opens nothing the second time."""
        token = sign_in_token(SECRET, "acme", "admin", now=clock.now())
        app = mounted(widget)
        assert 303 == _sign_in(asgi_client(app), token).status_code
        again = _sign_in(asgi_client(app), token)
        assert 401 == again.status_code
        assert "was used already" in again.text
        assert "set-cookie" not in again.headers

    def test_two_tokens_of_one_moment_each_sign_in(
        self, widget: SmsAdmin, clock: ManualClock
    ) -> None:
        """Each token is its own (a nonce), so minting two at once does not spend both."""
        app = mounted(widget)
        for _ in range(2):
            token = sign_in_token(SECRET, "acme", "admin", now=clock.now())
            assert 303 == _sign_in(asgi_client(app), token).status_code

    def test_over_https_the_cookie_is_secure(self, widget: SmsAdmin, clock: ManualClock) -> None:
        client = asgi_client(mounted(widget), base_url="https://testserver")
        answer = _sign_in(client, sign_in_token(SECRET, "acme", "admin", now=clock.now()))
        assert "Secure" in answer.headers["set-cookie"]

    def test_an_expired_token_is_refused(self, widget: SmsAdmin, clock: ManualClock) -> None:
        token = sign_in_token(SECRET, "acme", "admin", timedelta(minutes=2), now=clock.now())
        clock.advance(timedelta(minutes=2, seconds=1))
        answer = _sign_in(asgi_client(mounted(widget)), token)
        assert 401 == answer.status_code
        assert "has expired" in answer.text
        assert "set-cookie" not in answer.headers

    @pytest.mark.parametrize(
        "token",
        [
            "",
            "not-a-token",
            # Signed with another secret.
            sign_in_token("another-secret-" + "y" * 32, "acme", "admin"),
        ],
    )
    def test_a_forged_or_missing_token_is_refused(
        self, widget: SmsAdmin, token: str, caplog: pytest.LogCaptureFixture
    ) -> None:
        with caplog.at_level(logging.INFO):
            answer = _sign_in(asgi_client(mounted(widget)), token)
        assert 401 == answer.status_code
        assert "is not valid" in answer.text
        assert "set-cookie" not in answer.headers
        ours = [r.getMessage() for r in caplog.records if r.name.startswith("sms_core")]
        assert ours  # the refusal is logged ...
        assert not [m for m in ours if token and token in m]  # ... without the token

    def test_a_tampered_token_is_refused(self, widget: SmsAdmin, clock: ManualClock) -> None:
        token = sign_in_token(SECRET, "acme", "admin", now=clock.now())
        _, signature = token.rsplit(".", 1)
        forged = sign_in_token(SECRET, "globex", "boss", now=clock.now()).rsplit(".", 1)[0]
        answer = _sign_in(asgi_client(mounted(widget)), f"{forged}.{signature}")
        assert 401 == answer.status_code

    def test_a_session_cookie_is_not_a_sign_in_token(
        self, widget: SmsAdmin, clock: ManualClock
    ) -> None:
        """Each has its own salt: a cookie value replayed as a token is refused."""
        client = signed_in(widget, clock)
        cookie = client.cookies["smsadmin_session"]
        assert 401 == _sign_in(asgi_client(mounted(widget)), cookie).status_code

    @pytest.mark.parametrize(("account", "user"), [("acme", "nobody"), ("initech", "admin")])
    def test_a_token_for_an_unknown_user_or_account_is_refused(
        self, widget: SmsAdmin, clock: ManualClock, account: str, user: str
    ) -> None:
        token = sign_in_token(SECRET, account, user, now=clock.now())
        answer = _sign_in(asgi_client(mounted(widget)), token)
        assert 401 == answer.status_code
        assert "does not know" in answer.text

    def test_without_a_session_a_screen_is_refused(self, widget: SmsAdmin) -> None:
        answer = asgi_client(mounted(widget)).get("/web/numbers")
        assert 401 == answer.status_code
        assert "not signed in" in answer.text

    def test_a_session_expires(self, widget: SmsAdmin, clock: ManualClock) -> None:
        client = signed_in(widget, clock)
        clock.advance(timedelta(hours=8, seconds=1))
        answer = client.get("/web/numbers")
        assert 401 == answer.status_code
        assert "session has expired" in answer.text

    def test_a_forged_session_cookie_is_refused(self, widget: SmsAdmin, clock: ManualClock) -> None:
        client = signed_in(widget, clock)
        value = client.cookies["smsadmin_session"]
        client.cookies.clear()
        client.cookies.set("smsadmin_session", value[:-2] + "xx", path="/web/")
        assert 401 == client.get("/web/numbers").status_code

    def test_sign_out_ends_the_session(self, widget: SmsAdmin, clock: ManualClock) -> None:
        client = signed_in(widget, clock)
        answer = client.post("/web/signout", data={"csrf_token": csrf_of(client)})
        assert 200 == answer.status_code
        assert "You are signed out" in answer.text
        assert 401 == client.get("/web/numbers").status_code


class TestTokenHelper:
    """``sign_in_token`` refuses what would make a long-lived or empty token."""

    @pytest.mark.parametrize("ttl", [timedelta(0), timedelta(minutes=16)])
    def test_ttl_bounds(self, ttl: timedelta) -> None:
        with pytest.raises(ValueError, match="ttl"):
            sign_in_token(SECRET, "acme", "admin", ttl)

    def test_short_secret(self) -> None:
        with pytest.raises(ConfigurationError, match="at least 32"):
            sign_in_token("short", "acme", "admin")

    def test_the_app_needs_a_secret(
        self, widget: SmsAdmin, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.delenv("SMS_WEB_SECRET", raising=False)
        with pytest.raises(ConfigurationError, match="SMS_WEB_SECRET"):
            create_web_app(widget)

    def test_the_secret_comes_from_the_environment(
        self, widget: SmsAdmin, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("SMS_WEB_SECRET", SECRET)
        client = asgi_client(create_web_app(widget))
        token = sign_in_token(SECRET, "acme", "admin", now=clock.now())
        assert 303 == client.get("/signin", params={"token": token}).status_code


class TestCsrf:
    """Every unsafe request needs the session's CSRF token, as a field or the htmx header."""

    def _line_id(self, widget: SmsAdmin) -> str:
        [line] = [s.line for s in widget.account("acme").numbers.list() if "ann" in s.line.user_ids]
        return line.id

    @pytest.mark.parametrize("token", [None, "", "wrong-token"])
    def test_missing_or_wrong_token_changes_nothing(
        self, widget: SmsAdmin, clock: ManualClock, token: str | None
    ) -> None:
        client = signed_in(widget, clock)
        line_id = self._line_id(widget)
        data = {} if token is None else {"csrf_token": token}
        answer = client.post(f"/web/numbers/{line_id}/users/ann/remove", data=data)
        assert 403 == answer.status_code
        assert "security token is missing or wrong" in answer.text
        assert "Nothing was changed" in answer.text
        [line] = [s.line for s in widget.account("acme").numbers.list() if s.line.id == line_id]
        assert ("ann", "bob") == line.user_ids

    def test_another_sessions_token_is_refused(self, widget: SmsAdmin, clock: ManualClock) -> None:
        other = csrf_of(signed_in(widget, clock))
        client = signed_in(widget, clock)
        answer = client.post(
            f"/web/numbers/{self._line_id(widget)}/users/ann/remove", data={"csrf_token": other}
        )
        assert 403 == answer.status_code

    def test_the_htmx_header_is_accepted(self, widget: SmsAdmin, clock: ManualClock) -> None:
        client = signed_in(widget, clock)
        answer = client.post(
            f"/web/numbers/{self._line_id(widget)}/users/ann/remove",
            headers={"X-CSRF-Token": csrf_of(client)},
        )
        assert 303 == answer.status_code

    def test_a_body_over_the_limit_is_refused(self, web: httpx.Client, widget: SmsAdmin) -> None:
        line_id = self._line_id(widget)
        answer = web.post(
            f"/web/numbers/{line_id}/users/ann/remove",
            data={"csrf_token": csrf_of(web), "padding": "x" * (64 * 1024)},
        )
        assert 413 == answer.status_code
        [line] = [s.line for s in widget.account("acme").numbers.list() if s.line.id == line_id]
        assert ("ann", "bob") == line.user_ids

    def test_sign_out_needs_it_too(self, widget: SmsAdmin, clock: ManualClock) -> None:
        client = signed_in(widget, clock)
        assert 403 == client.post("/web/signout").status_code
        assert 200 == client.get("/web/numbers").status_code


class TestSecurityHeaders:
    """Every page carries a strict CSP and the other headers; frame-ancestors is configurable."""

    @pytest.mark.parametrize("path", ["/web/numbers", "/web/signin", "/web/optouts"])
    def test_every_page(self, web: httpx.Client, path: str) -> None:
        headers = web.get(path).headers
        csp = headers["content-security-policy"]
        assert "script-src 'self';" in csp
        assert "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert "nosniff" == headers["x-content-type-options"]
        assert "no-referrer" == headers["referrer-policy"]
        assert "DENY" == headers["x-frame-options"]
        assert "no-store" == headers["cache-control"]

    def test_frame_ancestors_for_an_embedding_host(self, widget: SmsAdmin) -> None:
        app = mounted(widget, frame_ancestors=["https://hcm.example.com"])
        headers = asgi_client(app).get("/web/numbers").headers
        assert "frame-ancestors https://hcm.example.com" in headers["content-security-policy"]
        assert "x-frame-options" not in headers

    @pytest.mark.parametrize("origin", ["*", "https://a.example; script-src *", "javascript:x"])
    def test_a_frame_ancestor_must_be_an_origin(self, origin: str) -> None:
        with pytest.raises(ConfigurationError, match="not an origin"):
            content_security_policy([origin])

    def test_static_files_carry_htmx(self, web: httpx.Client) -> None:
        answer = web.get("/web/static/htmx/htmx.min.js")
        assert 200 == answer.status_code
        assert "nosniff" == answer.headers["x-content-type-options"]
        assert "htmx" in answer.text[:200]

    def test_same_site_none_makes_the_cookie_secure(
        self, widget: SmsAdmin, clock: ManualClock
    ) -> None:
        """For an iframe on another site; the browser sends a Lax cookie to no such frame."""
        client = asgi_client(mounted(widget, same_site="none"), base_url="https://testserver")
        answer = _sign_in(client, sign_in_token(SECRET, "acme", "admin", now=clock.now()))
        cookie = answer.headers["set-cookie"]
        assert "SameSite=none" in cookie
        assert "Secure" in cookie
