"""*Purchase New Phone Numbers* (the HCM widget): search, choose users, agree, buy.

The search form offers the country and the filters the account's carrier declares
(``ProviderCapabilities.search_filters``) among area code, state/region and zip/postal code;
a filter the carrier does not declare is not offered (and the service refuses it all the
same). The results are a form: pick a number, tick one or several users (active, on no number
yet), then Purchase shows the subscription terms, and Agree buys it. The filters are no phone
numbers, so the search is a GET; the number picked and the users travel in POST bodies only.
The seed's advice, "Leave the Zip/Postal Code blank. Entering a zip code may return zero
results. If needed, try multiple nearby area codes.", is the postal code field's help text
(``aria-describedby``); a search that finds nothing says what to try
(:func:`~sms_core.services.numbers.no_offers_hint`) and, when it had a postal code, links to
the same search with the postal code cleared.
Every refusal (terms not agreed, too many users for one number, a user who has a line, an
invalid area code) is the service's typed error on the error page, and nothing is bought.
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.routing import Route

from sms_core.domain import NumberQuery, PhoneNumber, SearchFilter
from sms_core.services.numbers import no_offers_hint
from sms_core.web.numbers import available_users, named_like
from sms_core.web.views import Given, Redirect, Screen, Visit, endpoint

__all__ = ["OFFERED_FILTERS", "ROUTES"]

#: The search filters the screen can offer, in the seed's order; each is shown only when the
#: account's carrier declares it.
OFFERED_FILTERS = (SearchFilter.AREA_CODE, SearchFilter.REGION, SearchFilter.POSTAL_CODE)


def search(visit: Visit, given: Given) -> Screen:
    """The search form and, once searched (``?country=``), the numbers for sale to pick from."""
    capabilities = visit.account.numbers.search_capabilities(viewer_id=visit.actor_id)
    filters = [item for item in OFFERED_FILTERS if item in capabilities.search_filters]
    searched = "country" in given.query
    # Every filter the URL carries goes to the service, which refuses an undeclared one.
    typed = {item.value: given.query.get(item.value, "").strip() for item in OFFERED_FILTERS}
    country = given.query.get("country", "US").strip() or "US"
    offers = None
    hint = ""
    without_postal_code = ""
    if searched:
        query = NumberQuery(
            country=country,
            area_code=typed.get("area_code"),
            region=typed.get("region"),
            postal_code=typed.get("postal_code"),
        )
        offers = visit.account.numbers.search(visit.actor_id, query)
        hint = "" if offers else no_offers_hint(query)
        if not offers and query.postal_code is not None:
            # The seed's advice as a link: the same search with the postal code cleared.
            kept = {key: value for key, value in given.query.items() if key != "postal_code"}
            without_postal_code = urlencode(kept)
    return Screen(
        template="purchase.html",
        context={
            "countries": sorted(capabilities.countries),
            "country": country,
            "filters": [item.value for item in filters],
            "typed": typed,
            "offers": offers,
            "hint": hint,
            "without_postal_code": without_postal_code,
            "user_name": given.query.get("user_name", ""),
            "users": named_like(available_users(visit), given.query.get("user_name", ""))
            if offers
            else [],
        },
        title="Purchase New Phone Numbers",
    )


def terms(visit: Visit, given: Given) -> Screen:
    """The subscription terms for the picked number and users, to agree to before buying.

    Raises:
        PermissionDeniedError: When the signed-in user may not buy numbers (only admins).
        InvalidPhoneNumberError: When the form's number is no valid number.
    """
    visit.account.numbers.search_capabilities(viewer_id=visit.actor_id)  # admins only
    number = PhoneNumber.coerce(given.field("number"))
    chosen = set(given.fields("user_id"))
    users = [user for user in visit.account.users.list() if user.id in chosen]
    return Screen(
        template="purchase_terms.html",
        context={"number": number.e164, "users": users, "user_ids": sorted(chosen)},
        title="Subscription terms",
    )


def purchase(visit: Visit, given: Given) -> Redirect:
    """Buy the number for the users, the subscription terms agreed to (Agree)."""
    visit.account.numbers.purchase(
        visit.actor_id,
        given.field("number"),
        list(given.fields("user_id")),
        accept_terms=given.field("accept_terms") == "yes",
    )
    return Redirect(to="/numbers?done=bought")


ROUTES = [
    Route("/numbers/buy", endpoint(search), methods=["GET"], name="numbers-search"),
    Route("/numbers/buy/terms", endpoint(terms), methods=["POST"], name="numbers-buy-terms"),
    Route("/numbers/buy", endpoint(purchase), methods=["POST"], name="numbers-buy"),
]
