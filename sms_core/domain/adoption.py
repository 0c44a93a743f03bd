"""What an account already holds at its carrier, as the carrier reports it, for adoption.

An agency that texted before it used the SDK owns numbers, and maybe a registered brand,
campaign and messaging service, at its carrier. Adoption brings them in without buying or
registering anything again: the numbers become lines (their webhooks pointed at the SDK), and
the registration starts from where the carrier says each step stands.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from sms_core.domain.numbers import NumberCapabilities, ProvisionedNumber
from sms_core.domain.phone import PhoneNumber
from sms_core.domain.registration import RegistrationState

__all__ = ["AdoptableNumber", "HeldRegistration"]


@attrs.frozen(kw_only=True)
class AdoptableNumber:
    """A number the account holds at its carrier and that is no line yet, of any account.

    Attributes:
        held: The number as the carrier lists it, its webhook URLs as the carrier has them.
        points_elsewhere: Whether its inbound-text or call webhook points somewhere other
            than the SDK's webhook app (another system still answers it); adopting it
            repoints both.
    """

    held: ProvisionedNumber
    points_elsewhere: bool

    @property
    def number(self) -> PhoneNumber:
        """The phone number."""
        return self.held.number

    @property
    def capabilities(self) -> NumberCapabilities:
        """What the number can do at its carrier."""
        return self.held.capabilities


@attrs.frozen(kw_only=True, eq=True, hash=False)
class HeldRegistration:
    """A brand, campaign or messaging service the carrier holds for the account.

    Attributes:
        state: Where the step stands at the carrier, its ``provider_ref`` in the form the
            adapter's ``sms_fetch_registration`` takes (so ``sync`` can follow it).
        parent_ref: The ``provider_ref`` of what it belongs to: a campaign's brand, a
            messaging service's campaign; ``None`` for a brand, and for a messaging service
            that holds no campaign.
        fields: What the carrier reports about it, for people to check they adopt the right
            one (a brand's name, a campaign's use case), by the carrier's field names.
    """

    state: RegistrationState
    parent_ref: str | None = None
    fields: Mapping[str, str] = attrs.field(factory=dict)
