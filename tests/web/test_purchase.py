"""*Purchase New Phone Numbers* over HTTP: search, results, users, subscription terms, buy.

The seed (``/work/shared/seeds/hcm-widget-style.txt``, "Purchase New Phone Numbers"): choose
the country and filter by area code, state/region and zip/postal code; select one user or
several; "Click Purchase and agree to the subscription terms", "Click Agree to complete the
phone number purchase". Refusals show the service's message and buy nothing.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import attrs
import httpx
import pytest

from sms_core import ManualClock, NumberQuery, SearchFilter
from sms_core.services import AccountAdmin, SmsAdmin
from tests.web.conftest import build_widget, csrf_of, open_sdk, signed_in

PAGE = "/web/numbers/buy"


def _offer(account: AccountAdmin, area_code: str = "312") -> str:
    [offer] = account.numbers.search("admin", NumberQuery(area_code=area_code, limit=1))
    return offer.number.e164


def _numbers(account: AccountAdmin) -> set[str]:
    return {summary.line.number.e164 for summary in account.numbers.list()}


def _buy(web: httpx.Client, number: str, user_ids: list[str], *, agree: bool) -> httpx.Response:
    fields: dict[str, str | list[str]] = {
        "csrf_token": csrf_of(web),
        "number": number,
        "user_id": user_ids,
    }
    if agree:
        fields["accept_terms"] = "yes"
    return web.post(PAGE, data=fields)


class TestSearch:
    def test_the_form_offers_the_seeds_filters(self, web: httpx.Client) -> None:
        html = web.get(PAGE).text
        for label in ("Country", "Area code", "State or Region (outside USA)", "Zip/Postal Code"):
            assert f">{label}</label>" in html
        # The sandbox sells US, CA and GB numbers; no results before a search.
        assert re.findall(r'<option value="(\w+)"', html) == ["CA", "GB", "US"]
        assert "Available phone numbers" not in html

    def test_a_filter_the_carrier_does_not_declare_is_not_offered(
        self, tmp_path: Path, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Telnyx, for one, declares no postal code (adapters/telnyx/README.md).

        The sandbox's declaration is narrowed before the SDK opens (it reads it once).
        """
        module = importlib.import_module("sms_fake.adapter")
        info = module._INFO
        capabilities = attrs.evolve(
            info.capabilities,
            search_filters=info.capabilities.search_filters - {SearchFilter.POSTAL_CODE},
        )
        monkeypatch.setattr(module, "_INFO", attrs.evolve(info, capabilities=capabilities))
        with open_sdk(f"sqlite:///{tmp_path / 'narrow.sqlite3'}", "hcm_widget", clock) as admin:
            build_widget(admin, tmp_path / "narrow-carrier.sqlite3", clock)
            web = signed_in(admin, clock)
            html = web.get(PAGE).text
            assert ">Area code</label>" in html
            assert "Zip/Postal Code</label>" not in html
            assert 'name="postal_code"' not in html
            # Typed into the URL anyway, the core refuses it rather than ignore it.
            answer = web.get(PAGE, params={"country": "US", "postal_code": "94105"})
            assert 400 == answer.status_code
            assert "cannot search numbers by postal_code" in answer.text

    def test_results_by_area_code_with_the_users_to_choose(self, web: httpx.Client) -> None:
        html = web.get(PAGE, params={"country": "US", "area_code": "312"}).text
        offered = re.findall(r'name="number" value="(\+1\d{10})"', html)
        assert offered
        assert all(number.startswith("+1312") for number in offered)
        # Active users on no number yet: Dana (the admin) and Dee; not Ann, Bob or Cy.
        users = re.findall(r'name="user_id" value="(\w+)"', html)
        assert users == ["dee", "admin"]  # by last name
        assert '<button type="submit">Purchase</button>' in html
        # The search puts only filters in the URL; the number goes in the POST body.
        assert 'action="/web/numbers/buy/terms"' in html
        assert 'method="post"' in html

    def test_users_filtered_by_first_or_last_name(self, web: httpx.Client) -> None:
        """The seed: "Use the search box to filter by a user's first or last name"."""
        search = {"country": "US", "area_code": "312"}
        by_last = web.get(PAGE, params={**search, "user_name": "PARK"}).text
        assert re.findall(r'name="user_id" value="(\w+)"', by_last) == ["dee"]
        by_first = web.get(PAGE, params={**search, "user_name": "dan"}).text
        assert re.findall(r'name="user_id" value="(\w+)"', by_first) == ["admin"]
        nobody = web.get(PAGE, params={**search, "user_name": "zed"}).text
        assert 'name="user_id"' not in nobody
        assert "clear the filter" in nobody

    def test_an_empty_answer_says_what_to_try(self, web: httpx.Client) -> None:
        html = web.get(PAGE, params={"country": "US", "postal_code": "00000"}).text
        assert "leave the postal code blank" in html
        assert 'name="number"' not in html

    def test_the_postal_code_carries_the_seeds_advice(self, web: httpx.Client) -> None:
        """The seed's advice is the postal code field's description (``aria-describedby``).

        Seed (hcm-widget-style.txt): "Leave the Zip/Postal Code blank. Entering a zip code
        may return zero results. If needed, try multiple nearby area codes."
        """
        html = web.get(PAGE).text
        [described] = re.findall(r'<input[^>]*name="postal_code"[^>]*>', html)
        [hint_id] = re.findall(r'aria-describedby="([^"]+)"', described)
        [advice] = re.findall(rf'<span class="hint" id="{hint_id}">([^<]+)</span>', html)
        assert (
            "Leave the Zip/Postal Code blank. Entering a zip code may return zero results. "
            "If needed, try multiple nearby area codes."
        ) == advice

    def test_zero_results_by_postal_code_offer_the_search_without_it(
        self, web: httpx.Client
    ) -> None:
        search = {"country": "US", "area_code": "415", "postal_code": "00000", "user_name": "x"}
        html = web.get(PAGE, params=search).text
        assert "try nearby area codes" in html
        [link] = re.findall(r'<a href="([^"]+)">Clear the Zip/Postal Code and search again', html)
        assert "/web/numbers/buy?country=US&amp;area_code=415&amp;user_name=x" == link
        again = web.get(link.replace("&amp;", "&")).text
        assert 'name="number"' in again
        assert "Clear the Zip/Postal Code" not in again

    def test_zero_results_without_a_postal_code_offer_no_clearing(self, web: httpx.Client) -> None:
        answer = web.get(PAGE, params={"country": "US", "area_code": "415", "region": "TX"})
        assert 200 == answer.status_code
        html = answer.text
        assert "try nearby area codes" in html
        assert 'name="number"' not in html
        assert "Clear the Zip/Postal Code" not in html

    def test_an_invalid_area_code_is_refused(self, web: httpx.Client) -> None:
        answer = web.get(PAGE, params={"country": "US", "area_code": "123"})
        assert 400 == answer.status_code
        assert "area code &#39;123&#39; is not valid in US" in answer.text
        assert "Nothing was changed." in answer.text


class TestPurchase:
    def test_purchase_shows_the_subscription_terms_before_agree(
        self, web: httpx.Client, widget: SmsAdmin
    ) -> None:
        acme = widget.account("acme")
        number = _offer(acme)
        before = _numbers(acme)
        fields = {"csrf_token": csrf_of(web), "number": number, "user_id": ["admin", "dee"]}
        html = web.post(f"{PAGE}/terms", data=fields).text
        assert "starts a monthly subscription" in html
        assert "for Dee Park, Dana Reyes starts" in html
        assert '<label for="terms">I agree to the subscription terms</label>' in html
        assert '<button type="submit">Agree</button>' in html
        assert f'name="number" value="{number}"' in html
        assert before == _numbers(acme)  # nothing bought yet

    def test_the_terms_refuse_a_malformed_number(self, web: httpx.Client) -> None:
        fields = {"csrf_token": csrf_of(web), "number": "555-01", "user_id": "dee"}
        answer = web.post(f"{PAGE}/terms", data=fields)
        assert 400 == answer.status_code
        assert "555-01" in answer.text
        assert "Agree" not in answer.text

    def test_a_recruiter_gets_no_terms_page(self, widget: SmsAdmin, clock: ManualClock) -> None:
        number = _offer(widget.account("acme"))
        recruiter = signed_in(widget, clock, user="dee")
        fields = {"csrf_token": csrf_of(recruiter, "/web/optouts"), "number": number}
        answer = recruiter.post(f"{PAGE}/terms", data={**fields, "user_id": "ann"})
        assert 403 == answer.status_code
        assert "Marketplace Admin" in answer.text
        assert "Ann Lee" not in answer.text

    def test_agree_buys_a_shared_number_for_two_users(
        self, web: httpx.Client, widget: SmsAdmin
    ) -> None:
        acme = widget.account("acme")
        number = _offer(acme)
        answer = _buy(web, number, ["admin", "dee"], agree=True)
        assert 303 == answer.status_code
        assert "/web/numbers?done=bought" == answer.headers["location"]
        summary = acme.numbers.get(number)
        assert ("admin", "dee") == tuple(sorted(summary.line.user_ids))
        html = web.get("/web/numbers?done=bought").text
        assert "The phone number was purchased." in html
        assert f'{number} <span class="badge"' in html

    def test_without_the_terms_nothing_is_bought(self, web: httpx.Client, widget: SmsAdmin) -> None:
        acme = widget.account("acme")
        number, before = _offer(acme), _numbers(acme)
        answer = _buy(web, number, ["dee"], agree=False)
        assert 400 == answer.status_code
        assert "needs the admin&#39;s acceptance of the subscription terms" in answer.text
        assert before == _numbers(acme)

    def test_a_user_who_has_a_line_is_refused(self, web: httpx.Client, widget: SmsAdmin) -> None:
        acme = widget.account("acme")
        number, before = _offer(acme), _numbers(acme)
        answer = _buy(web, number, ["dee", "ann"], agree=True)
        assert 409 == answer.status_code
        assert "user &#39;Ann Lee&#39; (ann) is already on" in answer.text
        assert before == _numbers(acme)
        assert "dee" not in {u for s in acme.numbers.list() for u in s.line.user_ids}

    def test_a_full_number_is_refused(self, web: httpx.Client, widget: SmsAdmin) -> None:
        """The widget lets at most 4 users share a number (``users_per_number``)."""
        acme = widget.account("acme")
        extra = [f"temp{index}" for index in range(4)]
        for user_id in extra:
            acme.users.upsert(user_id, first_name="Temp", last_name=user_id)
        number, before = _offer(acme), _numbers(acme)
        answer = _buy(web, number, ["dee", *extra], agree=True)
        assert 409 == answer.status_code
        assert "can be shared by at most 4 users; 5 were chosen" in answer.text
        assert before == _numbers(acme)

    def test_csrf_is_required(self, web: httpx.Client, widget: SmsAdmin) -> None:
        acme = widget.account("acme")
        number, before = _offer(acme), _numbers(acme)
        answer = web.post(PAGE, data={"number": number, "user_id": "dee", "accept_terms": "yes"})
        assert 403 == answer.status_code
        assert before == _numbers(acme)

    def test_a_recruiter_may_not_buy(self, widget: SmsAdmin, clock: ManualClock) -> None:
        acme = widget.account("acme")
        number, before = _offer(acme), _numbers(acme)
        recruiter = signed_in(widget, clock, user="dee")
        fields = {"csrf_token": csrf_of(recruiter, "/web/optouts"), "number": number}
        answer = recruiter.post(PAGE, data={**fields, "user_id": "dee", "accept_terms": "yes"})
        assert 403 == answer.status_code
        assert "Marketplace Admin" in answer.text
        assert before == _numbers(acme)
