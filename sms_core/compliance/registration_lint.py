# Over 400 lines: every lint rule runs every time, so all the rules live in one list a newcomer
# can read top to bottom.
"""Lint for the 10DLC registration form: the mistakes that get brands and campaigns rejected.

The rules come from the 10DLC campaign form's documented field limits and the typical rejection
reasons (``sms-rules.md`` §6 lists both with their sources): samples without the brand name or
opt-out language, flags that contradict the samples, missing policy pages, an EIN in the wrong
form, a sole proprietor filed under a company name, a vertical the account's carrier cannot
register. Every rule runs every time, so an admin sees every problem at once, each with its
field and the fix.

Contradicting flags are judged by what the carrier would do: a link or phone number in a sample
while its flag says there is none is an error (the carriers reject that), while a flag set with
no sample showing it is a warning (allowed, but reviewers often ask for such a sample).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from urllib.parse import SplitResult, urlsplit

from sms_core.domain.registration import (
    BrandProfile,
    CampaignProfile,
    CampaignUseCase,
    EntityType,
    LintIssue,
    LintReport,
    LintSeverity,
    PolicySettings,
)

__all__ = ["https_url_problem", "lint_registration", "sample_wording_problems"]

# The campaign form's documented field limits (inclusive; sms-rules.md §6).
_DESCRIPTION = (40, 4096)
_MESSAGE_FLOW = (40, 2048)
_SAMPLE_COUNT = (2, 5)
_SAMPLE_LENGTH = (20, 1024)
_KEYWORD_MESSAGE = (20, 320)
_KEYWORDS_MAX = 255
# The keywords every carrier answers itself: a form may list them without its own reply.
_STANDARD_OPT_OUT = frozenset({"STOP"})
_STANDARD_HELP = frozenset({"HELP"})

_EIN = re.compile(r"\d{2}-\d{7}")
_NINE_DIGITS = re.compile(r"\d{9}")
_KEYWORD = re.compile(r"[A-Za-z0-9]+")
_EMAIL = re.compile(r"[^@\s]+@([^@\s]+\.[^@\s]+)")
_OPT_OUT = re.compile(r"\b(?:stop|unsubscribe|opt[\s-]?out)\b", re.IGNORECASE)
_COMPANY_SUFFIX = re.compile(
    r"\b(?:llc|l\.l\.c|inc|incorporated|corp|corporation|ltd|limited|llp|pllc|plc|co)\b\.?",
    re.IGNORECASE,
)
# A URL, a bare domain (not an e-mail address's) or a bracketed link placeholder.
_LINK = re.compile(
    r"https?://\S+|\bwww\.\S+"
    r"|(?<![@\w.-])[a-z0-9-]+(?:\.[a-z0-9-]+)*\."
    r"(?:com|net|org|io|co|us|info|biz|jobs|careers|ly|me|app|link)\b"
    r"|[\[{]\s*(?:link|url|short\s*link)\s*[\]}]",
    re.IGNORECASE,
)
# A North American or E.164 phone number, or a bracketed phone placeholder.
_PHONE = re.compile(
    r"(?<![\d+])(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}(?!\d)"
    r"|\+\d{10,15}\b"
    r"|[\[{]\s*(?:phone|phone\s*number|number)\s*[\]}]",
    re.IGNORECASE,
)
# Consumer mailbox providers: TCR and reviewers expect an address on the agency's own domain.
_FREE_MAIL = frozenset(
    {
        "aol.com",
        "gmail.com",
        "gmx.com",
        "googlemail.com",
        "hotmail.com",
        "icloud.com",
        "live.com",
        "mail.com",
        "me.com",
        "msn.com",
        "outlook.com",
        "proton.me",
        "protonmail.com",
        "yahoo.com",
        "yandex.com",
        "zoho.com",
    }
)
_POLICY_FIX = (
    "enter the agency's {page} page on the form, or save it once in the policy settings "
    "(policy.set, or 'smsadmin policy set') so it pre-fills every form"
)


def https_url_problem(value: str) -> str | None:
    """Why ``value`` is not an absolute https URL with a host name, or ``None`` when it is."""
    if not value.strip():
        return "is empty"
    if any(char.isspace() for char in value):
        return "contains spaces"
    try:
        parts = urlsplit(value)
    except ValueError:
        return "is not a valid URL"
    return _https_problem(parts)


def sample_wording_problems(text: str, brand_names: Sequence[str]) -> list[str]:
    """What keeps ``text`` from serving as the campaign's sample wording, each with its fix.

    The rules of the form's samples (see ``sample-brand-name`` and ``sample-opt-out``): the
    text names the brand (any of ``brand_names``, with or without 'LLC', 'Inc.'…) and tells
    the recipient how to opt out.
    """
    problems = []
    names = [name.strip() for name in brand_names if name.strip()]
    forms = _name_forms(names)
    if forms and not any(form in text.casefold() for form in forms):
        problems.append(
            f"it does not name the brand ({' or '.join(repr(n) for n in names)}); start it "
            f"with the agency's name, e.g. '{names[0]}: ...'"
        )
    if not _OPT_OUT.search(text):
        problems.append(
            "it does not tell the recipient how to opt out; end it with opt-out language, "
            "e.g. 'Reply STOP to opt out.'"
        )
    return problems


def _https_problem(parts: SplitResult) -> str | None:
    if parts.scheme.lower() != "https":
        if parts.scheme:
            return f"uses {parts.scheme}:// instead of https://"
        return "is not an absolute URL"
    return None if "." in (parts.hostname or "").strip(".") else "has no public host name"


def lint_registration(
    brand: BrandProfile,
    campaign: CampaignProfile,
    policy: PolicySettings | None = None,
    *,
    verticals: Collection[str] | None = None,
) -> LintReport:
    """Check a registration form whole and report every problem with its field and fix.

    Args:
        brand: The brand form.
        campaign: The campaign form.
        policy: The account's policy settings; they fill the campaign's empty policy URLs
            first, as they will be when the form is submitted.
        verticals: The verticals the account's carrier can register
            (``ProviderCapabilities.brand_verticals``); ``None`` accepts any.

    Returns:
        The errors (which block submission) and warnings, in form order.
    """
    if policy is not None:
        campaign = policy.apply_to(campaign)
    issues = _Issues()
    _lint_brand(brand, issues)
    _lint_vertical(brand, verticals, issues)
    _lint_use_case(brand, campaign, issues)
    _lint_campaign_fields(campaign, issues)
    _lint_samples(brand, campaign, issues)
    _lint_policy_urls(campaign, issues)
    return LintReport(issues=issues.sorted())


class _Issues:
    def __init__(self) -> None:
        self._found: list[LintIssue] = []

    def error(self, rule: str, field: str, problem: str, fix: str) -> None:
        self._add(LintSeverity.ERROR, rule, field, problem, fix)

    def warning(self, rule: str, field: str, problem: str, fix: str) -> None:
        self._add(LintSeverity.WARNING, rule, field, problem, fix)

    def _add(self, severity: LintSeverity, rule: str, field: str, problem: str, fix: str) -> None:
        self._found.append(
            LintIssue(severity=severity, rule=rule, field=field, problem=problem, fix=fix)
        )

    def sorted(self) -> tuple[LintIssue, ...]:
        # Errors first; within a severity the order the rules ran, which is the form's order.
        return tuple(sorted(self._found, key=lambda i: i.severity is not LintSeverity.ERROR))


# -- brand -------------------------------------------------------------------------------------


def _lint_brand(brand: BrandProfile, issues: _Issues) -> None:
    _require(issues, "brand.legal_name", brand.legal_name, "the name on the tax registration")
    _require(issues, "brand.vertical", brand.vertical, "the industry, e.g. HUMAN_RESOURCES")
    for name in ("street", "city", "region", "postal_code", "country"):
        _require(issues, f"brand.address.{name}", getattr(brand.address, name), "the address")
    _lint_tax_id(brand, issues)
    _lint_website(brand, issues)
    _lint_contact_email(brand, issues)
    if brand.entity_type is EntityType.SOLE_PROPRIETOR and _COMPANY_SUFFIX.search(brand.legal_name):
        issues.error(
            "sole-proprietor-company-name",
            "brand.entity_type",
            f"a sole proprietor cannot be named {brand.legal_name!r}: companies such as LLCs "
            "and corporations have an EIN and are not sole proprietors",
            "choose the company's entity type (e.g. PRIVATE_PROFIT) and enter its EIN, or use "
            "the owner's own name",
        )
    _lint_brand_contact_email(brand, issues)
    _lint_low_volume(brand, issues)
    if brand.entity_type is EntityType.PUBLIC_PROFIT:
        for name, what in (("stock_symbol", "ticker symbol"), ("stock_exchange", "exchange")):
            if not (getattr(brand, name) or "").strip():
                issues.error(
                    "public-company-stock",
                    f"brand.{name}",
                    f"a publicly traded company needs its stock {what}",
                    f"enter the {what} (e.g. 'ACME' on 'NASDAQ'), or choose PRIVATE_PROFIT if "
                    "the company is not listed",
                )


def _lint_vertical(brand: BrandProfile, verticals: Collection[str] | None, issues: _Issues) -> None:
    vertical = brand.vertical.strip()
    if verticals is None or not vertical or vertical.upper() in verticals:
        return
    issues.error(
        "vertical-unmapped",
        "brand.vertical",
        f"the account's carrier cannot register a brand in the vertical {vertical!r}",
        f"choose one of {', '.join(sorted(verticals))}",
    )


def _lint_tax_id(brand: BrandProfile, issues: _Issues) -> None:
    tax_id = brand.tax_id.strip()
    if brand.entity_type is EntityType.SOLE_PROPRIETOR:
        return  # registered by the owner's name and mobile number, without an EIN
    if not tax_id:
        issues.error(
            "tax-id-missing",
            "brand.tax_id",
            "the tax id is empty",
            "enter the EIN (US) or the tax id of tax_id_country",
        )
    elif brand.tax_id_country.upper() == "US" and not _EIN.fullmatch(tax_id):
        fix = "write the EIN as two digits, a hyphen and seven digits, e.g. 12-3456789"
        if _NINE_DIGITS.fullmatch(tax_id):
            fix = f"write it as {tax_id[:2]}-{tax_id[2:]}"
        issues.error("ein-format", "brand.tax_id", f"{tax_id!r} is not a US EIN", fix)


def _lint_website(brand: BrandProfile, issues: _Issues) -> None:
    if problem := https_url_problem(brand.website):
        issues.error(
            "website-https",
            "brand.website",
            f"the website {brand.website!r} {problem}",
            "enter the agency's public website as an https:// URL, e.g. https://www.example.com",
        )


def _lint_brand_contact_email(brand: BrandProfile, issues: _Issues) -> None:
    """A public company's brand contact gets the 2FA e-mail: own domain, never free mail."""
    email = brand.brand_contact_email.strip()
    field = "brand.brand_contact_email"
    if not email:
        if brand.entity_type is EntityType.PUBLIC_PROFIT:
            issues.error(
                "brand-contact-email-missing",
                field,
                "a publicly traded company needs a brand contact e-mail: the registry sends "
                "it a confirmation link (2FA) before the brand may carry campaigns",
                "enter the work address of a person at the company who can confirm, on the "
                "company's own domain, e.g. compliance@example.com",
            )
        return
    match = _EMAIL.fullmatch(email)
    if match is None:
        issues.error(
            "brand-contact-email",
            field,
            f"{email!r} is not an e-mail address",
            "enter the brand contact's work address, e.g. compliance@example.com",
        )
        return
    domain = match.group(1).lower()
    if domain in _FREE_MAIL:
        issues.error(
            "brand-contact-free-mail",
            field,
            f"{email!r} is a free mailbox; the registry refuses it for the confirmation e-mail",
            "use an address on the company's own domain (the one of its website)",
        )
    elif (site := _site_domain(brand.website)) and not _same_domain(domain, site):
        issues.warning(
            "brand-contact-domain",
            field,
            f"{email!r} is not on the website's domain {site!r}; the registry may not be able "
            "to tie it to the company",
            f"use an address ending in @{site} if the company has one",
        )


def _lint_use_case(brand: BrandProfile, campaign: CampaignProfile, issues: _Issues) -> None:
    """A sole proprietor's brand carries one SOLE_PROPRIETOR campaign; no other brand does."""
    sole = brand.entity_type is EntityType.SOLE_PROPRIETOR
    if sole and campaign.use_case is not CampaignUseCase.SOLE_PROPRIETOR:
        issues.error(
            "sole-proprietor-use-case",
            "campaign.use_case",
            f"a sole proprietor's brand takes only the SOLE_PROPRIETOR use case, not "
            f"{campaign.use_case.value}",
            "choose SOLE_PROPRIETOR (one campaign, one number)",
        )
    elif not sole and campaign.use_case is CampaignUseCase.SOLE_PROPRIETOR:
        issues.error(
            "sole-proprietor-use-case",
            "campaign.use_case",
            "the SOLE_PROPRIETOR use case is only for a sole proprietor's brand",
            "choose the use case that fits (e.g. CUSTOMER_CARE or MIXED), or register the "
            "brand as a sole proprietor if it has no EIN",
        )
    if sole and brand.contact.phone.e164[:2] != "+1":
        issues.error(
            "sole-proprietor-mobile",
            "brand.contact.phone",
            f"{brand.contact.phone.e164} is not a US or Canadian number; the registry texts "
            "the owner's mobile a code to confirm the brand",
            "enter the owner's US or Canadian mobile number",
        )


def _lint_low_volume(brand: BrandProfile, issues: _Issues) -> None:
    if not brand.low_volume:
        return
    if brand.entity_type is EntityType.SOLE_PROPRIETOR:
        issues.error(
            "low-volume-sole-proprietor",
            "brand.low_volume",
            "a sole proprietor's brand is its own low-volume type; it cannot also be a "
            "low-volume standard brand",
            "set low_volume to false (a sole proprietor is registered as one anyway)",
        )
    elif brand.entity_type in (EntityType.NON_PROFIT, EntityType.GOVERNMENT):
        issues.warning(
            "low-volume-public-sector",
            "brand.low_volume",
            "a low-volume brand skips the vetting through which nonprofits and government "
            "agencies get their special throughput and pricing",
            "set low_volume to false to register a standard brand",
        )


def _site_domain(website: str) -> str | None:
    try:
        host = (urlsplit(website.strip()).hostname or "").lower()
    except ValueError:
        return None
    return host.removeprefix("www.") or None


def _same_domain(email_domain: str, site: str) -> bool:
    """Whether the mail domain is the site's, or one is a subdomain of the other."""
    return (
        email_domain == site
        or email_domain.endswith(f".{site}")
        or site.endswith(f".{email_domain}")
    )


def _lint_contact_email(brand: BrandProfile, issues: _Issues) -> None:
    email = brand.contact.email.strip()
    match = _EMAIL.fullmatch(email)
    if match is None:
        issues.error(
            "contact-email",
            "brand.contact.email",
            f"{email!r} is not an e-mail address",
            "enter the contact's work address, e.g. dana@example.com",
        )
    elif match.group(1).lower() in _FREE_MAIL:
        issues.warning(
            "contact-free-mail",
            "brand.contact.email",
            f"{email!r} is a free mailbox; reviewers expect an address on the agency's domain "
            "and may reject the brand",
            "use an address on the agency's own domain (the one of its website)",
        )


# -- campaign ----------------------------------------------------------------------------------


def _lint_campaign_fields(campaign: CampaignProfile, issues: _Issues) -> None:
    _length(issues, "campaign.description", campaign.description, _DESCRIPTION, required=True)
    _length(issues, "campaign.message_flow", campaign.message_flow, _MESSAGE_FLOW, required=True)
    for name in ("opt_in_message", "opt_out_message", "help_message"):
        _length(issues, f"campaign.{name}", getattr(campaign, name), _KEYWORD_MESSAGE)
    for name in ("opt_in_keywords", "opt_out_keywords", "help_keywords"):
        _keywords(issues, f"campaign.{name}", getattr(campaign, name))
    if campaign.opt_in_keywords and not campaign.opt_in_message.strip():
        issues.error(
            "opt-in-message-missing",
            "campaign.opt_in_message",
            "opt-in keywords are set but there is no opt-in confirmation message",
            "write the reply a candidate gets after texting an opt-in keyword (brand name, "
            "what they will receive, 'Msg & data rates may apply', HELP and STOP)",
        )
    _reply_for_keywords(
        issues,
        "opt_out",
        keywords=campaign.opt_out_keywords,
        message=campaign.opt_out_message,
        standard=_STANDARD_OPT_OUT,
        what="the confirmation a candidate gets after opting out (brand name, that no more texts "
        "will come)",
    )
    _reply_for_keywords(
        issues,
        "help",
        keywords=campaign.help_keywords,
        message=campaign.help_message,
        standard=_STANDARD_HELP,
        what="the help reply (brand name, how to reach the agency, how to opt out)",
    )


def _reply_for_keywords(
    issues: _Issues,
    kind: str,
    *,
    keywords: Sequence[str],
    message: str,
    standard: frozenset[str],
    what: str,
) -> None:
    """Own keywords need their own reply; the standard ones the carriers answer themselves."""
    own = [keyword for keyword in keywords if keyword.strip().upper() not in standard]
    if own and not message.strip():
        words = ", ".join(repr(k) for k in own)
        issues.error(
            f"{kind.replace('_', '-')}-message-missing",
            f"campaign.{kind}_message",
            f"{kind.replace('_', '-')} keywords {words} are set but there is no "
            f"{kind.replace('_', '-')} message",
            f"write {what}, or keep only {' and '.join(sorted(standard))}, which the carriers "
            "answer themselves",
        )


def _lint_samples(brand: BrandProfile, campaign: CampaignProfile, issues: _Issues) -> None:
    samples = campaign.sample_messages
    low, high = _SAMPLE_COUNT
    if not low <= len(samples) <= high:
        issues.error(
            "sample-count",
            "campaign.sample_messages",
            f"{len(samples)} sample messages given; carriers take {low} to {high}",
            f"give {low} to {high} real examples of the texts recruiters send",
        )
    for index, sample in enumerate(samples):
        _length(issues, f"campaign.sample_messages[{index}]", sample, _SAMPLE_LENGTH, required=True)
    if not samples:
        return
    names = _brand_names(brand)
    if names and not any(name in sample.casefold() for sample in samples for name in names):
        issues.error(
            "sample-brand-name",
            "campaign.sample_messages",
            f"no sample names the brand ({' or '.join(repr(n) for n in _display(brand))})",
            "start at least one sample with the agency's name, e.g. "
            f"'{_display(brand)[0]}: are you free for an interview on [date]?'",
        )
    if not any(_OPT_OUT.search(sample) for sample in samples):
        issues.error(
            "sample-opt-out",
            "campaign.sample_messages",
            "no sample tells the recipient how to opt out",
            "end at least one sample with opt-out language, e.g. 'Reply STOP to opt out.'",
        )
    flags = (
        ("has_embedded_links", campaign.has_embedded_links, _LINK, "link"),
        ("has_embedded_phone", campaign.has_embedded_phone, _PHONE, "phone number"),
    )
    for flag, value, pattern, what in flags:
        _flag_matches_samples(issues, samples, flag=flag, value=value, pattern=pattern, what=what)


def _flag_matches_samples(
    issues: _Issues,
    samples: Sequence[str],
    *,
    flag: str,
    value: bool,
    pattern: re.Pattern[str],
    what: str,
) -> None:
    showing = [index for index, sample in enumerate(samples) if pattern.search(sample)]
    if showing and not value:
        listed = ", ".join(str(index + 1) for index in showing)
        issues.error(
            "flag-contradicts-samples",
            f"campaign.{flag}",
            f"sample {listed} contains a {what} but {flag} is false (carriers reject the mismatch)",
            f"set {flag} to true, or take the {what} out of the samples",
        )
    elif value and not showing:
        issues.warning(
            "flag-without-sample",
            f"campaign.{flag}",
            f"{flag} is true but no sample shows a {what}",
            f"add a sample with the {what} recruiters send, or set {flag} to false if they "
            "send none",
        )


def _lint_policy_urls(campaign: CampaignProfile, issues: _Issues) -> None:
    pages = (
        ("privacy_policy_url", campaign.privacy_policy_url, "privacy policy"),
        ("terms_and_conditions_url", campaign.terms_and_conditions_url, "terms and conditions"),
    )
    for name, value, page in pages:
        field = f"campaign.{name}"
        if not value.strip():
            issues.error(
                "policy-url-missing",
                field,
                f"the {page} URL is missing; reviewers check it",
                _POLICY_FIX.format(page=page),
            )
        elif problem := https_url_problem(value):
            issues.error(
                "policy-url-https",
                field,
                f"the {page} URL {value!r} {problem}",
                f"enter the {page} page as an absolute https:// URL",
            )


# -- helpers -----------------------------------------------------------------------------------


def _require(issues: _Issues, field: str, value: str, what: str) -> None:
    if not value.strip():
        issues.error(
            "required", field, f"{field.rsplit('.', maxsplit=1)[-1]} is empty", f"enter {what}"
        )


def _length(
    issues: _Issues, field: str, value: str, limits: tuple[int, int], *, required: bool = False
) -> None:
    length = len(value.strip())
    if length == 0 and not required:
        return
    low, high = limits
    if length < low:
        issues.error(
            "too-short",
            field,
            f"{length} characters; carriers need at least {low}",
            f"write at least {low} characters (say who texts whom, why and how they agreed)",
        )
    elif length > high:
        issues.error(
            "too-long",
            field,
            f"{length} characters; carriers take at most {high}",
            f"shorten it to {high} characters",
        )


def _keywords(issues: _Issues, field: str, keywords: Sequence[str]) -> None:
    bad = [keyword for keyword in keywords if not _KEYWORD.fullmatch(keyword)]
    if bad:
        verb = "is not a single word" if len(bad) == 1 else "are not single words"
        issues.error(
            "keyword-format",
            field,
            f"{', '.join(repr(k) for k in bad)} {verb} of letters and digits",
            "use single words of letters and digits, e.g. STOP, HELP, JOBS",
        )
    joined = ",".join(keywords)
    if len(joined) > _KEYWORDS_MAX:
        issues.error(
            "keywords-too-long",
            field,
            f"the keywords take {len(joined)} characters; carriers take at most {_KEYWORDS_MAX}",
            "keep fewer keywords",
        )


def _display(brand: BrandProfile) -> list[str]:
    names = [brand.display_name.strip(), brand.legal_name.strip()]
    return [name for name in dict.fromkeys(names) if name]


def _brand_names(brand: BrandProfile) -> set[str]:
    """The brand's names as samples may write them: with or without 'LLC', 'Inc.'…."""
    return _name_forms(_display(brand))


def _name_forms(names: Sequence[str]) -> set[str]:
    """Names as a text may write them: with or without 'LLC', 'Inc.'…, in any case."""
    found = set()
    for name in names:
        found.add(name.casefold())
        bare = _COMPANY_SUFFIX.sub("", name).strip(" ,.").casefold()
        if bare:
            found.add(bare)
    return found
