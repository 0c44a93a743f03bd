from __future__ import annotations

import attrs
import pytest

from sms_core import (
    BrandProfile,
    CampaignProfile,
    CampaignUseCase,
    EntityType,
    LintIssue,
    LintReport,
    LintSeverity,
    PhoneNumber,
    PolicySettings,
    lint_registration,
)
from sms_core.compliance import https_url_problem
from sms_core.testing import sample_brand, sample_campaign

BRAND_SAMPLE = "Northwind Staffing: are you free for an interview on [date]? Reply STOP to opt out."


def lint(
    brand: BrandProfile | None = None,
    campaign: CampaignProfile | None = None,
    policy: PolicySettings | None = None,
) -> LintReport:
    return lint_registration(brand or sample_brand(), campaign or sample_campaign(), policy)


def campaign(**changes: object) -> CampaignProfile:
    return attrs.evolve(sample_campaign(), **changes)  # type: ignore[arg-type]


def brand(**changes: object) -> BrandProfile:
    return attrs.evolve(sample_brand(), **changes)  # type: ignore[arg-type]


def found(report: LintReport) -> list[tuple[LintSeverity, str, str]]:
    return [(issue.severity, issue.rule, issue.field) for issue in report.issues]


ERROR, WARNING = LintSeverity.ERROR, LintSeverity.WARNING


class TestCleanForm:
    """The sample forms pass."""

    def test_sample_forms_are_clean(self) -> None:
        """No errors and no warnings on the shipped samples."""
        report = lint()
        assert () == report.issues
        assert report.ok

    def test_every_problem_at_once(self) -> None:
        """Several broken fields give one report with every error, errors before warnings."""
        report = lint(
            brand(tax_id="123456789", website="http://northwind.example.com"),
            campaign(
                description="Texts.",
                sample_messages=("Hello", "Hi"),
                has_embedded_links=True,
                terms_and_conditions_url="",
            ),
        )
        assert [
            (ERROR, "ein-format", "brand.tax_id"),
            (ERROR, "website-https", "brand.website"),
            (ERROR, "too-short", "campaign.description"),
            (ERROR, "too-short", "campaign.sample_messages[0]"),
            (ERROR, "too-short", "campaign.sample_messages[1]"),
            (ERROR, "sample-brand-name", "campaign.sample_messages"),
            (ERROR, "sample-opt-out", "campaign.sample_messages"),
            (ERROR, "policy-url-missing", "campaign.terms_and_conditions_url"),
            (WARNING, "flag-without-sample", "campaign.has_embedded_links"),
        ] == found(report)
        assert not report.ok
        assert 8 == len(report.errors)
        assert 1 == len(report.warnings)

    def test_issue_reads_as_a_sentence(self) -> None:
        """An issue prints its severity, field, problem and fix."""
        [issue] = lint(brand=brand(tax_id="123456789")).issues
        assert "error: brand.tax_id: '123456789' is not a US EIN. write it as 12-3456789" == str(
            issue
        )


class TestCampaignLengths:
    """The carriers' field limits."""

    @pytest.mark.parametrize(
        ("field", "length", "rule"),
        [
            ("description", 39, "too-short"),
            ("description", 40, None),
            ("description", 4096, None),
            ("description", 4097, "too-long"),
            ("message_flow", 39, "too-short"),
            ("message_flow", 2048, None),
            ("message_flow", 2049, "too-long"),
            ("opt_in_message", 19, "too-short"),
            ("opt_in_message", 20, None),
            ("opt_in_message", 320, None),
            ("opt_in_message", 321, "too-long"),
            ("help_message", 321, "too-long"),
            ("opt_out_message", 19, "too-short"),
        ],
    )
    def test_limits(self, field: str, length: int, rule: str | None) -> None:
        """Each limit is inclusive."""
        report = lint(campaign=campaign(**{field: "x" * length}))
        expected = [(ERROR, rule, f"campaign.{field}")] if rule else []
        assert expected == found(report)

    def test_keyword_messages_are_optional(self) -> None:
        """Empty opt-out and help messages are fine (the carrier's own replies apply)."""
        assert lint(campaign=campaign(opt_out_message="", help_message="")).ok

    @pytest.mark.parametrize(("count", "ok"), [(1, False), (2, True), (5, True), (6, False)])
    def test_sample_count(self, count: int, ok: bool) -> None:
        """Two to five samples."""
        report = lint(campaign=campaign(sample_messages=(BRAND_SAMPLE,) * count))
        assert ok == ("sample-count" not in {issue.rule for issue in report.errors})

    def test_sample_length(self) -> None:
        """Each sample is 20 to 1024 characters, and the error names which."""
        samples = (BRAND_SAMPLE, "x" * 1025, "y" * 19)
        report = lint(campaign=campaign(sample_messages=samples))
        assert [
            (ERROR, "too-long", "campaign.sample_messages[1]"),
            (ERROR, "too-short", "campaign.sample_messages[2]"),
        ] == found(report)

    @pytest.mark.parametrize("blank", ["", "   "])
    def test_blank_sample(self, blank: str) -> None:
        """A blank sample is no sample: it is too short, and named."""
        report = lint(campaign=campaign(sample_messages=(BRAND_SAMPLE, blank)))
        assert [(ERROR, "too-short", "campaign.sample_messages[1]")] == found(report)


class TestKeywords:
    """Keywords are single alphanumeric words, at most 255 characters together."""

    def test_not_alphanumeric(self) -> None:
        """A keyword with a space or punctuation is refused, naming it."""
        report = lint(campaign=campaign(opt_out_keywords=("STOP", "OPT OUT", "END!")))
        [issue] = report.errors
        assert "campaign.opt_out_keywords" == issue.field
        assert "'OPT OUT', 'END!' are not single words" in issue.problem

    def test_too_long_together(self) -> None:
        """The keyword list fits in 255 characters."""
        keywords = tuple(f"JOB{i:03}" for i in range(40))
        [issue] = lint(campaign=campaign(help_keywords=keywords)).errors
        assert ("keywords-too-long", "campaign.help_keywords") == (issue.rule, issue.field)

    def test_opt_in_keywords_need_a_message(self) -> None:
        """Opt-in by keyword needs the confirmation text."""
        [issue] = lint(campaign=campaign(opt_in_message="")).errors
        assert ("opt-in-message-missing", "campaign.opt_in_message") == (issue.rule, issue.field)

    @pytest.mark.parametrize(
        ("changes", "rule", "field"),
        [
            (
                {"opt_out_keywords": ("STOP", "QUIT"), "opt_out_message": ""},
                "opt-out-message-missing",
                "campaign.opt_out_message",
            ),
            (
                {"help_keywords": ("HELP", "INFO"), "help_message": " "},
                "help-message-missing",
                "campaign.help_message",
            ),
        ],
    )
    def test_own_keywords_need_their_message(
        self, changes: dict[str, object], rule: str, field: str
    ) -> None:
        """Keywords beyond STOP and HELP need the reply the campaign sends to them."""
        [issue] = lint(campaign=campaign(**changes)).errors
        assert (rule, field) == (issue.rule, issue.field)
        assert "'QUIT'" in issue.problem or "'INFO'" in issue.problem


class TestSamples:
    """Samples name the brand, say how to opt out, and match the link and phone flags."""

    @pytest.mark.parametrize(
        "sample",
        [
            "NORTHWIND STAFFING: interview at 10am tomorrow? Reply STOP to end.",
            "Northwind Staffing LLC: interview at 10am tomorrow? Reply STOP to end.",
        ],
    )
    def test_brand_name_any_case_with_or_without_suffix(self, sample: str) -> None:
        """The display or legal name, in any case, counts."""
        report = lint(campaign=campaign(sample_messages=(sample, sample)))
        assert "sample-brand-name" not in {issue.rule for issue in report.issues}

    def test_brand_name_missing(self) -> None:
        """No sample with the brand is an error with an example fix."""
        sample = "Hi [name], are you free for an interview? Reply STOP to opt out."
        [issue] = lint(campaign=campaign(sample_messages=(sample, sample))).errors
        assert "sample-brand-name" == issue.rule
        assert "'Northwind Staffing' or 'Northwind Staffing LLC'" in issue.problem
        assert "Northwind Staffing: are you free" in issue.fix

    @pytest.mark.parametrize(
        ("words", "ok"),
        [
            ("Reply STOP to opt out.", True),
            ("Text stop to end.", True),
            ("Opt-out: reply QUIT.", True),
            ("Unsubscribe any time.", True),
            ("Thanks!", False),
        ],
    )
    def test_opt_out_language(self, words: str, ok: bool) -> None:
        """At least one sample says how to stop."""
        sample = f"Northwind Staffing: interview at 10am? {words}"
        other = "Northwind Staffing: your shift starts at 9am on Monday."
        report = lint(campaign=campaign(sample_messages=(sample, other)))
        assert ok == ("sample-opt-out" not in {issue.rule for issue in report.errors})

    @pytest.mark.parametrize(
        "link",
        [
            "https://nw.example.com/jobs/1",
            "www.northwind.example/apply",
            "bit.ly/3xYz",
            "northwind-staffing.com/jobs",
            "[link]",
        ],
    )
    def test_link_without_the_flag(self, link: str) -> None:
        """A link while has_embedded_links is false is an error (carriers reject the mismatch)."""
        samples = (f"Northwind Staffing: apply at {link} today. Reply STOP to opt out.",) * 2
        [issue] = lint(campaign=campaign(sample_messages=samples)).errors
        assert ("flag-contradicts-samples", "campaign.has_embedded_links") == (
            issue.rule,
            issue.field,
        )
        assert "sample 1, 2 contains a link" in issue.problem

    def test_email_is_not_a_link(self) -> None:
        """An e-mail address in a sample is not an embedded link."""
        sample = "Northwind Staffing: questions? Write to jobs@northwind.com. Reply STOP to end."
        assert lint(campaign=campaign(sample_messages=(sample, sample))).ok

    def test_flag_without_link_is_a_warning(self) -> None:
        """Declaring links that no sample shows is a warning, not an error."""
        report = lint(campaign=campaign(has_embedded_links=True))
        assert [(WARNING, "flag-without-sample", "campaign.has_embedded_links")] == found(report)
        assert report.ok

    @pytest.mark.parametrize(
        "phone", ["(415) 555-0134", "415-555-0134", "+14155550134", "1 415 555 0134", "[phone]"]
    )
    def test_phone_without_the_flag(self, phone: str) -> None:
        """A phone number while has_embedded_phone is false is an error."""
        samples = (f"Northwind Staffing: call us at {phone}. Reply STOP to opt out.",) * 2
        [issue] = lint(campaign=campaign(sample_messages=samples)).errors
        assert "campaign.has_embedded_phone" == issue.field

    def test_phone_flag_matches(self) -> None:
        """A sample with a phone and the flag set is clean."""
        samples = ("Northwind Staffing: call (415) 555-0134. Reply STOP to opt out.",) * 2
        assert (
            () == lint(campaign=campaign(sample_messages=samples, has_embedded_phone=True)).issues
        )

    def test_phone_flag_without_phone(self) -> None:
        """Declaring a phone that no sample shows is a warning."""
        report = lint(campaign=campaign(has_embedded_phone=True))
        assert [(WARNING, "flag-without-sample", "campaign.has_embedded_phone")] == found(report)


class TestPolicyUrls:
    """Both policy pages are required as https URLs, from the form or the settings."""

    def test_missing_both(self) -> None:
        """Each missing URL is an error that points to the policy settings."""
        report = lint(campaign=campaign(privacy_policy_url="", terms_and_conditions_url=""))
        assert [
            (ERROR, "policy-url-missing", "campaign.privacy_policy_url"),
            (ERROR, "policy-url-missing", "campaign.terms_and_conditions_url"),
        ] == found(report)
        assert all("policy settings" in issue.fix for issue in report.errors)

    def test_filled_from_the_settings(self) -> None:
        """The settings fill the empty fields before the rules run."""
        settings = PolicySettings(
            privacy_policy_url="https://nw.example.com/privacy",
            terms_and_conditions_url="https://nw.example.com/terms",
        )
        form = campaign(privacy_policy_url="", terms_and_conditions_url="")
        assert lint(campaign=form, policy=settings).ok

    def test_not_https(self) -> None:
        """An http URL names the field and the value."""
        [issue] = lint(campaign=campaign(privacy_policy_url="http://nw.example.com/p")).errors
        assert ("policy-url-https", "campaign.privacy_policy_url") == (issue.rule, issue.field)
        assert "'http://nw.example.com/p' uses http:// instead of https://" in issue.problem

    @pytest.mark.parametrize(
        ("url", "problem"),
        [
            ("https://nw.example.com/privacy", None),
            ("HTTPS://NW.EXAMPLE.COM/privacy", None),
            ("", "is empty"),
            ("http://nw.example.com", "uses http:// instead of https://"),
            ("nw.example.com/privacy", "is not an absolute URL"),
            ("https://localhost/privacy", "has no public host name"),
            ("https://[::1/privacy", "is not a valid URL"),
            ("https://nw.example.com/a b", "contains spaces"),
        ],
    )
    def test_https_url_problem(self, url: str, problem: str | None) -> None:
        """The shared URL rule says what is wrong in a few words."""
        assert problem == https_url_problem(url)


class TestBrand:
    """Brand sanity checks."""

    @pytest.mark.parametrize(
        ("tax_id", "fix"),
        [
            ("123456789", "write it as 12-3456789"),
            ("12-345678", "two digits, a hyphen and seven digits"),
            ("AB-CDEFGHI", "two digits, a hyphen and seven digits"),
        ],
    )
    def test_us_ein_format(self, tax_id: str, fix: str) -> None:
        """A US tax id is an EIN written NN-NNNNNNN."""
        [issue] = lint(brand=brand(tax_id=tax_id)).errors
        assert ("ein-format", "brand.tax_id") == (issue.rule, issue.field)
        assert fix in issue.fix

    def test_foreign_tax_id(self) -> None:
        """A tax id of another country is not held to the EIN format."""
        assert lint(brand=brand(tax_id="123456789RC0001", tax_id_country="CA")).ok

    def test_tax_id_missing(self) -> None:
        """A company needs its tax id."""
        [issue] = lint(brand=brand(tax_id=" ")).errors
        assert "tax-id-missing" == issue.rule

    def test_website_https(self) -> None:
        """The website is an https URL."""
        [issue] = lint(brand=brand(website="northwind.example.com")).errors
        assert ("website-https", "brand.website") == (issue.rule, issue.field)

    @pytest.mark.parametrize(
        "name", ["Northwind Staffing LLC", "Northwind Inc.", "Northwind Corp", "Northwind Ltd"]
    )
    def test_sole_proprietor_with_company_name(self, name: str) -> None:
        """A company name filed as a sole proprietor is an error."""
        report = lint(
            brand=brand(legal_name=name, entity_type=EntityType.SOLE_PROPRIETOR, tax_id=""),
            campaign=campaign(use_case=CampaignUseCase.SOLE_PROPRIETOR),
        )
        assert [(ERROR, "sole-proprietor-company-name", "brand.entity_type")] == found(report)

    def test_sole_proprietor_by_own_name(self) -> None:
        """A sole proprietor under a person's name needs no EIN."""
        sole = brand(
            legal_name="Dana Reyes",
            entity_type=EntityType.SOLE_PROPRIETOR,
            tax_id="",
            display_name="",
        )
        samples = (
            "Dana Reyes: are you free for an interview on [date]? Reply STOP to opt out.",
        ) * 2
        form = campaign(sample_messages=samples, use_case=CampaignUseCase.SOLE_PROPRIETOR)
        assert () == lint(sole, form).issues

    def test_sole_proprietor_use_case_and_mobile(self) -> None:
        """One SOLE_PROPRIETOR campaign, for sole proprietors only, confirmed on a +1 mobile."""
        contact = attrs.evolve(sample_brand().contact, phone=PhoneNumber.parse("+44 20 7946 0958"))
        sole = brand(
            legal_name="Dana Reyes",
            entity_type=EntityType.SOLE_PROPRIETOR,
            tax_id="",
            contact=contact,
        )
        assert [
            (ERROR, "sole-proprietor-use-case", "campaign.use_case"),
            (ERROR, "sole-proprietor-mobile", "brand.contact.phone"),
        ] == [f for f in found(lint(sole)) if f[1].startswith("sole-proprietor")]
        company = campaign(use_case=CampaignUseCase.SOLE_PROPRIETOR)
        assert [(ERROR, "sole-proprietor-use-case", "campaign.use_case")] == found(
            lint(campaign=company)
        )

    def test_free_mail_is_a_warning(self) -> None:
        """A free mailbox as the contact address is a warning."""
        contact = attrs.evolve(sample_brand().contact, email="dana.reyes@Gmail.com")
        report = lint(brand=brand(contact=contact))
        assert [(WARNING, "contact-free-mail", "brand.contact.email")] == found(report)

    def test_malformed_email(self) -> None:
        """A contact address that is not one is an error."""
        contact = attrs.evolve(sample_brand().contact, email="dana at northwind")
        [issue] = lint(brand=brand(contact=contact)).errors
        assert "contact-email" == issue.rule

    def test_public_company_needs_stock(self) -> None:
        """A public company names its ticker and exchange."""
        report = lint(
            brand=brand(
                entity_type=EntityType.PUBLIC_PROFIT,
                stock_exchange="NYSE",
                brand_contact_email="compliance@northwind-staffing.example.com",
            )
        )
        assert [(ERROR, "public-company-stock", "brand.stock_symbol")] == found(report)
        listed = brand(
            entity_type=EntityType.PUBLIC_PROFIT,
            stock_symbol="NWS",
            stock_exchange="NYSE",
            brand_contact_email="compliance@northwind-staffing.example.com",
        )
        assert lint(brand=listed).ok


class TestLowVolume:
    """A low-volume standard brand is for companies, and costs public-sector brands."""

    @pytest.mark.parametrize(
        ("entity_type", "expected"),
        [
            (EntityType.PRIVATE_PROFIT, []),
            (
                EntityType.NON_PROFIT,
                [(WARNING, "low-volume-public-sector", "brand.low_volume")],
            ),
            (
                EntityType.GOVERNMENT,
                [(WARNING, "low-volume-public-sector", "brand.low_volume")],
            ),
        ],
    )
    def test_by_entity_type(
        self, entity_type: EntityType, expected: list[tuple[LintSeverity, str, str]]
    ) -> None:
        """Fine for a company; a nonprofit or agency is warned what it gives up."""
        assert expected == found(lint(brand=brand(entity_type=entity_type, low_volume=True)))

    def test_sole_proprietor(self) -> None:
        """A sole proprietor cannot also be a low-volume standard brand."""
        form = brand(
            entity_type=EntityType.SOLE_PROPRIETOR, legal_name="Dana Reyes", low_volume=True
        )
        assert ("low-volume-sole-proprietor", "brand.low_volume") in {
            (issue.rule, issue.field) for issue in lint(brand=form).errors
        }


class TestBrandContactEmail:
    """A public company's brand contact gets the registry's 2FA e-mail (Authentication+)."""

    @staticmethod
    def public(email: str) -> BrandProfile:
        return brand(
            entity_type=EntityType.PUBLIC_PROFIT,
            stock_symbol="NWS",
            stock_exchange="NYSE",
            brand_contact_email=email,
        )

    @pytest.mark.parametrize(
        ("email", "expected"),
        [
            ("", [(ERROR, "brand-contact-email-missing", "brand.brand_contact_email")]),
            ("not-an-address", [(ERROR, "brand-contact-email", "brand.brand_contact_email")]),
            ("dana@gmail.com", [(ERROR, "brand-contact-free-mail", "brand.brand_contact_email")]),
            (
                "ir@northwind.example.org",
                [(WARNING, "brand-contact-domain", "brand.brand_contact_email")],
            ),
            ("ir@northwind-staffing.example.com", []),
            ("ir@corp.northwind-staffing.example.com", []),
        ],
    )
    def test_public_company(
        self, email: str, expected: list[tuple[LintSeverity, str, str]]
    ) -> None:
        """Required, an address, never free mail; another domain than the website's is a warning."""
        assert expected == found(lint(brand=self.public(email)))

    def test_private_company_needs_none(self) -> None:
        """A private company has no brand contact e-mail to give."""
        assert lint(brand=brand(brand_contact_email="")).ok

    def test_required_fields(self) -> None:
        """Empty name, vertical and address parts are each reported."""
        address = attrs.evolve(sample_brand().address, city="", postal_code="")
        report = lint(brand=brand(vertical=" ", address=address))
        assert [
            "brand.vertical",
            "brand.address.city",
            "brand.address.postal_code",
        ] == [issue.field for issue in report.errors]


class TestVertical:
    """A vertical the account's carrier cannot register is refused before it is sent."""

    def test_unmapped_vertical_is_an_error(self) -> None:
        """Outside the carrier's verticals: an error naming the value and the choices."""
        report = lint_registration(
            brand(vertical="postal"),
            sample_campaign(),
            verticals=frozenset({"HUMAN_RESOURCES", "PROFESSIONAL"}),
        )
        [issue] = report.errors
        assert ("vertical-unmapped", "brand.vertical") == (issue.rule, issue.field)
        assert "'postal'" in issue.problem
        assert "choose one of HUMAN_RESOURCES, PROFESSIONAL" == issue.fix

    def test_case_and_spaces_do_not_matter(self) -> None:
        """The carrier's verticals are upper case; the form's is compared the same way."""
        report = lint_registration(
            brand(vertical=" human_resources "),
            sample_campaign(),
            verticals=frozenset({"HUMAN_RESOURCES"}),
        )
        assert report.ok

    def test_no_list_accepts_any(self) -> None:
        """An adapter that names no verticals passes every vertical through."""
        assert lint_registration(brand(vertical="ANYTHING"), sample_campaign()).ok


class TestReport:
    """The report's views."""

    def test_errors_and_warnings(self) -> None:
        """Errors and warnings are split; ok means no errors."""
        error = LintIssue(severity=ERROR, rule="r", field="f", problem="p", fix="x")
        warning = attrs.evolve(error, severity=WARNING)
        report = LintReport(issues=(error, warning))
        assert ((error,), (warning,), False) == (report.errors, report.warnings, report.ok)
        assert LintReport(issues=(warning,)).ok
