from __future__ import annotations

import attrs
import pytest

from sms_core import AuditAction, ManualClock, PolicySettings
from sms_core.exceptions import InvalidPolicyUrlError, PermissionDeniedError
from sms_core.services import AccountAdmin
from sms_core.testing import sample_campaign

PRIVACY = "https://acme.example.com/privacy"
TERMS = "https://acme.example.com/terms"


def saved(account: AccountAdmin) -> tuple[object, ...]:
    """Everything ``policy.set`` could change, to show a refusal changed nothing."""
    return (account.policy.get(), tuple(account.audit.list()))


class TestPolicySettings:
    """The privacy policy and terms and conditions URLs of an account."""

    def test_empty_until_saved(self, acme: AccountAdmin) -> None:
        """A new account has neither URL."""
        assert PolicySettings() == acme.policy.get()
        assert not acme.policy.get().complete

    def test_saved_and_read_back(self, acme: AccountAdmin, clock: ManualClock) -> None:
        """Both URLs are stored with who saved them and when."""
        acme.policy.set("admin", privacy_policy_url=PRIVACY, terms_and_conditions_url=TERMS)
        assert (
            PolicySettings(
                privacy_policy_url=PRIVACY,
                terms_and_conditions_url=TERMS,
                updated_at=clock.now(),
                updated_by="admin",
            )
            == acme.policy.get()
        )
        assert acme.policy.get().complete

    def test_saving_again_replaces(self, acme: AccountAdmin) -> None:
        """A second save replaces both; a blank URL clears it."""
        acme.policy.set("admin", privacy_policy_url=PRIVACY, terms_and_conditions_url=TERMS)
        acme.policy.set(
            "admin", privacy_policy_url=f" {PRIVACY}/v2 ", terms_and_conditions_url="  "
        )
        settings = acme.policy.get()
        assert f"{PRIVACY}/v2" == settings.privacy_policy_url
        assert settings.terms_and_conditions_url is None

    def test_audited(self, acme: AccountAdmin) -> None:
        """Each save is in the audit trail with the URLs before and after."""
        acme.policy.set("admin", privacy_policy_url=PRIVACY, terms_and_conditions_url=None)
        acme.policy.set("admin", privacy_policy_url=PRIVACY, terms_and_conditions_url=TERMS)
        latest, first = acme.audit.list(action=AuditAction.SET_POLICY_SETTINGS)
        assert first.before is None
        assert {"privacy_policy_url": PRIVACY, "terms_and_conditions_url": None} == latest.before
        assert {"privacy_policy_url": PRIVACY, "terms_and_conditions_url": TERMS} == latest.after
        assert "policy_settings" == latest.target


class TestRefusals:
    """A bad URL or a non-admin is refused, naming the field, the value and the fix."""

    @pytest.mark.parametrize(
        ("value", "problem"),
        [
            ("http://acme.example.com/privacy", "uses http:// instead of https://"),
            ("acme.example.com/privacy", "is not an absolute URL"),
            ("/privacy", "is not an absolute URL"),
            ("https://intranet/privacy", "has no public host name"),
            ("https://acme.example.com/our privacy", "contains spaces"),
            ("ftp://acme.example.com/privacy", "uses ftp:// instead of https://"),
        ],
    )
    def test_not_an_https_url(self, acme: AccountAdmin, value: str, problem: str) -> None:
        """The error names the field, the value and what to enter instead."""
        before = saved(acme)
        with pytest.raises(InvalidPolicyUrlError, match="starting with https://") as caught:
            acme.policy.set("admin", privacy_policy_url=value, terms_and_conditions_url=TERMS)
        assert "privacy_policy_url" == caught.value.field
        assert value == caught.value.value
        assert problem in str(caught.value)
        assert str(caught.value).startswith(f"privacy_policy_url {value!r}")
        assert before == saved(acme)

    def test_second_field_checked_too(self, acme: AccountAdmin) -> None:
        """The terms URL is checked as well."""
        with pytest.raises(InvalidPolicyUrlError) as caught:
            acme.policy.set(
                "admin", privacy_policy_url=PRIVACY, terms_and_conditions_url="http://x.example"
            )
        assert "terms_and_conditions_url" == caught.value.field

    def test_non_admin(self, acme: AccountAdmin) -> None:
        """A recruiter cannot change the policy settings."""
        before = saved(acme)
        with pytest.raises(PermissionDeniedError, match=r"sms\.admin"):
            acme.policy.set("ann", privacy_policy_url=PRIVACY, terms_and_conditions_url=TERMS)
        assert before == saved(acme)


class TestHosts:
    """Each host names the permission that edits the policy settings."""

    @pytest.mark.parametrize(
        ("host", "permission", "denied"),
        [
            ("hcm_widget", "Marketplace Admin", "Administration"),
            ("ats_seats", "Administration", "Marketplace Admin"),
            (None, "sms.admin", "Marketplace Admin"),
        ],
    )
    def test_host_permission(self, acme: AccountAdmin, permission: str, denied: str) -> None:
        """The host's admin permission grants it; another host's does not."""
        acme.users.upsert("lee", first_name="Lee", last_name="Park", permissions=[permission])
        acme.users.upsert("kim", first_name="Kim", last_name="Cho", permissions=[denied])
        acme.policy.set("lee", privacy_policy_url=PRIVACY, terms_and_conditions_url=TERMS)
        with pytest.raises(PermissionDeniedError):
            acme.policy.set("kim", privacy_policy_url=PRIVACY, terms_and_conditions_url=TERMS)
        assert "lee" == acme.policy.get().updated_by


class TestPrefill:
    """The settings pre-fill the campaign form's empty URL fields."""

    def test_fills_empty_fields(self) -> None:
        """Empty URLs on the form come from the settings."""
        settings = PolicySettings(privacy_policy_url=PRIVACY, terms_and_conditions_url=TERMS)
        form = attrs.evolve(sample_campaign(), privacy_policy_url="", terms_and_conditions_url="")
        filled = settings.apply_to(form)
        assert (PRIVACY, TERMS) == (filled.privacy_policy_url, filled.terms_and_conditions_url)

    def test_form_wins(self) -> None:
        """A URL typed into the form is kept."""
        settings = PolicySettings(privacy_policy_url=PRIVACY, terms_and_conditions_url=TERMS)
        assert sample_campaign() == settings.apply_to(sample_campaign())

    def test_nothing_to_fill_with(self) -> None:
        """Without settings the empty fields stay empty (and lint reports them)."""
        form = attrs.evolve(sample_campaign(), privacy_policy_url="")
        assert "" == PolicySettings().apply_to(form).privacy_policy_url
