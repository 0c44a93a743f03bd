"""Only admins reach the admin screens: Numbers, number purchase, Seats and Audit trail.

The HCM seed (``/work/shared/seeds/hcm-widget-style.txt``, "Access Requirements"): users must
have the "Marketplace Admin" user permission to reach the phone number administration. The
services check it (``viewer_id`` on ``numbers.list``, ``seats.list``, ``audit.page``,
``numbers.search_capabilities``), through the host plugin's permissions as the admin actions
do; a recruiter signed in gets a 403 page naming what they lack. The SDK's own callers (the
CLI) name no viewer and are not checked.
"""

from __future__ import annotations

import httpx
import pytest

from sms_core import ManualClock
from sms_core.exceptions import PermissionDeniedError
from sms_core.services import SmsAdmin
from tests.web.conftest import signed_in

WIDGET_ADMIN_SCREENS = ("/web/numbers", "/web/numbers/buy", "/web/audit")


def _refused(answer: httpx.Response, grant: str) -> None:
    assert 403 == answer.status_code, answer.text
    assert grant in answer.text
    assert "Nothing was changed." in answer.text


class TestRecruiterIsRefused:
    @pytest.mark.parametrize("path", WIDGET_ADMIN_SCREENS)
    def test_widget_screens_name_the_marketplace_admin_permission(
        self, widget: SmsAdmin, clock: ManualClock, path: str
    ) -> None:
        recruiter = signed_in(widget, clock, user="ann")
        _refused(recruiter.get(path), "Marketplace Admin")

    def test_the_assign_page_is_refused_too(self, widget: SmsAdmin, clock: ManualClock) -> None:
        [line] = [s.line for s in widget.account("acme").numbers.list() if "ann" in s.line.user_ids]
        recruiter = signed_in(widget, clock, user="ann")
        _refused(recruiter.get(f"/web/numbers/{line.id}/assign"), "Marketplace Admin")

    def test_a_recruiter_lands_on_the_inbox(self, widget: SmsAdmin, clock: ManualClock) -> None:
        """The first page is where a recruiter works, not a refusal; numbers stay refused."""
        recruiter = signed_in(widget, clock, user="ann")
        answer = recruiter.get("/web/", follow_redirects=False)
        assert answer.headers["location"].endswith("/web/inbox")
        _refused(recruiter.get("/web/numbers"), "Marketplace Admin")

    def test_an_admin_lands_on_the_numbers(self, widget: SmsAdmin, clock: ManualClock) -> None:
        admin = signed_in(widget, clock)
        answer = admin.get("/web/", follow_redirects=False)
        assert answer.headers["location"].endswith("/web/numbers")

    @pytest.mark.parametrize("path", ["/web/seats", "/web/audit", "/web/numbers"])
    def test_seat_screens_name_the_administration_permission(
        self, seat_host: SmsAdmin, clock: ManualClock, path: str
    ) -> None:
        recruiter = signed_in(seat_host, clock, user="ann")
        _refused(recruiter.get(path), "Administration")

    @pytest.mark.parametrize(
        "page",
        ["number", "number?auto=1", "number?area_code=415", "assign", "users/bob/remove"],
    )
    def test_a_seat_s_pages_are_refused_too(
        self, seat_host: SmsAdmin, clock: ManualClock, page: str
    ) -> None:
        """Choose Number, Auto Assign, Assign User and a removal's confirmation, as the list."""
        seats = {s.seat.name: s.seat.id for s in seat_host.account("acme").seats.list()}
        seat_id = seats["Sales"] if page.startswith("number") else seats["Recruiting"]
        recruiter = signed_in(seat_host, clock, user="ann")
        _refused(recruiter.get(f"/web/seats/{seat_id}/{page}"), "Administration")

    def test_opt_outs_stay_open_to_a_recruiter(self, widget: SmsAdmin, clock: ManualClock) -> None:
        """Reading opt-outs needs the host's view permission, which recruiters have."""
        recruiter = signed_in(widget, clock, user="ann")
        assert 200 == recruiter.get("/web/optouts").status_code


ADMIN_LINKS = ('href="/web/numbers"', 'href="/web/seats"', 'href="/web/audit"')


class TestNavigation:
    """The navigation links only the screens the services let the signed-in user open."""

    def test_a_recruiter_sees_no_admin_link(self, widget: SmsAdmin, clock: ManualClock) -> None:
        html = signed_in(widget, clock, user="ann").get("/web/optouts").text
        for link in ADMIN_LINKS:
            assert link not in html
        for link in ('href="/web/optouts"', 'href="/web/texting"', 'href="/web/registration"'):
            assert link in html

    def test_a_seat_recruiter_sees_no_admin_link(
        self, seat_host: SmsAdmin, clock: ManualClock
    ) -> None:
        html = signed_in(seat_host, clock, user="ann").get("/web/texting").text
        for link in ADMIN_LINKS:
            assert link not in html

    def test_an_admin_sees_them(self, widget: SmsAdmin, clock: ManualClock) -> None:
        html = signed_in(widget, clock).get("/web/optouts").text
        assert 'href="/web/numbers"' in html
        assert 'href="/web/audit"' in html
        assert 'href="/web/seats"' not in html  # the widget has no seats

    def test_a_seat_admin_sees_the_seats(self, seats_web: httpx.Client) -> None:
        html = seats_web.get("/web/seats").text
        for link in ADMIN_LINKS:
            assert link in html


class TestAdminsStillSee:
    @pytest.mark.parametrize("path", WIDGET_ADMIN_SCREENS)
    def test_widget_admin(self, web: httpx.Client, path: str) -> None:
        assert 200 == web.get(path).status_code

    @pytest.mark.parametrize("path", ["/web/seats", "/web/audit"])
    def test_seat_admin(self, seats_web: httpx.Client, path: str) -> None:
        assert 200 == seats_web.get(path).status_code


class TestServices:
    """The check lives in the services: one place, for the web and any other screen."""

    def test_a_viewer_without_the_permission_is_refused(self, widget: SmsAdmin) -> None:
        acme = widget.account("acme")
        with pytest.raises(PermissionDeniedError, match="Marketplace Admin"):
            acme.numbers.list(viewer_id="ann")
        with pytest.raises(PermissionDeniedError, match="Marketplace Admin"):
            acme.audit.page(viewer_id="ann")
        with pytest.raises(PermissionDeniedError, match="Marketplace Admin"):
            acme.numbers.search_capabilities(viewer_id="ann")

    def test_seats_list_checks_its_viewer(self, seat_host: SmsAdmin) -> None:
        acme = seat_host.account("acme")
        with pytest.raises(PermissionDeniedError, match="Administration"):
            acme.seats.list(viewer_id="ann")
        assert len(acme.seats.list(viewer_id="admin")) == len(acme.seats.list())

    def test_seats_get_checks_its_viewer(self, seat_host: SmsAdmin) -> None:
        acme = seat_host.account("acme")
        seat_id = acme.seats.list()[0].seat.id
        with pytest.raises(PermissionDeniedError, match="Administration"):
            acme.seats.get(seat_id, viewer_id="ann")
        assert acme.seats.get(seat_id, viewer_id="admin") == acme.seats.get(seat_id)

    def test_may_administer_answers_the_same_question(
        self, widget: SmsAdmin, seat_host: SmsAdmin
    ) -> None:
        assert widget.account("acme").users.may_administer("admin")
        assert not widget.account("acme").users.may_administer("ann")
        assert seat_host.account("acme").users.may_administer("admin")
        assert not seat_host.account("acme").users.may_administer("ann")

    def test_an_admin_viewer_and_no_viewer_read_the_same(self, widget: SmsAdmin) -> None:
        acme = widget.account("acme")
        assert acme.numbers.list(viewer_id="admin") == acme.numbers.list()
        assert acme.audit.page(viewer_id="admin") == acme.audit.page()
