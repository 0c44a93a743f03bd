"""What an installed carrier adapter says about itself."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

import attrs

from sms_core.domain.numbers import NumberQuery, NumberType

__all__ = ["DEFAULT_SEARCH_FILTERS", "ProviderCapabilities", "ProviderInfo", "SearchFilter"]


class SearchFilter(StrEnum):
    """A filter of a number search (a field of :class:`NumberQuery`) a carrier may not offer.

    Country and number type are declared on their own (``countries``, ``number_types``); a
    query always has them.
    """

    #: ``NumberQuery.area_code``.
    AREA_CODE = "area_code"
    #: ``NumberQuery.region``, a state or province.
    REGION = "region"
    #: ``NumberQuery.postal_code``.
    POSTAL_CODE = "postal_code"
    #: ``NumberQuery.contains``, a pattern in the number.
    CONTAINS = "contains"
    #: ``NumberQuery.locality``, a city or town. Not among the defaults of
    #: ``ProviderCapabilities.search_filters``: a carrier declares it to be searched by it.
    LOCALITY = "locality"

    @classmethod
    def used_by(cls, query: NumberQuery) -> frozenset[SearchFilter]:
        """The filters ``query`` sets (its optional fields that are not empty)."""
        return frozenset(item for item in cls if getattr(query, item.value) is not None)


#: The filters ``ProviderCapabilities.search_filters`` declares by default: those of 0.1. A
#: filter added later (``LOCALITY``) is never declared for an adapter that does not know it,
#: so the core refuses it rather than let that adapter ignore it.
DEFAULT_SEARCH_FILTERS = frozenset(
    {SearchFilter.AREA_CODE, SearchFilter.REGION, SearchFilter.POSTAL_CODE, SearchFilter.CONTAINS}
)


@attrs.frozen(kw_only=True)
class ProviderCapabilities:
    """What a carrier adapter can do; the core plans around it.

    Attributes:
        max_concurrent_sends: How many sends may be in flight at once for one account.
        max_body_characters: The longest body the carrier accepts.
        countries: ISO codes of the countries whose numbers can be searched and bought.
        number_types: The kinds of number that can be searched.
        answers_help: Whether the carrier itself replies to a help keyword it reports
            (``InboundMessage.carrier_keyword`` is ``KeywordClass.HELP``); the SDK then sends
            no second reply.
        queue_validity: How long the carrier keeps trying a text it accepted before it gives
            up on it. A text whose send answer was lost and that the carrier still does not
            list after this (plus a margin) never reached it; before then, a carrier whose
            message list lags may simply not show it yet.
        brand_verticals: The brand verticals (``BrandProfile.vertical``, The Campaign
            Registry's words such as ``HUMAN_RESOURCES``) the carrier can register a brand
            under, upper case; ``None`` when the adapter passes any vertical through. The
            registration lint refuses a vertical outside this set before anything is sent.
        search_filters: The number search filters the carrier honours exactly; by default
            :data:`DEFAULT_SEARCH_FILTERS` (all but ``LOCALITY``, which is declared). The
            core refuses a search using any other with ``InvalidQueryError`` before the
            adapter is called, rather than let it widen or ignore the filter.
        signature_covers_url: Whether the carrier's webhook signature covers the URL the
            request was sent to, so a signed request replayed to another URL (another query
            string, another host) fails verification. ``False`` for a carrier that signs
            only the body and a time; then ``signature_max_age`` must bound replays.
        signature_max_age: How old a signed webhook may be before verification refuses it,
            for a carrier whose signature covers the time it was made; ``None`` when the
            signature carries no time.
        adopts_existing: Whether the adapter lists the numbers an account already holds at
            the carrier and adopts them (``sms_list_numbers``, ``sms_adopt_number``), and
            reads an existing brand, campaign and messaging service
            (``sms_lookup_registration``). ``False`` by default: the adoption contract then
            checks that the core refuses adoption with ``UnsupportedFeatureError``.
    """

    max_concurrent_sends: int
    max_body_characters: int = 1600
    countries: frozenset[str] = frozenset({"US"})
    number_types: frozenset[NumberType] = frozenset({NumberType.LOCAL})
    answers_help: bool = False
    queue_validity: timedelta = timedelta(hours=10)
    brand_verticals: frozenset[str] | None = None
    search_filters: frozenset[SearchFilter] = DEFAULT_SEARCH_FILTERS
    signature_covers_url: bool = True
    signature_max_age: timedelta | None = None
    adopts_existing: bool = False


@attrs.frozen(kw_only=True)
class ProviderInfo:
    """An installed carrier adapter.

    Attributes:
        name: What ``Account.provider`` says to choose this adapter.
    """

    name: str
    description: str
    capabilities: ProviderCapabilities
