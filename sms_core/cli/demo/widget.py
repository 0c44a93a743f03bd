"""Part 1 of the demo: the HCM widget's numbers, bought for recruiters, shared and re-allocated."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sms_core.cli import render
from sms_core.cli.demo.setting import (
    MARKETPLACE_ADMIN,
    WIDGET_HOST,
    create_account,
    search,
    show_users,
)
from sms_core.cli.narration import Narrator
from sms_core.domain import NumberQuery
from sms_core.exceptions import (
    InvalidPhoneNumberError,
    TermsNotAcceptedError,
    UserAlreadyHasLineError,
)
from sms_core.presentation import audit_names
from sms_core.services import AccountAdmin, SmsAdmin

if TYPE_CHECKING:
    from rich.table import Table

__all__ = ["widget_story"]


def widget_story(story: Narrator, sdk: SmsAdmin, carrier_state: str) -> None:
    """Tell part 1: numbers bought for recruiters, shared and re-allocated."""
    story.part(f"Part 1 · HCM widget (host {WIDGET_HOST!r}): numbers for recruiters")

    story.step("Create the account on the sandbox carrier")
    account = create_account(story, sdk, "northwind", carrier_state)
    numbers, users = account.numbers, account.users

    story.step("Sync users from the HCM: a Marketplace Admin and three recruiters")
    admin = "u-morgan"
    users.upsert(admin, first_name="Morgan", last_name="Reyes", permissions=[MARKETPLACE_ADMIN])
    users.upsert("u-ada", first_name="Ada", last_name="Lee")
    users.upsert("u-ben", first_name="Ben", last_name="Ortiz")
    users.upsert("u-cleo", first_name="Cleo", last_name="Park")
    show_users(story, account)

    story.step("Search numbers by area code (415)")
    offers = search(story, account, admin, NumberQuery(area_code="415", limit=5))
    story.step("Search numbers by state (Texas)")
    search(story, account, admin, NumberQuery(region="Texas", limit=5))
    story.step("Search numbers by zip code: 94105, then 59801")
    search(story, account, admin, NumberQuery(postal_code="94105", limit=3))
    search(story, account, admin, NumberQuery(postal_code="59801", limit=3))

    def lines_and_audit() -> object:
        return numbers.list(), account.audit.list()

    first, second = offers[0].number, offers[1].number
    story.step("Purchase without agreeing to the subscription terms")
    story.refused(
        TermsNotAcceptedError,
        lambda: numbers.purchase(admin, first, ["u-ada"], accept_terms=False),
        state=lines_and_audit,
        what="the numbers or the audit trail",
    )

    story.step("Purchase a number for Ada, agreeing to the terms")
    numbers.purchase(admin, first, ["u-ada"], accept_terms=True)
    story.show(render.lines_table(numbers.list()))
    story.say(
        f"{render.UNREGISTERED}: the number is not on an approved campaign yet; it turns "
        f"{render.REGISTERED} once the campaign registration attaches it."
    )

    story.step("Purchase a number shared by Ben and Cleo (+1)")
    numbers.purchase(admin, second, ["u-ben", "u-cleo"], accept_terms=True)
    story.show(render.lines_table(numbers.list()))

    story.step("Assign Ada to the shared number as well: she already has a line")
    story.refused(
        UserAlreadyHasLineError,
        lambda: numbers.assign(admin, second, "u-ada"),
        state=lines_and_audit,
        what="the numbers or the audit trail",
    )

    story.step("Cleo leaves the agency: the HCM deactivates her (red)")
    users.deactivate("u-cleo")
    story.show(render.lines_table(numbers.list()))

    story.step("Dana joins; re-allocate Cleo's place on the shared number to her")
    users.upsert("u-dana", first_name="Dana", last_name="Kim")
    numbers.reallocate(admin, second, "u-cleo", "u-dana")
    story.show(render.lines_table(numbers.list()))

    story.step("Ben forwards calls to the shared number to his mobile")
    numbers.set_forwarding("u-ben", second, "(415) 555-0199")
    story.show(render.lines_table(numbers.list()))

    story.step("Forward calls to a number that is not one")
    story.refused(
        InvalidPhoneNumberError,
        lambda: numbers.set_forwarding("u-ben", second, "555-01"),
        state=lines_and_audit,
        what="the numbers or the audit trail",
    )

    story.step("Deactivate Ada's number: the carrier takes it back")
    numbers.deactivate(admin, first)
    story.done(f"Deactivated {first}")
    story.show(render.lines_table(numbers.list()))

    story.step("The audit trail: who did what, when")
    story.show(_audit_table(account))


def _audit_table(account: AccountAdmin) -> Table:
    """The account's audit trail, naming only the users and seats it shows."""
    entries = account.audit.list()
    return render.audit_table(entries, audit_names(account, entries))
