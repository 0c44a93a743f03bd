"""Adopting a brand, campaign and messaging service registered outside the SDK.

The registration's state machine starts from what the carrier reports for each step: an
approved step is approved (green), one under review is in review, a failed one shows the
carrier's reasons. From there the usual ``sync`` keeps it current. The three ids must belong
together at the carrier (the campaign under the brand, the service holding the campaign),
else nothing is stored. The messaging service is pointed at the SDK's webhooks (as its
submission would) once the campaign is approved: at once when it is, else by ``sync`` when the
carrier approves it; a failed service is kept failed, and its resubmission points it. The
SDK holds no form for an adopted brand or campaign: resubmitting one that failed takes the
fixed form.
"""

from __future__ import annotations

from sms_core import inputs
from sms_core.domain import (
    AuditAction,
    HeldRegistration,
    RegistrationState,
    RegistrationStep,
    StepStatus,
    User,
)
from sms_core.exceptions import AdoptionMismatchError, StoreConflict
from sms_core.services import host_events
from sms_core.services import registration_rules as rules
from sms_core.services.context import AccountContext
from sms_core.services.registration_sync import StepSubmitter
from sms_core.store import registrations as registration_store
from sms_core.store.adopted_registrations import insert_adopted_registration

__all__ = ["adopt_registration", "carrier_id"]

#: The longest carrier id accepted: the registration's provider_ref column holds 128 characters.
_ID_LENGTH = 128


def carrier_id(field: str, value: object) -> str:
    """A brand, campaign or service id as typed: text without spaces around it.

    Raises:
        InvalidFieldError: When it is empty, too long or not text.
    """
    return inputs.visible_text(field, value, max_length=_ID_LENGTH).strip()


def adopt_registration(
    context: AccountContext,
    submitter: StepSubmitter,
    actor: User,
    *,
    brand_id: str,
    campaign_id: str,
    service_id: str,
) -> None:
    """Store the carrier's brand, campaign and service as the account's registration.

    Raises:
        RegistrationExistsError: When the account has a registration already.
        AdoptionMismatchError: When the ids do not belong together at the carrier.
        ProviderNotFoundError: When the carrier does not know one of them.
        UnsupportedFeatureError: When the account's carrier cannot read them.
    """
    with context.database.transaction() as connection:
        steps = registration_store.load_steps(connection, context.account.id)
    status = registration_store.registration_status(context.account.id, steps)
    if status.overall is not StepStatus.NOT_STARTED:
        raise rules.exists(status)
    brand, campaign, service = context.hooks.lookup_registration(
        context.account, brand_id, campaign_id, service_id
    )
    _check_together(brand, campaign, service, (brand_id, campaign_id, service_id))
    service_state: RegistrationState | None = None
    if service.state.status is StepStatus.FAILED:
        service_state = service.state  # its resubmission points it at the SDK
    elif campaign.state.status is StepStatus.APPROVED:
        # Point the service at the SDK now, as its submission would have.
        service_state = context.hooks.submit_messaging_service(
            context.account,
            campaign.state.provider_ref,
            context.webhooks.service_settings(context.account),
        )
    states = {
        RegistrationStep.BRAND: brand.state,
        RegistrationStep.CAMPAIGN: campaign.state,
        RegistrationStep.MESSAGING_SERVICE: service_state,
    }
    try:
        with context.database.transaction() as connection:
            insert_adopted_registration(connection, context.account.id, states, context.now())
            for state in states.values():
                if state is not None:
                    host_events.step_changed(context, connection, StepStatus.NOT_STARTED, state)
            submitter.audit(
                connection,
                actor=actor,
                action=AuditAction.ADOPT_REGISTRATION,
                target="registration",
                before=None,
                after={
                    step.value: {
                        "provider_ref": held.state.provider_ref,
                        "status": (state.status if state else StepStatus.NOT_STARTED).value,
                        "raw_status": held.state.raw_status,
                        "fields": dict(held.fields),
                    }
                    for (step, state), held in zip(
                        states.items(), (brand, campaign, service), strict=True
                    )
                },
            )
    except StoreConflict as err:
        with context.database.transaction() as connection:
            steps = registration_store.load_steps(connection, context.account.id)
        raise rules.exists(
            registration_store.registration_status(context.account.id, steps)
        ) from err


def _check_together(
    brand: HeldRegistration,
    campaign: HeldRegistration,
    service: HeldRegistration,
    given: tuple[str, str, str],
) -> None:
    brand_id, campaign_id, service_id = given
    if campaign.parent_ref != brand.state.provider_ref:
        raise AdoptionMismatchError(
            f"campaign {campaign_id!r} is registered under brand {campaign.parent_ref!r} at the "
            f"carrier, not under {brand_id!r}; give the campaign's own brand"
        )
    if service.parent_ref != campaign.state.provider_ref:
        held = service.parent_ref or "no campaign"
        raise AdoptionMismatchError(
            f"messaging service {service_id!r} holds {held} at the carrier, not campaign "
            f"{campaign_id!r}; give the service the campaign is registered in"
        )
