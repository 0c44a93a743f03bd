"""Brand, campaign and messaging-service reviews, run on the carrier clock.

A submission starts a review that ends one review time later on the carrier clock. It ends
approved, unless a failure was planned for that step (``fail_next``): the next submission of
the step takes the oldest planned failure and ends failed with its reason and code. A new
review time applies to reviews started after it is set.

A brand a person must confirm (a sole proprietor: a one-time code texted to the owner's
mobile; a public company: a 2FA e-mail to its brand contact, as The Campaign Registry asks)
is ``UNCONFIRMED`` after passing review, and approved only once confirmed (:func:`confirm`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from datetime import datetime, timedelta

from sms_core.domain import NumberSettings, RegistrationFailure, RegistrationStep
from sms_fake.carrier_time import from_micros, to_micros
from sms_fake.errors import conflict, not_found
from sms_fake.records import Registration
from sms_fake.sids import SidKind, new_sid
from sms_fake.statuses import BrandStatus, CampaignStatus, ServiceStatus
from sms_fake.store import read_setting, write_setting

__all__ = [
    "DEFAULT_REVIEW_TIMES",
    "FINAL_FAILURE_CODES",
    "confirm",
    "confirmations_sent",
    "is_approved",
    "load",
    "load_step",
    "plan_failure",
    "require_approved",
    "resend_confirmation",
    "restart",
    "review_time",
    "service_settings",
    "set_review_time",
    "submit",
]

#: How long each review takes on the carrier clock unless set otherwise: a brand about an
#: hour, a campaign a few hours, a messaging service up to a day (the seeds say up to two).
DEFAULT_REVIEW_TIMES: Mapping[RegistrationStep, timedelta] = {
    RegistrationStep.BRAND: timedelta(hours=1),
    RegistrationStep.CAMPAIGN: timedelta(hours=4),
    RegistrationStep.MESSAGING_SERVICE: timedelta(days=1),
}

# The carrier's words for each step: under review, approved, failed.
_WORDS: Mapping[RegistrationStep, tuple[str, str, str]] = {
    RegistrationStep.BRAND: (BrandStatus.PENDING, BrandStatus.APPROVED, BrandStatus.FAILED),
    RegistrationStep.CAMPAIGN: (
        CampaignStatus.IN_PROGRESS,
        CampaignStatus.VERIFIED,
        CampaignStatus.FAILED,
    ),
    RegistrationStep.MESSAGING_SERVICE: (
        ServiceStatus.PENDING,
        ServiceStatus.ACTIVE,
        ServiceStatus.FAILED,
    ),
}

_SID_KINDS = {
    RegistrationStep.BRAND: SidKind.BRAND,
    RegistrationStep.CAMPAIGN: SidKind.CAMPAIGN,
    RegistrationStep.MESSAGING_SERVICE: SidKind.SERVICE,
}


def review_time(conn: sqlite3.Connection, step: RegistrationStep) -> timedelta:
    """How long a review of ``step`` started now takes on the carrier clock."""
    stored = read_setting(conn, _review_key(step))
    return timedelta(microseconds=int(stored)) if stored else DEFAULT_REVIEW_TIMES[step]


def set_review_time(conn: sqlite3.Connection, step: RegistrationStep, duration: timedelta) -> None:
    """Make later reviews of ``step`` take ``duration``.

    Raises:
        ValueError: When ``duration`` is negative.
    """
    if duration < timedelta(0):
        raise ValueError(f"a review cannot take a negative time, got {duration}")
    write_setting(conn, _review_key(step), str(duration // timedelta(microseconds=1)))


#: The sandbox speaks Twilio's registration error codes; after 30885 (a brand or campaign
#: refused as high risk or fraud, https://www.twilio.com/docs/api/errors/30885) a step takes no
#: resubmission, so a failure with it is ``final``.
FINAL_FAILURE_CODES = frozenset({"30885"})


def plan_failure(
    conn: sqlite3.Connection, account_id: str, step: RegistrationStep, failure: RegistrationFailure
) -> None:
    """Make a later submission of ``step`` by the account fail (planned failures queue up)."""
    conn.execute(
        "INSERT INTO planned_failures (account_id, step, reason, code, field) "
        "VALUES (?, ?, ?, ?, ?)",
        (account_id, step.value, failure.reason, failure.code, failure.field),
    )


def submit(
    conn: sqlite3.Connection,
    *,
    account_id: str,
    step: RegistrationStep,
    label: str,
    parent_sid: str | None,
    now: datetime,
    settings: NumberSettings | None = None,
    needs_confirmation: bool = False,
) -> Registration:
    """Start the review of a new submission (a brand its person must then confirm or not)."""
    sid = new_sid(_SID_KINDS[step])
    conn.execute(
        "INSERT INTO registrations (sid, account_id, step, parent_sid, label, submitted_us, "
        "decided_us, sms_url, status_callback_url, awaiting_confirmation) "
        "VALUES (?, ?, ?, ?, ?, 0, 0, ?, ?, ?)",
        (
            sid,
            account_id,
            step.value,
            parent_sid,
            label,
            settings.sms_url if settings else None,
            settings.status_callback_url if settings else None,
            int(needs_confirmation),
        ),
    )
    _start_review(conn, account_id, step, sid, now)
    return load(conn, account_id, sid, now)


def restart(
    conn: sqlite3.Connection,
    registration: Registration,
    label: str,
    now: datetime,
    *,
    needs_confirmation: bool = False,
) -> Registration:
    """Review a failed submission again under the same id; other states are left as they are."""
    if registration.status != _WORDS[registration.step][2]:
        return registration
    conn.execute(
        "UPDATE registrations SET label = ?, awaiting_confirmation = ? WHERE sid = ?",
        (label, int(needs_confirmation), registration.sid),
    )
    _start_review(conn, registration.account_id, registration.step, registration.sid, now)
    return load(conn, registration.account_id, registration.sid, now)


def load(conn: sqlite3.Connection, account_id: str, sid: str, now: datetime) -> Registration:
    """The account's registration ``sid`` as the carrier sees it at ``now``.

    Raises:
        ProviderNotFoundError: When the account submitted no such registration.
    """
    row = conn.execute(
        "SELECT * FROM registrations WHERE sid = ? AND account_id = ?", (sid, account_id)
    ).fetchone()
    if row is None:
        raise not_found(f"registration {sid!r} of account {account_id!r}")
    step = RegistrationStep(row["step"])
    reviewing, approved, failed = _WORDS[step]
    decided_at = from_micros(row["decided_us"])
    failure = None
    if now < decided_at:
        status = reviewing
    elif row["failure_reason"] is not None:
        status = failed
        failure = RegistrationFailure(
            reason=row["failure_reason"],
            code=row["failure_code"],
            field=row["failure_field"],
            final=row["failure_code"] in FINAL_FAILURE_CODES,
        )
    elif row["awaiting_confirmation"]:
        status = BrandStatus.UNCONFIRMED
    else:
        status = approved
    return Registration(
        sid=sid,
        account_id=account_id,
        step=step,
        status=str(status),
        parent_sid=row["parent_sid"],
        label=row["label"],
        submitted_at=from_micros(row["submitted_us"]),
        decided_at=decided_at,
        failure=failure,
    )


def load_step(
    conn: sqlite3.Connection, account_id: str, step: RegistrationStep, sid: str, now: datetime
) -> Registration:
    """Like :func:`load`, for a ``sid`` that must be of ``step``.

    Raises:
        ProviderNotFoundError: When the account has no such registration of that step.
    """
    registration = load(conn, account_id, sid, now)
    if registration.step is not step:
        raise not_found(f"{step.words} {sid!r} of account {account_id!r}")
    return registration


def require_approved(
    conn: sqlite3.Connection, account_id: str, step: RegistrationStep, sid: str, now: datetime
) -> Registration:
    """The account's registration ``sid`` of ``step``, which must have been approved.

    Raises:
        ProviderNotFoundError: When the account has no such registration of that step.
        ProviderError: When it is not approved (code 20409).
    """
    registration = load_step(conn, account_id, step, sid, now)
    if not is_approved(registration):
        raise conflict(
            f"{step.words} {sid} is {registration.status}; the next step can only be "
            "submitted once it is approved"
        )
    return registration


def confirm(conn: sqlite3.Connection, registration: Registration) -> None:
    """The brand's person confirmed (replied to the text, followed the e-mail link).

    Raises:
        ProviderError: When the brand waits for no confirmation (code 20409).
    """
    _require_unconfirmed(registration, "confirm")
    conn.execute(
        "UPDATE registrations SET awaiting_confirmation = 0 WHERE sid = ?", (registration.sid,)
    )


def resend_confirmation(conn: sqlite3.Connection, registration: Registration) -> None:
    """Send the brand's confirmation (text or e-mail) again; the earlier one no longer counts.

    Raises:
        ProviderError: When the brand waits for no confirmation (code 20409).
    """
    _require_unconfirmed(registration, "resend the confirmation of")
    conn.execute(
        "UPDATE registrations SET confirmations_sent = confirmations_sent + 1 WHERE sid = ?",
        (registration.sid,),
    )


def confirmations_sent(conn: sqlite3.Connection, sid: str) -> int:
    """How often a brand's confirmation was sent again."""
    row = conn.execute("SELECT confirmations_sent FROM registrations WHERE sid = ?", (sid,))
    found = row.fetchone()
    return int(found["confirmations_sent"]) if found else 0


def _require_unconfirmed(registration: Registration, what: str) -> None:
    if registration.status != BrandStatus.UNCONFIRMED:
        raise conflict(
            f"cannot {what} brand {registration.sid}: it is {registration.status}, and only a "
            "brand that passed review and waits for its person's confirmation can be confirmed"
        )


def is_approved(registration: Registration) -> bool:
    """Whether the step passed its review (brand approved, campaign verified, service active)."""
    return registration.status == _WORDS[registration.step][1]


def service_settings(conn: sqlite3.Connection, sid: str | None) -> NumberSettings:
    """The webhook URLs a messaging service gives the numbers in its pool (none for ``None``)."""
    if sid is None:
        return NumberSettings()
    row = conn.execute(
        "SELECT sms_url, status_callback_url FROM registrations WHERE sid = ?", (sid,)
    ).fetchone()
    if row is None:
        return NumberSettings()
    return NumberSettings(sms_url=row["sms_url"], status_callback_url=row["status_callback_url"])


def _start_review(
    conn: sqlite3.Connection, account_id: str, step: RegistrationStep, sid: str, now: datetime
) -> None:
    planned = conn.execute(
        "SELECT * FROM planned_failures WHERE account_id = ? AND step = ? ORDER BY id LIMIT 1",
        (account_id, step.value),
    ).fetchone()
    if planned is not None:
        conn.execute("DELETE FROM planned_failures WHERE id = ?", (planned["id"],))
    conn.execute(
        "UPDATE registrations SET submitted_us = ?, decided_us = ?, failure_reason = ?, "
        "failure_code = ?, failure_field = ? WHERE sid = ?",
        (
            to_micros(now),
            to_micros(now + review_time(conn, step)),
            planned["reason"] if planned else None,
            planned["code"] if planned else None,
            planned["field"] if planned else None,
            sid,
        ),
    )


def _review_key(step: RegistrationStep) -> str:
    return f"review.{step.value}_us"
