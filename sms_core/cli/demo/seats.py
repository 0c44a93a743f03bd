"""Part 2 of the demo: the ATS's seats, each with a number, up to three users and an allowance."""

from __future__ import annotations

from sms_core.cli import render
from sms_core.cli.demo.setting import (
    ADMINISTRATION,
    CANDIDATE_PROFILE,
    SEAT_HOST,
    create_account,
    show_users,
)
from sms_core.cli.narration import Narrator
from sms_core.cli.numbers import show_offers
from sms_core.domain import NumberQuery
from sms_core.exceptions import (
    LineFullError,
    UserAlreadyHasLineError,
)
from sms_core.services import SmsAdmin

__all__ = ["seat_story"]


def seat_story(story: Narrator, sdk: SmsAdmin, carrier_state: str) -> None:
    """Tell part 2: seats with a number, up to three users and an allowance."""
    story.part(f"Part 2 · ATS seats (host {SEAT_HOST!r}): a number per seat, three users each")

    story.step("Create the account and sync users: an administrator and four recruiters")
    account = create_account(story, sdk, "northwind-ats", carrier_state)
    seats, users = account.seats, account.users
    admin = "u-riley"
    users.upsert(admin, first_name="Riley", last_name="Chen", permissions=[ADMINISTRATION])
    recruiters = {
        "u-eli": "Eli Brooks",
        "u-fay": "Fay Nguyen",
        "u-gus": "Gus Patel",
        "u-hana": "Hana Ito",
    }
    for user_id, full_name in recruiters.items():
        first_name, last_name = full_name.split()
        users.upsert(
            user_id, first_name=first_name, last_name=last_name, permissions=[CANDIDATE_PROFILE]
        )
    show_users(story, account)

    story.step("Create two seats")
    seat_1 = seats.create(admin, "Seat 1").id
    seat_2 = seats.create(admin, "Seat 2", monthly_allowance=500).id
    story.show(render.seats_table(seats.list()))

    story.step("Seat 1: Auto Assign Number")
    summary = seats.auto_assign(admin, seat_1, accept_terms=True)
    story.done(f"Seat 1 texts from {summary.line.number if summary.line else 'nothing'}")

    story.step("Seat 2: Choose Number in area code 512, then Complete Setup")
    offers = seats.generate_numbers(admin, "512")
    show_offers(story.console, offers, NumberQuery(area_code="512"))
    seats.complete_setup(admin, seat_2, offers[0].number, accept_terms=True)
    story.show(render.seats_table(seats.list()))

    def seats_and_audit() -> object:
        return seats.list(), account.audit.list()

    story.step("Assign three users to Seat 1")
    seats.assign_users(admin, seat_1, ["u-eli", "u-fay", "u-gus"])
    story.show(render.seats_table(seats.list()))

    story.step("Assign a fourth user to Seat 1: three is the limit")
    story.refused(
        LineFullError,
        lambda: seats.assign_users(admin, seat_1, ["u-hana"]),
        state=seats_and_audit,
        what="the seats or the audit trail",
    )

    story.step("Put Eli on Seat 2 as well: a user has one seat at a time")
    story.refused(
        UserAlreadyHasLineError,
        lambda: seats.assign_users(admin, seat_2, ["u-eli"]),
        state=seats_and_audit,
        what="the seats or the audit trail",
    )

    story.step("Hana goes on Seat 2; the seats with their remaining / total allowance")
    seats.assign_users(admin, seat_2, ["u-hana"])
    story.show(render.seats_table(seats.list()))
    policy = sdk.hooks.host_policy(account.account)
    story.show(f"Allowance: {render.allowance_policy_text(policy)}")
