"""The audit trail of admin actions."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum

import attrs

__all__ = ["AuditAction", "AuditEntry"]


class AuditAction(StrEnum):
    """The admin actions the audit trail records."""

    #: A number was bought for users or a seat.
    PURCHASE = "purchase"
    #: A user was put on a line.
    ASSIGN = "assign"
    #: A user was taken off a line.
    UNASSIGN = "unassign"
    #: A line moved from one user to another.
    REALLOCATE = "reallocate"
    #: A line's forwarding number was set or cleared.
    FORWARD = "forward"
    #: A number was released and left the provisioned list.
    DEACTIVATE = "deactivate"
    #: A seat was created.
    CREATE_SEAT = "create_seat"
    #: The privacy policy and terms and conditions URLs were saved.
    SET_POLICY_SETTINGS = "set_policy_settings"
    #: A registration started: the brand was submitted, the campaign form kept for later.
    REGISTER = "register"
    #: A failed step was fixed and submitted again.
    RESUBMIT = "resubmit"
    #: ``sync`` submitted a step whose previous step was approved.
    SUBMIT_STEP = "submit_step"
    #: ``sync`` found a step approved or failed at the carrier.
    STEP_DECIDED = "step_decided"
    #: The registry was asked to send a step's confirmation (2FA e-mail, OTP text) again.
    RESEND_CONFIRMATION = "resend_confirmation"
    #: A number was attached to the approved messaging service and became registered.
    REGISTER_NUMBER = "register_number"
    #: A candidate's opt-out was lifted by a user, with the reason they gave.
    LIFT_OPT_OUT = "lift_opt_out"
    #: The account's non-secret carrier settings were changed.
    SET_PROVIDER_SETTINGS = "set_provider_settings"
    #: A user recorded how a candidate agreed to texts (a consent record).
    RECORD_CONSENT = "record_consent"
    #: The account's rule "a consent record before the first text to a number" was turned on
    #: or off.
    SET_CONSENT_REQUIRED = "set_consent_required"
    #: A template was added.
    CREATE_TEMPLATE = "create_template"
    #: A template's name, body or sample flag was changed.
    UPDATE_TEMPLATE = "update_template"
    #: A template was removed.
    DELETE_TEMPLATE = "delete_template"
    #: An admin exported records (which kind, the range and the format; never the content).
    EXPORT = "export"
    #: An admin erased a candidate's number and texts (how many rows; never the number).
    ERASE = "erase"
    #: A number the account already held at its carrier became a line, its webhooks repointed.
    ADOPT_NUMBER = "adopt_number"
    #: A brand, campaign and messaging service registered outside the SDK were taken over.
    ADOPT_REGISTRATION = "adopt_registration"
    #: A scheduled send still waiting was cancelled, by its recruiter or an admin (the
    #: candidate's number, the scheduled send and its due time; never the text).
    CANCEL_SCHEDULED_SEND = "cancel_scheduled_send"


@attrs.frozen(kw_only=True)
class AuditEntry:
    """Who did what, when, and the state before and after.

    Attributes:
        actor_id: The acting user's id; ``"smsadmin:sync"`` for what ``sync`` did on its own,
            ``"smsadmin:operator"`` for a change made through the SDK or ``smsadmin`` itself.
        target: What the action was about: a number in E.164 form, a seat id, a registration
            step (``"brand"``) or ``"policy_settings"``.
        before: The target's relevant state before the action (``None`` when it did not exist).
        after: The same state after the action (``None`` when it ceased to exist).
    """

    id: int
    account_id: str
    at: datetime
    actor_id: str
    action: AuditAction
    target: str
    before: Mapping[str, object] | None = None
    after: Mapping[str, object] | None = None
