"""``smsadmin users``: the host's users as the SDK mirrors them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from sms_core.cli import output, render
from sms_core.cli.options import global_options
from sms_core.cli.params import CursorOption, LimitOption, UserArg

if TYPE_CHECKING:
    from sms_core.domain import PhoneNumber, User
    from sms_core.services import AccountAdmin

__all__ = ["app", "user_numbers"]

app = typer.Typer(help="Sync, list and (de)activate the host's users.", no_args_is_help=True)


def user_numbers(account: AccountAdmin) -> dict[str, PhoneNumber]:
    """The number each user texts from, by user id."""
    return {
        user.id: summary.line.number for summary in account.numbers.list() for user in summary.users
    }


def _show(account: AccountAdmin, users: list[User]) -> None:
    output.out_console().print(render.users_table(users, user_numbers(account)))


@app.command("upsert")
def upsert(
    ctx: typer.Context,
    user_id: UserArg,
    *,
    first: Annotated[str, typer.Option("--first", help="First name.")] = "",
    last: Annotated[str, typer.Option("--last", help="Last name.")] = "",
    inactive: Annotated[
        bool, typer.Option("--inactive", help="The user is inactive in the host.")
    ] = False,
    permission: Annotated[
        list[str] | None,
        typer.Option(
            "--permission",
            metavar="NAME",
            help="A host permission the user holds, as the host spells it; repeat for more.",
        ),
    ] = None,
) -> None:
    """Create or replace a user with the host's current data."""
    with global_options(ctx).account() as account:
        user = account.users.upsert(
            user_id,
            first_name=first,
            last_name=last,
            active=not inactive,
            permissions=permission or [],
        )
        _show(account, [user])


@app.command("list")
def list_users(
    ctx: typer.Context,
    active_only: Annotated[
        bool, typer.Option("--active-only", help="Leave inactive users out.")
    ] = False,
    limit: LimitOption = None,
    cursor: CursorOption = None,
) -> None:
    """Every user, by last and first name; inactive users in red."""
    with global_options(ctx).account() as account:
        page = account.users.page(active_only=active_only, limit=limit, cursor=cursor)
        _show(account, list(page.items))
    output.next_page(output.out_console(), page.next_cursor)


@app.command("search")
def search(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="Part of a first or last name.")],
    active_only: Annotated[
        bool, typer.Option("--active-only", help="Leave inactive users out.")
    ] = False,
) -> None:
    """Users whose first or last name contains TEXT, ignoring case."""
    with global_options(ctx).account() as account:
        found = account.users.search(text, active_only=active_only)
        if not found:
            output.hint(output.out_console(), f"no user's name contains {text!r}")
            return
        _show(account, found)


@app.command("deactivate")
def deactivate(ctx: typer.Context, user_id: UserArg) -> None:
    """Mark a user inactive; their line stays, shown in red until re-allocated."""
    with global_options(ctx).account() as account:
        user = account.users.deactivate(user_id)
        _show(account, [user])
    output.success(output.out_console(), f"Deactivated {user.full_name} ({user.id})")


@app.command("reactivate")
def reactivate(ctx: typer.Context, user_id: UserArg) -> None:
    """Mark a user active again."""
    with global_options(ctx).account() as account:
        user = account.users.reactivate(user_id)
        _show(account, [user])
    output.success(output.out_console(), f"Reactivated {user.full_name} ({user.id})")
