"""Reading a brand, campaign and Messaging Service registered outside the SDK, for adoption.

An agency that registered in the Twilio Console knows three ids: the brand's ``BN…``
(``BrandRegistration``), the campaign's ``QE…`` (a ``UsAppToPerson``, which Twilio addresses
only through its Messaging Service: ``/v1/Services/{MG…}/Compliance/Usa2p/{QE…}``) and the
service's ``MG…``. Each is read as :func:`sms_twilio.registration.fetch_registration` reads
it, with what it belongs to: a campaign's ``brand_registration_sid``, and the campaign in a
service (a Messaging Service holds one A2P campaign). Field names are those of the
``messaging.v1.brand_registrations``, ``messaging.v1.service.us_app_to_person`` and
``messaging.v1.service`` schemas in twilio-oai's ``twilio_messaging_v1.json``.
"""

from __future__ import annotations

from typing import Any

from sms_core.domain import HeldRegistration
from sms_twilio import errors
from sms_twilio.client import TwilioClient
from sms_twilio.registration import CampaignRef, brand_state, campaign_state, service_state
from sms_twilio.resources import optional_text
from sms_twilio.settings import sid_pattern

__all__ = ["lookup_registration"]

_BRAND_FIELDS = ("status", "brand_type", "identity_status", "tcr_id", "brand_score")
_CAMPAIGN_FIELDS = ("campaign_status", "us_app_to_person_usecase", "campaign_id", "description")
_SERVICE_FIELDS = ("friendly_name", "inbound_request_url", "us_app_to_person_registered")
_BRAND_SID = sid_pattern("BN")
_CAMPAIGN_SID = sid_pattern("QE")
_SERVICE_SID = sid_pattern("MG")


def lookup_registration(
    client: TwilioClient, brand_ref: str, campaign_ref: str, service_ref: str
) -> list[HeldRegistration]:
    """The brand, campaign and Messaging Service under these ids, as Twilio reports them.

    Args:
        campaign_ref: The campaign's ``QE…`` (found in ``service_ref``), or the SDK's own
            ``MG…/QE…``.

    Raises:
        ProviderNotFoundError: When an id is not of its kind, or Twilio does not know it.
    """
    if not _BRAND_SID.fullmatch(brand_ref):
        raise errors.not_found(f"brand id {brand_ref!r} (expected 'BN…')")
    if not _SERVICE_SID.fullmatch(service_ref):
        raise errors.not_found(f"messaging service id {service_ref!r} (expected 'MG…')")
    if _CAMPAIGN_SID.fullmatch(campaign_ref):
        campaign_ref = f"{service_ref}/{campaign_ref}"
    ref = CampaignRef.parse(campaign_ref)
    services = client.messaging.v1.services
    brand = client.messaging.v1.brand_registrations(brand_ref).fetch()
    campaign = services(ref.service_sid).us_app_to_person(ref.campaign_sid).fetch()
    service = services(service_ref).fetch()
    in_service = services(service_ref).us_app_to_person.list(limit=1)
    held_campaign = in_service[0] if in_service else None
    return [
        HeldRegistration(
            state=brand_state(brand),
            parent_ref=None,
            fields=_fields(brand, _BRAND_FIELDS),
        ),
        HeldRegistration(
            state=campaign_state(campaign, ref.service_sid),
            parent_ref=optional_text(campaign.brand_registration_sid),
            fields=_fields(campaign, _CAMPAIGN_FIELDS),
        ),
        HeldRegistration(
            state=service_state(service_ref, held_campaign),
            parent_ref=(
                str(CampaignRef(service_ref, str(held_campaign.sid)))
                if held_campaign is not None
                else None
            ),
            fields=_fields(service, _SERVICE_FIELDS),
        ),
    ]


def _fields(resource: Any, names: tuple[str, ...]) -> dict[str, str]:
    """The named fields Twilio filled in, as text."""
    found = {name: optional_text(getattr(resource, name, None)) for name in names}
    return {name: value for name, value in found.items() if value is not None}
