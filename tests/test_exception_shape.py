"""Every exception is built as ``Error(message, *, context...)``; named constructors word it.

The argument lists some classes took before keep working and give the same error.
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path
from typing import Any

import pytest

from sms_core import exceptions
from sms_core.exceptions import (
    HostDeclarationError,
    InvalidFieldError,
    InvalidPhoneNumberError,
    InvalidPolicyUrlError,
    PermissionDeniedError,
    PluginContractError,
    RegistrationLintError,
    SecretSettingError,
    StoreConflict,
    UnknownHostError,
    UnknownProviderError,
    UnsupportedFeatureError,
)
from sms_core.vocabulary import LintIssue, LintReport, LintSeverity

_REPORT = LintReport(
    issues=(
        LintIssue(
            severity=LintSeverity.ERROR,
            rule="sample",
            field="brand.legal_name",
            problem="it is a sample",
            fix="enter yours",
        ),
    )
)

#: (the named constructor's error, the same error built with the earlier argument list,
#: the attributes both carry).
SAME: list[tuple[Exception, Exception, dict[str, Any]]] = [
    (
        InvalidFieldError.refused(field="user_id", value="'x'", limit="at most 64 characters"),
        InvalidFieldError(field="user_id", value="'x'", limit="at most 64 characters"),
        {"field": "user_id", "value": "'x'", "limit": "at most 64 characters"},
    ),
    (
        SecretSettingError.looks_secret("auth_token", "its name says it is a credential"),
        SecretSettingError("auth_token", "its name says it is a credential"),
        {"setting": "auth_token"},
    ),
    (
        InvalidPhoneNumberError.invalid("555", "too short", "Enter the area code."),
        InvalidPhoneNumberError("555", "too short", "Enter the area code."),
        {"text": "555", "reason": "too short"},
    ),
    (
        InvalidPolicyUrlError.not_https("privacy_policy_url", "http://a.example", "is not https"),
        InvalidPolicyUrlError("privacy_policy_url", "http://a.example", "is not https"),
        {"field": "privacy_policy_url", "value": "http://a.example"},
    ),
    (
        RegistrationLintError.from_report(_REPORT),
        RegistrationLintError(_REPORT),
        {"report": _REPORT},
    ),
    (
        PermissionDeniedError("ann may not buy numbers", actor_id="ann", action="buy"),
        PermissionDeniedError("ann", "buy", "ann may not buy numbers"),
        {"actor_id": "ann", "action": "buy"},
    ),
    (
        UnsupportedFeatureError.missing("fake", "voice", "Use another carrier."),
        UnsupportedFeatureError("fake", "voice", "Use another carrier."),
        {"provider": "fake", "feature": "voice"},
    ),
    (
        UnsupportedFeatureError.missing("fake", "voice"),
        UnsupportedFeatureError("fake", "voice"),
        {"provider": "fake", "feature": "voice"},
    ),
    (
        UnknownProviderError.not_installed("acme", ("fake", "twilio")),
        UnknownProviderError("acme", ("fake", "twilio")),
        {"provider": "acme", "installed": ("fake", "twilio")},
    ),
    (
        UnknownHostError.not_installed("acme", ()),
        UnknownHostError("acme", ()),
        {"host": "acme", "installed": ()},
    ),
    (
        PluginContractError.broken(plugin="p", hook="sms_host_policy", problem="bad", fix="fix"),
        PluginContractError(plugin="p", hook="sms_host_policy", problem="bad", fix="fix"),
        {"plugin": "p", "hook": "sms_host_policy", "problem": "bad", "fix": "fix"},
    ),
    (
        HostDeclarationError.out_of_bounds("mass_text_cap", 0, "at least 1"),
        HostDeclarationError("mass_text_cap", 0, "at least 1"),
        {"field": "mass_text_cap", "value": 0, "bounds": "at least 1"},
    ),
    (
        StoreConflict.violated("uq_line_users_account_user"),
        StoreConflict(constraint="uq_line_users_account_user"),
        {"constraint": "uq_line_users_account_user"},
    ),
]


def _classes() -> list[type[BaseException]]:
    return [getattr(exceptions, name) for name in exceptions.__all__]


class TestShape:
    """One constructor shape: the message first, everything else by keyword."""

    @pytest.mark.parametrize("kind", _classes(), ids=lambda kind: kind.__name__)
    def test_message_first_context_by_keyword(self, kind: type[BaseException]) -> None:
        defined_by = next(cls for cls in kind.__mro__ if "__init__" in vars(cls))
        if defined_by.__module__ == "builtins":
            return  # the message alone, as Exception takes it
        parameters = list(inspect.signature(kind.__init__).parameters.values())[1:]
        assert "message" == parameters[0].name
        positional = [
            parameter.name
            for parameter in parameters[1:]
            if parameter.kind is not inspect.Parameter.KEYWORD_ONLY
        ]
        # Only the earlier argument lists, still accepted, take more positions.
        assert all(name.startswith("earlier") for name in positional), positional

    @pytest.mark.parametrize(("named", "earlier", "attributes"), SAME)
    def test_named_constructor_and_earlier_call_agree(
        self, named: Exception, earlier: Exception, attributes: dict[str, Any]
    ) -> None:
        assert type(named) is type(earlier)
        assert str(named) == str(earlier)
        for attribute, value in attributes.items():
            assert value == getattr(named, attribute) == getattr(earlier, attribute)

    def test_a_message_given_is_kept(self) -> None:
        error = UnsupportedFeatureError("no voice here", provider="fake", feature="voice")
        assert ("no voice here", "fake", "voice") == (str(error), error.provider, error.feature)


ROOT = Path(__file__).resolve().parent.parent


def _earlier_shapes() -> tuple[set[str], set[str]]:
    """The classes whose earlier call took more positions, and those that took no message."""
    more_positions, no_message = set(), set()
    for kind in _classes():
        if "__init__" not in vars(kind):
            continue
        parameters = list(inspect.signature(kind.__init__).parameters.values())[1:]
        if any(parameter.name.startswith("earlier") for parameter in parameters):
            more_positions.add(kind.__name__)
        if parameters and parameters[0].default is None:
            no_message.add(kind.__name__)
    return more_positions, no_message


def earlier_calls(source: str) -> list[str]:
    """Each call in ``source`` that builds an SDK exception with an earlier argument list.

    That is more than one positional argument, or none (the message left to the class), or
    a ``RegistrationLintError`` given its report where the message goes.
    """
    more_positions, no_message = _earlier_shapes()
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else None
        if name is None:
            continue
        report_first = (
            name == "RegistrationLintError"
            and bool(node.args)
            and isinstance(node.args[0], ast.Name)
            and "report" in node.args[0].id
        )
        if (
            (name in more_positions and len(node.args) > 1)
            or (name in no_message and not node.args)
            or report_first
        ):
            found.append(f"line {node.lineno}: {name}")
    return found


class TestCallSites:
    """The SDK's own code raises through the named constructors, never the earlier lists."""

    def test_shipped_code_uses_the_one_shape(self) -> None:
        """No shipped module (core, adapters, plugins) builds an error the earlier way."""
        packages = [ROOT / "sms_core"]
        packages += sorted(ROOT.glob("adapters/*/sms_*")) + sorted(ROOT.glob("plugins/*/sms_*"))
        found = {
            str(path.relative_to(ROOT)): calls
            for package in packages
            for path in sorted(package.rglob("*.py"))
            if path.name != "exceptions.py" or path.parent.name != "sms_core"
            if (calls := earlier_calls(path.read_text(encoding="utf-8")))
        }
        assert {} == found, "use the named constructor (or message first, context by keyword)"

    @pytest.mark.parametrize(
        ("source", "expected"),
        [
            (
                'UnsupportedFeatureError("fake", "voice", "hint")',
                ["line 1: UnsupportedFeatureError"],
            ),
            ('UnsupportedFeatureError.missing("fake", "voice")', []),
            ('InvalidFieldError(field="f", value="v", limit="l")', ["line 1: InvalidFieldError"]),
            ('InvalidFieldError.refused(field="f", value="v", limit="l")', []),
            ("RegistrationLintError(report)", ["line 1: RegistrationLintError"]),
            ('PermissionDeniedError("no", actor_id="a", action="b")', []),
            ('StoreConflict(constraint="uq")', ["line 1: StoreConflict"]),
        ],
    )
    def test_the_scan_tells_earlier_from_new(self, source: str, expected: list[str]) -> None:
        """The scan flags each earlier argument list and passes the named constructors."""
        assert expected == earlier_calls(source)
