"""The host contract suite can be passed, and it fails hosts that break the contract.

A small host written for these tests runs the whole suite inside ``pytester``; variants of
it, each wrong in one way, must fail exactly the contract tests about that way.
"""

from __future__ import annotations

import textwrap

import pytest

pytest_plugins = ("pytester",)

#: A host with seats, every limit set, and a permission model the variants break one by one.
_HOST_MODULE = textwrap.dedent(
    """
    from __future__ import annotations

    import attrs
    import pytest

    from sms_core import Action, Activity, Decision, HostInfo, HostPolicy, User, hookimpl
    from sms_core.testing import HostContract, RecordingSink, Refusal

    BROKEN = {broken!r}


    def user(user_id, *permissions):
        return User(
            id=user_id,
            account_id="elsewhere",
            first_name="Ada",
            last_name="Lee",
            permissions=frozenset(permissions),
        )


    @attrs.frozen(eq=False)
    class TinyHost:
        sink: RecordingSink

        @hookimpl
        def sms_host_info(self):
            policy = HostPolicy(
                users_per_number=2,
                mass_text_cap=3,
                max_body_characters=100,
                seats_enabled=True,
                monthly_allowance=10,
            )
            return HostInfo(name="tiny", version="1.0", description="A tiny host", policy=policy)

        @hookimpl
        def sms_authorize(self, actor, action):
            if action is Action.SEND_MESSAGE and BROKEN == "defers sending":
                return None
            if not actor.active and BROKEN != "lets inactive users":
                return Decision.deny("inactive users cannot text; reactivate them")
            if action is Action.CONFIGURE_FORWARDING and BROKEN == "refuses unlisted actions":
                if "Boss" not in actor.permissions:
                    return Decision.deny("needs 'Boss'")
            if action is Action.MANAGE_NUMBERS and "Boss" not in actor.permissions:
                reason = "" if BROKEN == "refuses without a reason" else "needs 'Boss'"
                return Decision.deny(reason)
            return Decision.allow()

        @hookimpl
        def sms_record_activity(self, activity):
            if BROKEN != "records nothing":
                self.sink(activity)


    class TestTinyHost(HostContract):
        @pytest.fixture
        def host_plugin(self, activity_sink):
            return TinyHost(activity_sink)

        @pytest.fixture
        def allowed_users(self):
            return {{action: user("boss", "Boss") for action in Action}}

        @pytest.fixture
        def refused_users(self):
            return {{Action.MANAGE_NUMBERS: Refusal(user=user("ann"), grant="Boss")}}
    """
)

_ACTIONS = ("manage_numbers", "manage_registration", "configure_forwarding", "send_message")
_EVERY_ACTION = (*_ACTIONS, "view_history")


def failed_tests(pytester: pytest.Pytester, broken: str) -> set[str]:
    """Run the whole suite against the tiny host broken in one way; the tests that failed."""
    pytester.makepyfile(test_tiny_host=_HOST_MODULE.format(broken=broken))
    reprec = pytester.inline_run("-p", "no:cacheprovider", "-W", "error")
    _, skipped, failed = reprec.listoutcomes()
    assert [] == skipped
    return {report.nodeid.rpartition("::")[2] for report in failed}


class TestHostContractSuite:
    def test_a_correct_host_passes(self, pytester: pytest.Pytester) -> None:
        """The tiny host, unbroken, passes every contract test."""
        assert set() == failed_tests(pytester, "")

    @pytest.mark.parametrize(
        ("broken", "expected"),
        [
            ("records nothing", {"test_sent_text_reaches_the_activity_record"}),
            ("defers sending", {"test_decides_every_action[send_message]"}),
            (
                "refuses unlisted actions",
                {"test_refuses_only_the_refused_naming_the_grant[configure_forwarding]"},
            ),
            (
                "lets inactive users",
                {f"test_refuses_inactive_users[{action}]" for action in _EVERY_ACTION},
            ),
            (
                "refuses without a reason",
                {"test_refuses_only_the_refused_naming_the_grant[manage_numbers]"},
            ),
        ],
    )
    def test_a_broken_host_fails_exactly_its_tests(
        self, pytester: pytest.Pytester, broken: str, expected: set[str]
    ) -> None:
        """A host wrong in one way fails the contract tests about that way, and only them."""
        assert expected == failed_tests(pytester, broken)

    def test_an_undeclared_host_is_told_to_declare(self, pytester: pytest.Pytester) -> None:
        """A plugin without ``sms_host_info`` errors in every test with the hook to implement."""
        pytester.makepyfile(
            test_undeclared=textwrap.dedent(
                """
                import pytest
                from sms_core import Action, User, hookimpl
                from sms_core.testing import HostContract


                class Observer:
                    @hookimpl
                    def sms_record_activity(self, activity):
                        pass


                class TestUndeclared(HostContract):
                    @pytest.fixture
                    def host_plugin(self):
                        return Observer()

                    @pytest.fixture
                    def allowed_users(self):
                        return {}
                """
            )
        )
        result = pytester.runpytest("-p", "no:cacheprovider")
        assert 0 == result.parseoutcomes().get("passed", 0)
        result.stdout.fnmatch_lines(
            ["*does not declare itself a host: implement the sms_host_info*"]
        )

    def test_a_missing_fixture_says_what_to_provide(self, pytester: pytest.Pytester) -> None:
        """A subclass that overrides nothing errors with the fixture to override."""
        pytester.makepyfile(
            test_empty="from sms_core.testing import HostContract\n\n\n"
            "class TestEmpty(HostContract):\n    pass\n"
        )
        result = pytester.runpytest("-p", "no:cacheprovider")
        result.stdout.fnmatch_lines(
            ["*NotImplementedError: *needs the 'host_plugin' fixture: override it in your*"]
        )

    def test_the_base_class_is_not_collected(self, pytester: pytest.Pytester) -> None:
        """Importing the suite into a test module collects no test by itself."""
        pytester.makepyfile(test_imports="from sms_core.testing import HostContract  # noqa")
        assert (
            pytest.ExitCode.NO_TESTS_COLLECTED == pytester.runpytest("-p", "no:cacheprovider").ret
        )
