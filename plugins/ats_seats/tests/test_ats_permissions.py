from __future__ import annotations

import attrs
import pytest

from sms_ats_seats import (
    ADMIN_ACTIONS,
    ADMINISTRATION,
    CANDIDATE_POOL,
    CANDIDATE_PROFILE,
    JOB_POSTINGS,
    TEXTING_ACTIONS,
    TEXTING_PAGES,
    USER_ACTIONS,
)
from sms_core import Account, Action, Decision, Hooks, User
from sms_core.plugins.defaults import ADMIN_PERMISSION

NO_PAGE_ACCESS = (
    "needs access to one of the pages that text ('Job Postings', 'Candidate Pool' or "
    "'Candidate Profile'), which Ada Lee does not have; an ATS administrator can grant page "
    "access in the user's permissions."
)


def holding(user: User, *permissions: str) -> User:
    return attrs.evolve(user, permissions=frozenset(permissions))


class TestPermissionNames:
    """Spelled as the ATS spells its menu and pages."""

    def test_administration(self) -> None:
        """The admin permission is named after the Administration menu."""
        assert "Administration" == ADMINISTRATION

    def test_texting_pages(self) -> None:
        """The three pages that text, in the order the refusal lists them."""
        assert ("Job Postings", "Candidate Pool", "Candidate Profile") == TEXTING_PAGES


class TestAdministration:
    """Managing seats, numbers and registration needs Administration."""

    @pytest.mark.parametrize("action", [Action.MANAGE_NUMBERS, Action.MANAGE_REGISTRATION])
    def test_administrator_may_administer(
        self, hooks: Hooks, account: Account, recruiter: User, action: Action
    ) -> None:
        """A user with Administration may manage seats, numbers and registration."""
        admin = holding(recruiter, ADMINISTRATION)
        assert Decision.allow() == hooks.authorize(account, admin, action)

    def test_numbers_refused_without_it(
        self, hooks: Hooks, account: Account, recruiter: User
    ) -> None:
        """The refusal names the permission and who can grant it."""
        expected = Decision.deny(
            "Managing texting seats and numbers needs the 'Administration' permission, which "
            "Ada Lee does not have; an ATS administrator can grant it in the user's permissions."
        )
        page_user = holding(recruiter, *TEXTING_PAGES)
        assert expected == hooks.authorize(account, page_user, Action.MANAGE_NUMBERS)

    def test_registration_refused_without_it(
        self, hooks: Hooks, account: Account, recruiter: User
    ) -> None:
        """The refusal says what was refused."""
        expected = Decision.deny(
            "Registering the SMS brand and campaign needs the 'Administration' permission, which "
            "Ada Lee does not have; an ATS administrator can grant it in the user's permissions."
        )
        assert expected == hooks.authorize(account, recruiter, Action.MANAGE_REGISTRATION)

    @pytest.mark.parametrize("permission", ["administration", "Admin", ADMIN_PERMISSION])
    def test_other_spellings_do_not_count(
        self, hooks: Hooks, account: Account, recruiter: User, permission: str
    ) -> None:
        """Near misses and the core's own admin permission grant nothing here."""
        user = holding(recruiter, permission)
        assert not hooks.authorize(account, user, Action.MANAGE_NUMBERS).allowed


class TestTexting:
    """Sending and reading history need access to a page that texts."""

    @pytest.mark.parametrize("page", [JOB_POSTINGS, CANDIDATE_POOL, CANDIDATE_PROFILE])
    @pytest.mark.parametrize("action", [Action.SEND_MESSAGE, Action.VIEW_HISTORY])
    def test_any_one_page_is_enough(
        self, hooks: Hooks, account: Account, recruiter: User, page: str, action: Action
    ) -> None:
        """Each page on its own lets a user text and read history."""
        assert Decision.allow() == hooks.authorize(account, holding(recruiter, page), action)

    def test_sending_refused_without_a_page(
        self, hooks: Hooks, account: Account, recruiter: User
    ) -> None:
        """The refusal lists the pages and who can grant them."""
        expected = Decision.deny(f"Sending text messages {NO_PAGE_ACCESS}")
        assert expected == hooks.authorize(account, recruiter, Action.SEND_MESSAGE)

    def test_history_refused_without_a_page(
        self, hooks: Hooks, account: Account, recruiter: User
    ) -> None:
        """Reading history is refused the same way."""
        expected = Decision.deny(f"Viewing text message history {NO_PAGE_ACCESS}")
        assert expected == hooks.authorize(account, recruiter, Action.VIEW_HISTORY)

    def test_administration_alone_does_not_text(
        self, hooks: Hooks, account: Account, recruiter: User
    ) -> None:
        """An administrator without page access cannot text."""
        admin = holding(recruiter, ADMINISTRATION)
        assert not hooks.authorize(account, admin, Action.SEND_MESSAGE).allowed

    def test_other_pages_do_not_count(
        self, hooks: Hooks, account: Account, recruiter: User
    ) -> None:
        """Access to a page that does not text grants nothing."""
        user = holding(recruiter, "Reports", "candidate pool")
        assert not hooks.authorize(account, user, Action.SEND_MESSAGE).allowed

    def test_nameless_user_is_named_by_id(self, hooks: Hooks, account: Account) -> None:
        """A user without a name on file is named by id."""
        nameless = User(id="u-7", account_id="acme", first_name="", last_name="")
        reason = hooks.authorize(account, nameless, Action.SEND_MESSAGE).reason
        assert "which u-7 does not have" in reason


class TestForwarding:
    """Every active user may set their line's call forwarding."""

    def test_no_permission_needed(self, hooks: Hooks, account: Account, recruiter: User) -> None:
        """A user with no permission at all is allowed."""
        assert Decision.allow() == hooks.authorize(account, recruiter, Action.CONFIGURE_FORWARDING)


class TestInactiveUsers:
    """Inactive ATS users may do nothing."""

    @pytest.mark.parametrize("action", list(Action))
    def test_refused_everything(
        self, hooks: Hooks, account: Account, recruiter: User, action: Action
    ) -> None:
        """Even a user holding every permission is refused once inactive."""
        everything = holding(recruiter, ADMINISTRATION, *TEXTING_PAGES)
        inactive = attrs.evolve(everything, active=False)
        expected = Decision.deny(
            "Ada Lee is inactive in the ATS and inactive users cannot use texting; "
            "an ATS administrator can reactivate the user."
        )
        assert expected == hooks.authorize(account, inactive, action)


class TestCoverage:
    """The plugin has decided every action the core defines."""

    def test_every_action_has_one_rule(self) -> None:
        """Each action is an admin, a texting or an every-user action, and only one."""
        rules = [ADMIN_ACTIONS, TEXTING_ACTIONS, USER_ACTIONS]
        assert set(Action) == set().union(*rules)
        assert len(Action) == sum(map(len, rules))
