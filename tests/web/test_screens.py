"""The first screens and their actions over HTTP: what they show, what they change, refusals.

Every action goes through the account's services with the signed-in user as the actor, so the
host plugin (``hcm_widget``: Marketplace Admins manage numbers; ``ats_seats``: Administration
manages seats) refuses exactly as in the SDK; a refusal is a 4xx page with the service's
message, and nothing changed.
"""

from __future__ import annotations

import html
import re
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from sms_core import ManualClock
from sms_core.services import AccountAdmin, SmsAdmin
from tests.web.conftest import OPT_OUTS, csrf_of, opted_out, signed_in


def _line_of(account: AccountAdmin, user_id: str) -> str:
    [line] = [s.line for s in account.numbers.list() if user_id in s.line.user_ids]
    return line.id


def _users_of(account: AccountAdmin, line_id: str) -> tuple[str, ...]:
    [line] = [s.line for s in account.numbers.list() if s.line.id == line_id]
    return line.user_ids


def _text(html: str) -> str:
    """The page's words, tags and whitespace runs removed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


class TestNumbersList:
    """Status with icon and words, the +N badge, inactive users in red, no number in a URL."""

    def test_the_list(self, web: httpx.Client, widget: SmsAdmin) -> None:
        acme = widget.account("acme")
        html = web.get("/web/numbers").text
        shared = next(s for s in acme.numbers.list() if "ann" in s.line.user_ids)
        assert f'{shared.line.number.e164} <span class="badge"' in html
        assert ">+1</span>" in html
        assert '<span aria-hidden="true">⚠</span> Unregistered' in html
        assert '<span class="inactive">Cy Young (inactive)</span>' in html
        # An inactive user's number is offered for re-allocation, to active users only.
        line_id = _line_of(acme, "cy")
        assert f'href="/web/numbers/{line_id}/users/cy/reallocate"' in html
        form = web.get(f"/web/numbers/{line_id}/users/cy/reallocate").text
        [options] = re.findall(r'<select id="to-user"[^>]*>(.*?)</select>', form, re.S)
        assert "Cy Young" not in options
        assert "Dee Park" in options
        # Links and forms name lines by id, never by number.
        numbers = [s.line.number.e164 for s in acme.numbers.list()]
        for target in re.findall(r'(?:href|action|hx-get)="([^"]+)"', html):
            assert not [n for n in numbers if n[2:] in target], target

    def test_a_registered_number_shows_the_green_check(
        self, web: httpx.Client, widget: SmsAdmin
    ) -> None:
        import attrs  # noqa: PLC0415 - the test's own set-up

        from sms_core.store import lines as line_store  # noqa: PLC0415

        acme = widget.account("acme")
        [line] = [s.line for s in acme.numbers.list() if "ann" in s.line.user_ids]
        with widget.database.transaction() as connection:
            # As attaching the number to the approved campaign marks it.
            line_store.update_line(connection, attrs.evolve(line, registered=True))
        html = web.get("/web/numbers").text
        assert '<span aria-hidden="true">✔</span> Registered' in html

    def test_a_registered_number_is_active(self, web: httpx.Client, widget: SmsAdmin) -> None:
        """The seed: approved campaigns "show a status of "Active" immediately after purchase".

        A number bought once the messaging service is approved is attached at purchase; its
        status says "Registered · Active" in the green class, by a check mark.
        """
        import attrs  # noqa: PLC0415 - the test's own set-up

        from sms_core.store import lines as line_store  # noqa: PLC0415

        acme = widget.account("acme")
        [line] = [s.line for s in acme.numbers.list() if "ann" in s.line.user_ids]
        with widget.database.transaction() as connection:
            line_store.update_line(connection, attrs.evolve(line, registered=True))
        html = web.get("/web/numbers").text
        assert (
            '<span class="status status-ok"><span aria-hidden="true">✔</span> '
            "Registered · Active</span>"
        ) in html
        # Cy's number is still unregistered: no "Active" on it.
        assert 1 == html.count("Active</span>")


class TestDeactivateNextToTheUser:
    """The seed: "Click the Deactivate button next to the target user." Then confirm."""

    def test_each_user_has_a_deactivate_next_to_them(
        self, web: httpx.Client, widget: SmsAdmin
    ) -> None:
        acme = widget.account("acme")
        shared, cy = _line_of(acme, "ann"), _line_of(acme, "cy")
        html = web.get("/web/numbers").text
        for line_id, user in ((shared, "ann"), (shared, "bob"), (cy, "cy")):
            assert f'href="/web/numbers/{line_id}/users/{user}/deactivate"' in html
        # No Deactivate for the whole shared number: it is next to each of its users.
        assert f'href="/web/numbers/{shared}/deactivate"' not in html

    def test_on_a_shared_number_it_takes_the_user_off_after_confirming(
        self, web: httpx.Client, widget: SmsAdmin
    ) -> None:
        acme = widget.account("acme")
        line_id = _line_of(acme, "ann")
        confirm = web.get(f"/web/numbers/{line_id}/users/bob/deactivate")
        assert 200 == confirm.status_code
        words = _text(confirm.text)
        assert "Deactivate the number for this user?" in words
        assert "takes Bob Stone off" in words
        assert "The number stays active for its other users: Ann Lee." in words
        assert f'action="/web/numbers/{line_id}/users/bob/remove"' in confirm.text
        assert ("ann", "bob") == _users_of(acme, line_id)  # asking changed nothing
        answer = web.post(
            f"/web/numbers/{line_id}/users/bob/remove", data={"csrf_token": csrf_of(web)}
        )
        assert "/web/numbers?done=removed" == answer.headers["location"]
        assert ("ann",) == _users_of(acme, line_id)

    def test_for_the_only_user_it_deactivates_the_number(
        self, web: httpx.Client, widget: SmsAdmin
    ) -> None:
        acme = widget.account("acme")
        line_id = _line_of(acme, "cy")
        confirm = web.get(f"/web/numbers/{line_id}/users/cy/deactivate")
        assert 200 == confirm.status_code
        assert "Deactivate this number?" in confirm.text
        assert "removes it from the provisioned SMS list" in confirm.text
        assert f'action="/web/numbers/{line_id}/deactivate"' in confirm.text
        assert line_id in [s.line.id for s in acme.numbers.list()]

    def test_a_number_without_users_keeps_its_own_deactivate(
        self, web: httpx.Client, widget: SmsAdmin
    ) -> None:
        acme = widget.account("acme")
        line_id = _line_of(acme, "cy")
        acme.numbers.unassign(
            "admin", next(s.line.number for s in acme.numbers.list() if s.line.id == line_id), "cy"
        )
        html = web.get("/web/numbers").text
        assert f'href="/web/numbers/{line_id}/deactivate"' in html

    @pytest.mark.parametrize("path", ["users/bob/deactivate", "users/ann/deactivate", "deactivate"])
    def test_the_confirmation_is_an_admins_page(
        self, widget: SmsAdmin, clock: ManualClock, path: str
    ) -> None:
        """A recruiter is refused the confirmation as the numbers list, even for her own line."""
        acme = widget.account("acme")
        client = signed_in(widget, clock, user="ann")
        answer = client.get(f"/web/numbers/{_line_of(acme, 'ann')}/{path}")
        assert 403 == answer.status_code
        assert "Marketplace Admin" in answer.text

    def test_another_accounts_line_or_user_is_not_found(
        self, web: httpx.Client, widget: SmsAdmin
    ) -> None:
        theirs = _line_of(widget.account("globex"), "boss")
        mine = _line_of(widget.account("acme"), "ann")
        assert 404 == web.get(f"/web/numbers/{theirs}/users/boss/deactivate").status_code
        assert 404 == web.get(f"/web/numbers/{mine}/users/boss/deactivate").status_code
        # Cy is this account's, but not on Ann's number.
        assert 409 == web.get(f"/web/numbers/{mine}/users/cy/deactivate").status_code


class TestMyLine:
    """The seed: "Both the HCM user and Marketplace Admin have the ability to configure" it."""

    def test_a_recruiter_reaches_their_own_forwarding_form(
        self, widget: SmsAdmin, clock: ManualClock
    ) -> None:
        acme = widget.account("acme")
        line_id = _line_of(acme, "ann")
        client = signed_in(widget, clock, user="ann")
        texting = client.get("/web/texting").text
        assert 'href="/web/my-line">My line</a>' in texting
        page = client.get("/web/my-line")
        assert 200 == page.status_code
        words = _text(page.text)
        number = next(s.line.number.e164 for s in acme.numbers.list() if s.line.id == line_id)
        assert f"SMS number {number} +1" in words
        assert f'href="/web/numbers/{line_id}/forwarding"' in page.text
        # Only her line: Cy's is not shown, and no number is in a link.
        assert _line_of(acme, "cy") not in page.text
        for target in re.findall(r'(?:href|action)="([^"]+)"', page.text):
            assert number[2:] not in target, target
        form = client.get(f"/web/numbers/{line_id}/forwarding").text
        assert 'href="/web/my-line">Back to my line</a>' in form
        assert "Back to the numbers" not in form

    @pytest.mark.parametrize(("user", "owner"), [("ann", "cy"), ("dee", "ann")])
    def test_another_users_forwarding_form_is_an_admins(
        self, widget: SmsAdmin, clock: ManualClock, user: str, owner: str
    ) -> None:
        """Only the line's users and admins see its form (its number and where it forwards)."""
        acme = widget.account("acme")
        client = signed_in(widget, clock, user=user)
        answer = client.get(f"/web/numbers/{_line_of(acme, owner)}/forwarding")
        assert 403 == answer.status_code
        assert "Marketplace Admin" in answer.text
        admin = signed_in(widget, clock)
        assert 200 == admin.get(f"/web/numbers/{_line_of(acme, owner)}/forwarding").status_code

    def test_a_user_without_a_number_is_told_who_assigns_one(
        self, widget: SmsAdmin, clock: ManualClock
    ) -> None:
        client = signed_in(widget, clock, user="dee")
        words = _text(client.get("/web/my-line").text)
        assert "You have no SMS number yet. A Marketplace Admin assigns numbers to users." in words
        assert "/forwarding" not in client.get("/web/my-line").text


class TestNumberActions:
    """Remove, re-allocate, deactivate: through the services, refusals shown, nothing changed."""

    def test_assign_users_to_share_a_number(self, web: httpx.Client, widget: SmsAdmin) -> None:
        """The form offers active users on no number; the number becomes +2."""
        acme = widget.account("acme")
        line_id = _line_of(acme, "ann")
        form = _text(web.get(f"/web/numbers/{line_id}/assign").text)
        assert "Dee Park" in form
        assert "Dana Reyes" in form
        assert "Ann Lee" not in form
        assert "Cy Young" not in form
        answer = web.post(
            f"/web/numbers/{line_id}/assign", data={"csrf_token": csrf_of(web), "user_id": "dee"}
        )
        assert 303 == answer.status_code
        assert ("ann", "bob", "dee") == _users_of(acme, line_id)
        assert ">+2</span>" in web.get("/web/numbers").text

    def test_assigning_a_user_with_a_line_changes_nothing(
        self, web: httpx.Client, widget: SmsAdmin
    ) -> None:
        """All or none: Dee is fine, Cy's line is Cy's, so neither is assigned."""
        acme = widget.account("acme")
        line_id = _line_of(acme, "ann")
        answer = web.post(
            f"/web/numbers/{line_id}/assign",
            data={"csrf_token": csrf_of(web), "user_id": ["dee", "cy"]},
        )
        assert answer.status_code in (409,)
        assert "Nothing was changed" in answer.text
        assert ("ann", "bob") == _users_of(acme, line_id)

    def test_call_forwarding_by_a_user_of_the_line(
        self, widget: SmsAdmin, clock: ManualClock
    ) -> None:
        """Ann, no admin, forwards her own number's calls; the number is in the body only."""
        acme = widget.account("acme")
        line_id = _line_of(acme, "ann")
        client = signed_in(widget, clock, user="ann")
        assert "Call forwarding number" in client.get(f"/web/numbers/{line_id}/forwarding").text
        page = f"/web/numbers/{line_id}/forwarding"
        answer = client.post(
            page, data={"csrf_token": csrf_of(client, page), "forward_to": "(212) 555-0142"}
        )
        assert 303 == answer.status_code
        assert f"{page}?done=forwarding" == answer.headers["location"]
        [line] = [s.line for s in acme.numbers.list() if s.line.id == line_id]
        assert line.forward_to is not None
        assert "+12125550142" == line.forward_to.e164
        # Ann is no Marketplace Admin: the numbers list is not hers, her form is.
        saved = client.get(f"{page}?done=forwarding").text
        assert "The call forwarding number was saved." in saved
        assert 'value="+12125550142"' in saved

    def test_a_malformed_forwarding_number_changes_nothing(
        self, web: httpx.Client, widget: SmsAdmin
    ) -> None:
        acme = widget.account("acme")
        line_id = _line_of(acme, "ann")
        answer = web.post(
            f"/web/numbers/{line_id}/forwarding",
            data={"csrf_token": csrf_of(web), "forward_to": "555-01"},
        )
        assert 400 == answer.status_code
        assert "555-01" in answer.text
        [line] = [s.line for s in acme.numbers.list() if s.line.id == line_id]
        assert line.forward_to is None

    def test_someone_elses_number_needs_an_admin(
        self, widget: SmsAdmin, clock: ManualClock
    ) -> None:
        acme = widget.account("acme")
        line_id = _line_of(acme, "cy")
        client = signed_in(widget, clock, user="ann")
        answer = client.post(
            f"/web/numbers/{line_id}/forwarding",
            data={"csrf_token": csrf_of(client, "/web/optouts"), "forward_to": "(212) 555-0142"},
        )
        assert 403 == answer.status_code

    def test_remove_a_user(self, web: httpx.Client, widget: SmsAdmin) -> None:
        acme = widget.account("acme")
        line_id = _line_of(acme, "ann")
        answer = web.post(
            f"/web/numbers/{line_id}/users/bob/remove", data={"csrf_token": csrf_of(web)}
        )
        assert 303 == answer.status_code
        assert "/web/numbers?done=removed" == answer.headers["location"]
        assert ("ann",) == _users_of(acme, line_id)
        page = web.get(answer.headers["location"]).text
        assert "The user was removed from the number." in page
        [entry] = acme.audit.list(limit=1)
        assert ("unassign", "admin") == (entry.action.value, entry.actor_id)

    def test_reallocate_from_an_inactive_user(self, web: httpx.Client, widget: SmsAdmin) -> None:
        acme = widget.account("acme")
        line_id = _line_of(acme, "cy")
        answer = web.post(
            f"/web/numbers/{line_id}/users/cy/reallocate",
            data={"csrf_token": csrf_of(web), "to_user_id": "dee"},
        )
        assert 303 == answer.status_code
        assert ("dee",) == _users_of(acme, line_id)

    def test_the_reallocation_list_is_searched_by_first_or_last_name(
        self, web: httpx.Client, widget: SmsAdmin
    ) -> None:
        """HCM seed: "Search by first or last name to find your HCM user" (a GET, no script)."""
        line_id = _line_of(widget.account("acme"), "cy")
        page = f"/web/numbers/{line_id}/users/cy/reallocate"

        def offered(typed: str) -> str:
            form = web.get(page, params={"user_name": typed}).text
            found = re.findall(r'<select id="to-user"[^>]*>(.*?)</select>', form, re.S)
            return found[0] if found else ""

        assert 'method="get"' in web.get(page).text
        assert "Dee Park" in offered("dee")
        assert "Dana Reyes" not in offered("dee")
        assert "Dana Reyes" in offered("REYES")
        assert "Dee Park" not in offered("REYES")
        assert "Dee Park" in offered("")
        assert "Dana Reyes" in offered("")
        assert "Cy Young" not in offered("young")  # inactive users never
        empty = html.unescape(_text(web.get(page, params={"user_name": "zzz"}).text))
        assert "No active user is named like “zzz”; clear the search to see them all." in empty

    def test_save_asks_to_confirm_the_reallocation_first(
        self, web: httpx.Client, widget: SmsAdmin
    ) -> None:
        """HCM seed: "Confirm the re-allocation to complete the process".

        Save (a GET) shows the number, the inactive user and the new one; only Confirm (a POST
        with the CSRF token) re-allocates; Cancel goes back to the choice.
        """
        acme = widget.account("acme")
        line_id = _line_of(acme, "cy")
        number = next(s.line.number.e164 for s in acme.numbers.list() if s.line.id == line_id)
        form = web.get(f"/web/numbers/{line_id}/users/cy/reallocate").text
        action = f"/web/numbers/{line_id}/users/cy/reallocate/confirm"
        assert f'<form method="get" action="{action}"' in form
        confirm = web.get(action, params={"to_user_id": "dee"})
        assert 200 == confirm.status_code
        words = _text(confirm.text)
        assert f"Re-allocate {number} from Cy Young (inactive) to Dee Park?" in words
        assert ("cy",) == _users_of(acme, line_id)  # asking changed nothing
        assert 'name="csrf_token"' in confirm.text
        assert 'name="to_user_id" value="dee"' in confirm.text
        assert f'href="/web/numbers/{line_id}/users/cy/reallocate">Cancel' in confirm.text
        # Confirm without the session's CSRF token is refused and changes nothing.
        forged = web.post(f"/web/numbers/{line_id}/users/cy/reallocate", data={"to_user_id": "dee"})
        assert 403 == forged.status_code
        assert ("cy",) == _users_of(acme, line_id)
        answer = web.post(
            f"/web/numbers/{line_id}/users/cy/reallocate",
            data={"csrf_token": csrf_of(web), "to_user_id": "dee"},
        )
        assert "/web/numbers?done=reallocated" == answer.headers["location"]
        assert ("dee",) == _users_of(acme, line_id)

    @pytest.mark.parametrize(("to_user_id", "status"), [("boss", 404), ("nobody", 404), ("", 400)])
    def test_confirming_a_user_not_of_the_account_is_refused(
        self, web: httpx.Client, widget: SmsAdmin, to_user_id: str, status: int
    ) -> None:
        """Another account's user is not found; no choice at all is an invalid field."""
        line_id = _line_of(widget.account("acme"), "cy")
        answer = web.get(
            f"/web/numbers/{line_id}/users/cy/reallocate/confirm",
            params={"to_user_id": to_user_id},
        )
        assert status == answer.status_code
        assert ("cy",) == _users_of(widget.account("acme"), line_id)

    def test_confirming_for_a_user_not_on_the_number_is_refused(
        self, web: httpx.Client, widget: SmsAdmin
    ) -> None:
        line_id = _line_of(widget.account("acme"), "cy")
        answer = web.get(
            f"/web/numbers/{line_id}/users/ann/reallocate/confirm", params={"to_user_id": "dee"}
        )
        assert 409 == answer.status_code
        assert "is not on" in answer.text
        assert ("cy",) == _users_of(widget.account("acme"), line_id)

    def test_reallocating_to_a_user_with_a_line_is_refused(
        self, web: httpx.Client, widget: SmsAdmin
    ) -> None:
        acme = widget.account("acme")
        line_id = _line_of(acme, "cy")
        answer = web.post(
            f"/web/numbers/{line_id}/users/cy/reallocate",
            data={"csrf_token": csrf_of(web), "to_user_id": "ann"},
        )
        assert 409 == answer.status_code
        assert "Nothing was changed" in answer.text
        assert 'href="/web/numbers">Back' in answer.text
        assert ("cy",) == _users_of(acme, line_id)

    def test_deactivate_asks_first(self, web: httpx.Client, widget: SmsAdmin) -> None:
        acme = widget.account("acme")
        line_id = _line_of(acme, "cy")
        confirm = web.get(f"/web/numbers/{line_id}/deactivate")
        assert 200 == confirm.status_code
        assert "Deactivate this number?" in confirm.text
        assert 2 == len(acme.numbers.list())  # asking changed nothing
        answer = web.post(f"/web/numbers/{line_id}/deactivate", data={"csrf_token": csrf_of(web)})
        assert 303 == answer.status_code
        assert line_id not in [s.line.id for s in acme.numbers.list()]

    def test_a_user_without_the_admin_permission_is_refused(
        self, widget: SmsAdmin, clock: ManualClock
    ) -> None:
        """The host plugin decides, as in the SDK: Ann is no Marketplace Admin."""
        acme = widget.account("acme")
        line_id = _line_of(acme, "ann")
        client = signed_in(widget, clock, user="ann")
        answer = client.post(
            f"/web/numbers/{line_id}/users/bob/remove",
            data={"csrf_token": csrf_of(client, "/web/optouts")},
        )
        assert 403 == answer.status_code
        assert "needs the &#39;Marketplace Admin&#39; user permission" in answer.text
        assert ("ann", "bob") == _users_of(acme, line_id)

    @pytest.mark.parametrize("action", ["users/boss/remove", "deactivate"])
    def test_another_accounts_line_is_not_found(
        self, web: httpx.Client, widget: SmsAdmin, action: str
    ) -> None:
        globex = widget.account("globex")
        line_id = _line_of(globex, "boss")
        answer = web.post(f"/web/numbers/{line_id}/{action}", data={"csrf_token": csrf_of(web)})
        assert 404 == answer.status_code
        assert "this account has no number with id" in answer.text
        assert ("boss",) == _users_of(globex, line_id)
        assert 404 == web.get(f"/web/numbers/{line_id}/deactivate").status_code

    @pytest.mark.parametrize("action", ["remove", "reallocate"])
    def test_another_accounts_user_is_not_found(
        self, web: httpx.Client, widget: SmsAdmin, action: str
    ) -> None:
        line_id = _line_of(widget.account("acme"), "cy")
        answer = web.post(
            f"/web/numbers/{line_id}/users/boss/{action}",
            data={"csrf_token": csrf_of(web), "to_user_id": "dee"},
        )
        assert 404 == answer.status_code
        assert ("cy",) == _users_of(widget.account("acme"), line_id)
        assert 404 == web.get(f"/web/numbers/{line_id}/users/boss/reallocate").status_code

    def test_reallocating_another_accounts_user_in_is_not_found(
        self, web: httpx.Client, widget: SmsAdmin
    ) -> None:
        line_id = _line_of(widget.account("acme"), "cy")
        answer = web.post(
            f"/web/numbers/{line_id}/users/cy/reallocate",
            data={"csrf_token": csrf_of(web), "to_user_id": "boss"},
        )
        assert 404 == answer.status_code
        assert ("cy",) == _users_of(widget.account("acme"), line_id)


class TestSeats:
    """The ATS's "Text Messaging Numbers" page and removing a user."""

    def test_the_table(self, seats_web: httpx.Client, seat_host: SmsAdmin) -> None:
        [recruiting, _sales] = sorted(
            seat_host.account("acme").seats.list(), key=lambda s: s.seat.name
        )
        html = seats_web.get("/web/seats").text
        words = _text(html)
        assert recruiting.line is not None
        assert recruiting.line.number.e164 in words
        assert "Ann Lee" in words
        assert "Bob Stone" in words
        allowance = recruiting.seat.monthly_allowance
        assert f"{allowance:,} / {allowance:,}" in words
        assert "No number yet" in words
        assert 'aria-current="page">Seats' in html
        assert "Globex seat" not in words

    def test_home_is_seats_under_a_seat_host(self, seats_web: httpx.Client) -> None:
        assert "/web/seats" == seats_web.get("/web/").headers["location"]

    def test_remove_a_user_after_confirming(
        self, seats_web: httpx.Client, seat_host: SmsAdmin
    ) -> None:
        acme = seat_host.account("acme")
        seat = next(s for s in acme.seats.list() if s.seat.name == "Recruiting").seat
        confirm = seats_web.get(f"/web/seats/{seat.id}/users/bob/remove")
        assert "Remove this user?" in confirm.text
        answer = seats_web.post(
            f"/web/seats/{seat.id}/users/bob/remove",
            data={"csrf_token": csrf_of(seats_web, "/web/seats")},
        )
        assert 303 == answer.status_code
        assert ("ann",) == tuple(u.id for u in acme.seats.get(seat.id).users)

    def test_assign_user(self, seats_web: httpx.Client, seat_host: SmsAdmin) -> None:
        acme = seat_host.account("acme")
        seat = next(s for s in acme.seats.list() if s.seat.name == "Recruiting").seat
        form = _text(seats_web.get(f"/web/seats/{seat.id}/assign").text)
        assert "Dana Reyes" in form
        assert "Ann Lee" not in form
        answer = seats_web.post(
            f"/web/seats/{seat.id}/assign",
            data={"csrf_token": csrf_of(seats_web, "/web/seats"), "user_id": "admin"},
        )
        assert 303 == answer.status_code
        assert ["admin", "ann", "bob"] == sorted(u.id for u in acme.seats.get(seat.id).users)
        assert "The users were assigned" in seats_web.get(answer.headers["location"]).text

    def test_assign_user_finds_a_user_by_partial_or_full_name(
        self, seats_web: httpx.Client, seat_host: SmsAdmin
    ) -> None:
        """ATS seed: "... or search for the user with a partial or full name" (a GET, no script)."""
        acme = seat_host.account("acme")
        acme.users.upsert("eve", first_name="Eve", last_name="Marsh")
        acme.users.upsert("fay", first_name="Fay", last_name="Marshall")
        seat = next(s for s in acme.seats.list() if s.seat.name == "Recruiting").seat
        page = f"/web/seats/{seat.id}/assign"
        assert f'<form method="get" action="{page}"' in seats_web.get(page).text

        def offered(typed: str) -> set[str]:
            form = seats_web.get(page, params={"user_name": typed}).text
            return set(re.findall(r'name="user_id" value="([^"]+)"', form))

        assert {"admin", "eve", "fay"} == offered("")
        assert {"eve", "fay"} == offered("mars")  # partial
        assert {"fay"} == offered("  fay   MARSHALL ")  # full, any case and spacing
        assert {"admin"} == offered("Dana")
        assert set() == offered("Ann Lee")  # on the seat already: never offered
        none = html.unescape(_text(seats_web.get(page, params={"user_name": "zzz"}).text))
        assert "No active user without a number is named like “zzz”" in none

    def test_a_seat_without_a_number_takes_no_user(
        self, seats_web: httpx.Client, seat_host: SmsAdmin
    ) -> None:
        acme = seat_host.account("acme")
        seat = next(s for s in acme.seats.list() if s.seat.name == "Sales").seat
        answer = seats_web.post(
            f"/web/seats/{seat.id}/assign",
            data={"csrf_token": csrf_of(seats_web, "/web/seats"), "user_id": "admin"},
        )
        assert 409 == answer.status_code
        assert () == acme.seats.get(seat.id).users

    def test_choose_number_then_complete_setup(
        self, seats_web: httpx.Client, seat_host: SmsAdmin
    ) -> None:
        """Area code, Generate Numbers, pick one, Complete Setup; the number travels in the body."""
        acme = seat_host.account("acme")
        seat = next(s for s in acme.seats.list() if s.seat.name == "Sales").seat
        page = seats_web.get(f"/web/seats/{seat.id}/number", params={"area_code": "512"})
        assert 200 == page.status_code
        offered = re.findall(r'name="number" value="(\+1512\d{7})"', page.text)
        assert offered
        csrf = csrf_of(seats_web, "/web/seats")
        refused = seats_web.post(
            f"/web/seats/{seat.id}/number/choose", data={"csrf_token": csrf, "number": offered[1]}
        )
        assert 400 == refused.status_code  # the subscription terms were not agreed to
        assert acme.seats.get(seat.id).line is None
        answer = seats_web.post(
            f"/web/seats/{seat.id}/number/choose",
            data={"csrf_token": csrf, "number": offered[1], "accept_terms": "yes"},
        )
        assert 303 == answer.status_code
        line = acme.seats.get(seat.id).line
        assert line is not None
        assert offered[1] == line.number.e164
        assert "/web/seats?done=numbered" == answer.headers["location"]

    def test_auto_assign_number_shows_it_before_complete_setup(
        self, seats_web: httpx.Client, seat_host: SmsAdmin
    ) -> None:
        acme = seat_host.account("acme")
        seat = next(s for s in acme.seats.list() if s.seat.name == "Sales").seat
        page = seats_web.get(f"/web/seats/{seat.id}/number", params={"auto": "1"})
        [number] = re.findall(r'name="number" value="(\+1\d{10})"', page.text)
        assert "Your randomly selected number" in page.text
        assert acme.seats.get(seat.id).line is None  # shown, not bought
        answer = seats_web.post(
            f"/web/seats/{seat.id}/number/choose",
            data={
                "csrf_token": csrf_of(seats_web, "/web/seats"),
                "number": number,
                "accept_terms": "yes",
            },
        )
        assert 303 == answer.status_code
        line = acme.seats.get(seat.id).line
        assert line is not None
        assert number == line.number.e164
        # A seat that has a number is refused a second one, and keeps its own.
        again = seats_web.post(
            f"/web/seats/{seat.id}/number/choose",
            data={
                "csrf_token": csrf_of(seats_web, "/web/seats"),
                "number": number,
                "accept_terms": "yes",
            },
        )
        assert 409 == again.status_code
        after = seats_web.get(f"/web/seats/{seat.id}/number", params={"auto": "1"}).text
        assert "has its phone number" in after
        assert "Complete Setup" not in after

    def test_a_malformed_area_code_is_refused(
        self, seats_web: httpx.Client, seat_host: SmsAdmin
    ) -> None:
        seat = next(s for s in seat_host.account("acme").seats.list() if s.seat.name == "Sales")
        answer = seats_web.get(f"/web/seats/{seat.seat.id}/number", params={"area_code": "x" * 20})
        assert 400 == answer.status_code

    def test_another_accounts_seat_is_not_found(
        self, seats_web: httpx.Client, seat_host: SmsAdmin
    ) -> None:
        [theirs] = seat_host.account("globex").seats.list()
        assert 404 == seats_web.get(f"/web/seats/{theirs.seat.id}/users/boss/remove").status_code
        answer = seats_web.post(
            f"/web/seats/{theirs.seat.id}/users/boss/remove",
            data={"csrf_token": csrf_of(seats_web, "/web/seats")},
        )
        assert 404 == answer.status_code
        mine = next(s for s in seat_host.account("acme").seats.list() if s.line is not None)
        assert 404 == seats_web.get(f"/web/seats/{mine.seat.id}/users/boss/remove").status_code

    def test_removing_a_user_not_on_the_seat_is_refused(
        self, seats_web: httpx.Client, seat_host: SmsAdmin
    ) -> None:
        seat = next(
            s for s in seat_host.account("acme").seats.list() if s.seat.name == "Recruiting"
        ).seat
        assert 409 == seats_web.get(f"/web/seats/{seat.id}/users/admin/remove").status_code


class TestOptOuts:
    """Keyset pages of 25, by cursor links; reading needs the host's view permission."""

    def test_two_pages(self, web: httpx.Client) -> None:
        first = web.get("/web/optouts").text
        assert opted_out(0).e164 in first
        assert opted_out(24).e164 in first
        assert opted_out(25).e164 not in first
        [href] = re.findall(r'href="([^"]+)" rel="next"', first)
        second = web.get(href.replace("&amp;", "&")).text
        assert opted_out(25).e164 in second
        assert opted_out(OPT_OUTS - 1).e164 in second
        assert opted_out(0).e164 not in second
        assert "Last page" in second
        assert "First page" in second

    def test_a_forged_cursor_is_refused(self, web: httpx.Client) -> None:
        answer = web.get("/web/optouts", params={"cursor": "forged"})
        assert 400 == answer.status_code
        assert "cursor" in answer.text

    def test_an_inactive_user_may_not_read_them(self, widget: SmsAdmin, clock: ManualClock) -> None:
        answer = signed_in(widget, clock, user="cy").get("/web/optouts")
        assert 403 == answer.status_code
        assert "inactive users cannot use texting" in answer.text
        assert opted_out(0).e164 not in answer.text


class TestAuditTrail:
    """Newest first, by name, paged."""

    def test_the_trail(self, web: httpx.Client) -> None:
        words = _text(web.get("/web/audit").text)
        assert "Dana Reyes purchase" in words
        assert "users: Ann Lee, Bob Stone" in words
        assert "Last page" in words

    def test_reads_only_the_names_on_the_page(self, widget: SmsAdmin, web: httpx.Client) -> None:
        """Users and seats are read by the ids the page shows, never the account's whole list."""
        statements: list[str] = []

        def record(*args: Any) -> None:
            statements.append(" ".join(args[2].split()))

        sa.event.listen(widget.database.engine, "before_cursor_execute", record)
        assert "Dana Reyes" in _text(web.get("/web/audit").text)
        for table in ("users", "seats"):
            reads = [text for text in statements if f"FROM {table} " in f"{text} "]
            assert [] == [
                text
                for text in reads
                if f"{table}.id = " not in text and f"{table}.id IN " not in text
            ], table
