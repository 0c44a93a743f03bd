"""The host's users, mirrored so lines and messages can name them."""

from __future__ import annotations

import builtins
from collections.abc import Iterable
from typing import cast

import attrs

from sms_core import inputs
from sms_core.domain import Page, User
from sms_core.exceptions import InvalidInputError, PermissionDeniedError, UserNotFoundError
from sms_core.services.context import AccountContext
from sms_core.services.paging import Listing, page_size
from sms_core.store import users as user_store

__all__ = ["UserDirectory"]


@attrs.define
class UserDirectory:
    """Users as the host product knows them; the host calls :meth:`upsert` to keep them in sync.

    Deactivating a user keeps their lines: the number list shows them in red until an admin
    re-allocates the line to an active user.
    """

    _context: AccountContext

    def upsert(
        self,
        user_id: str,
        *,
        first_name: str,
        last_name: str,
        active: bool = True,
        permissions: Iterable[str] = (),
    ) -> User:
        """Create or replace a user with the host's current data.

        Raises:
            InvalidInputError: When the id or both names are empty.
            InvalidFieldError: When an argument is of the wrong type (``permissions`` must be a
                collection of names, not one text), too long or holds unstorable characters.
        """
        inputs.identifier("user_id", user_id)
        for field, value in (("first_name", first_name), ("last_name", last_name)):
            inputs.visible_text(field, value, max_length=inputs.NAME_LENGTH, allow_empty=True)
        inputs.flag("active", active)
        granted = inputs.names("permissions", permissions)
        if not user_id.strip():
            raise InvalidInputError("a user needs a non-empty id; pass the host's user id")
        if not (first_name.strip() or last_name.strip()):
            raise InvalidInputError(f"user {user_id!r} needs a first or last name")
        user = User(
            id=user_id,
            account_id=self._context.account.id,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            active=active,
            permissions=granted,
        )
        with self._context.database.transaction() as connection:
            user_store.upsert_user(connection, user, self._context.now())
        return user

    def deactivate(self, user_id: str) -> User:
        """Mark a user inactive; their lines stay and show as needing re-allocation."""
        return self._set_active(user_id, active=False)

    def reactivate(self, user_id: str) -> User:
        """Mark a user active again."""
        return self._set_active(user_id, active=True)

    def get(self, user_id: str) -> User:
        """One user.

        Raises:
            UserNotFoundError: When the account has no such user.
        """
        inputs.identifier("user_id", user_id)
        with self._context.database.transaction() as connection:
            return self._context.actor(connection, user_id)

    def may_administer(self, user_id: str) -> bool:
        """Whether the host lets the user open the admin lists: numbers, seats, audit trail.

        The question those lists' ``viewer_id`` check answers (``Action.MANAGE_NUMBERS``), asked
        beforehand, so a screen offers only what the user may open.

        Raises:
            InvalidFieldError: When ``user_id`` is not an identifier.
            UserNotFoundError: When the account has no such user.
        """
        try:
            self._context.require_admin_viewer(user_id)
        except PermissionDeniedError:
            return False
        return True

    def list(self, *, active_only: bool = False) -> builtins.list[User]:
        """Every user, by last and first name."""
        inputs.flag("active_only", active_only)
        with self._context.database.transaction() as connection:
            return user_store.list_users(
                connection, self._context.account.id, active_only=active_only
            )

    def page(
        self, *, active_only: bool = False, limit: int | None = None, cursor: str | None = None
    ) -> Page[User]:
        """A page of :meth:`list`, by last and first name (then id); pass ``next_cursor`` back.

        Args:
            active_only: Leave inactive users out (a cursor of one choice does not continue
                the other).
            limit: The most users on the page: 1 to ``PAGE_SIZE_MAX``, by default
                ``PAGE_SIZE_DEFAULT`` (:mod:`sms_core.inputs`).
            cursor: The ``next_cursor`` of the previous page; ``None`` for the first.

        Raises:
            InvalidFieldError: When ``limit`` is out of range or ``active_only`` not a bool.
            InvalidCursorError: When ``cursor`` is not one a page of this list returned.
        """
        inputs.flag("active_only", active_only)
        size = page_size(limit)
        listing = Listing(
            name="users", scope="active" if active_only else "all", shape=(str, str, str)
        )
        after = listing.start(cursor)
        with self._context.database.transaction() as connection:
            found = user_store.user_page(
                connection,
                self._context.account.id,
                active_only=active_only,
                after=cast("tuple[str, str, str] | None", after),  # Listing checked its shape
                limit=size + 1,
            )
        return listing.page(found, size)

    def names_of(self, user_ids: Iterable[str]) -> dict[str, str]:
        """The full names of the account's users among ``user_ids``, by id, in one query.

        What a page that shows ids by name asks (the audit trail): only the ids on the page
        are read. An id the account has no user for (or that cannot be an id) is left out.

        Raises:
            InvalidFieldError: When ``user_ids`` is one text, not a collection, holds more than
                ``LIST_LIMIT_MAX`` (:mod:`sms_core.inputs`) items or an item is not a ``str``.
        """
        wanted = inputs.lookup_ids("user_ids", user_ids)
        with self._context.database.transaction() as connection:
            found = user_store.get_users(connection, self._context.account.id, wanted)
        return {user_id: user.full_name or user_id for user_id, user in found.items()}

    def search(self, text: str, *, active_only: bool = False) -> builtins.list[User]:
        """Users whose first or last name contains ``text``, ignoring case."""
        inputs.text("text", text, max_length=2 * inputs.NAME_LENGTH + 1)
        inputs.flag("active_only", active_only)
        with self._context.database.transaction() as connection:
            return user_store.search_users(
                connection, self._context.account.id, text, active_only=active_only
            )

    def _set_active(self, user_id: str, *, active: bool) -> User:
        inputs.identifier("user_id", user_id)
        with self._context.database.transaction() as connection:
            user = user_store.get_user(connection, self._context.account.id, user_id)
            if user is None:
                raise UserNotFoundError(
                    f"account {self._context.account.id!r} has no user {user_id!r}"
                )
            changed = attrs.evolve(user, active=active)
            user_store.upsert_user(connection, changed, self._context.now())
        return changed
