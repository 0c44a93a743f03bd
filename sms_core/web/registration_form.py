"""The brand and campaign forms of the *Campaign registration* screen: fields, reading, findings.

A field is named by the dotted path the registration lint reports it under
(``brand.contact.email``, ``campaign.sample_messages[1]``), so each lint finding is shown next
to its own field. Reading a posted form only turns text into the forms' types (a phone number,
a choice, yes/no, a list); every rule about the values is the lint's and the service's. A
value that cannot be read (an unparseable phone number, a choice not offered) becomes a
finding on its field, in the lint's shape, and nothing is submitted.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TypeVar

import attrs

from sms_core.domain import (
    BrandContact,
    BrandProfile,
    BrandVertical,
    CampaignProfile,
    CampaignUseCase,
    EntityType,
    LintIssue,
    LintSeverity,
    PhoneNumber,
    PolicySettings,
    PostalAddress,
)
from sms_core.exceptions import SmsError
from sms_core.web.views import Given

__all__ = [
    "BRAND_SECTIONS",
    "CAMPAIGN_SECTIONS",
    "SAMPLES",
    "Field",
    "Section",
    "blank_values",
    "read_brand",
    "read_campaign",
    "values_of",
]

_E = TypeVar("_E", EntityType, CampaignUseCase)

#: How many sample message fields the form offers (carriers take two to five).
SAMPLES = 5


@attrs.frozen(kw_only=True)
class Field:
    """One control of the form.

    Attributes:
        name: The form field's name: the lint's dotted path of the value.
        label: The label shown.
        kind: ``text``, ``url``, ``email``, ``tel``, ``textarea``, ``select`` or ``checkbox``.
        choices: A select's values.
        hint: A line under the label saying what to enter.
    """

    name: str
    label: str
    kind: str = "text"
    choices: tuple[str, ...] = ()
    hint: str = ""

    @property
    def id(self) -> str:
        """The control's HTML id, from its name."""
        return "f-" + re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-")


@attrs.frozen(kw_only=True)
class Section:
    """A fieldset of the form: its legend and fields."""

    legend: str
    fields: tuple[Field, ...]


def _choices(
    kind: type[EntityType] | type[CampaignUseCase] | type[BrandVertical],
) -> tuple[str, ...]:
    return tuple(member.value for member in kind)


BRAND_SECTIONS = (
    Section(
        legend="Brand: the agency as its tax records name it",
        fields=(
            Field(name="brand.legal_name", label="Legal company name"),
            Field(name="brand.display_name", label="Display name (DBA)"),
            Field(
                name="brand.entity_type",
                label="Entity type",
                kind="select",
                choices=_choices(EntityType),
            ),
            Field(
                name="brand.tax_id",
                label="EIN",
                hint="Two digits, a hyphen, seven digits: "
                "12-3456789. A sole proprietor leaves it empty.",
            ),
            Field(name="brand.tax_id_country", label="Tax id country"),
            Field(
                name="brand.website",
                label="Website",
                kind="url",
                hint="The agency's public website, https://",
            ),
            Field(
                name="brand.vertical",
                label="Vertical",
                kind="select",
                choices=_choices(BrandVertical),
            ),
            Field(name="brand.stock_symbol", label="Stock symbol (public company)"),
            Field(name="brand.stock_exchange", label="Stock exchange (public company)"),
            Field(
                name="brand.brand_contact_email",
                label="Brand contact e-mail (public company)",
                kind="email",
                hint="Gets the registry's confirmation e-mail (2FA).",
            ),
            Field(
                name="brand.low_volume",
                label="Low-volume brand (under about 6,000 segments a day)",
                kind="checkbox",
            ),
        ),
    ),
    Section(
        legend="Brand address",
        fields=(
            Field(name="brand.address.street", label="Street"),
            Field(name="brand.address.city", label="City"),
            Field(name="brand.address.region", label="State or region"),
            Field(name="brand.address.postal_code", label="Postal code"),
            Field(name="brand.address.country", label="Country"),
        ),
    ),
    Section(
        legend="Brand contact",
        fields=(
            Field(name="brand.contact.first_name", label="First name"),
            Field(name="brand.contact.last_name", label="Last name"),
            Field(name="brand.contact.email", label="E-mail", kind="email"),
            Field(name="brand.contact.phone", label="Phone", kind="tel"),
            Field(name="brand.contact.title", label="Title"),
        ),
    ),
)

CAMPAIGN_SECTIONS = (
    Section(
        legend="Campaign: what recruiters text about, and how candidates agree to it",
        fields=(
            Field(
                name="campaign.use_case",
                label="Use case",
                kind="select",
                choices=_choices(CampaignUseCase),
            ),
            Field(name="campaign.description", label="Campaign description", kind="textarea"),
            Field(
                name="campaign.message_flow",
                label="How candidates opt in (message flow)",
                kind="textarea",
            ),
            Field(
                name="campaign.has_embedded_links",
                label="The messages contain links",
                kind="checkbox",
            ),
            Field(
                name="campaign.has_embedded_phone",
                label="The messages contain phone numbers",
                kind="checkbox",
            ),
            Field(name="campaign.subscriber_opt_in", label="Candidates opt in", kind="checkbox"),
            Field(name="campaign.age_gated", label="Age-gated content", kind="checkbox"),
            Field(name="campaign.direct_lending", label="Direct lending", kind="checkbox"),
        ),
    ),
    Section(
        legend="Sample messages (two to five)",
        fields=tuple(
            Field(
                name=f"campaign.sample_messages[{index}]",
                label=f"Sample message {index + 1}",
                kind="textarea",
            )
            for index in range(SAMPLES)
        ),
    ),
    Section(
        legend="Policy pages",
        fields=(
            Field(name="campaign.privacy_policy_url", label="Privacy Policy URL", kind="url"),
            Field(
                name="campaign.terms_and_conditions_url", label="Terms & Conditions URL", kind="url"
            ),
        ),
    ),
    Section(
        legend="Keywords and replies",
        fields=(
            Field(
                name="campaign.opt_in_keywords",
                label="Opt-in keywords",
                hint="Comma-separated, e.g. START, YES",
            ),
            Field(
                name="campaign.opt_in_message", label="Opt-in confirmation message", kind="textarea"
            ),
            Field(name="campaign.opt_out_keywords", label="Opt-out keywords"),
            Field(
                name="campaign.opt_out_message",
                label="Opt-out confirmation message",
                kind="textarea",
            ),
            Field(name="campaign.help_keywords", label="Help keywords"),
            Field(name="campaign.help_message", label="Help message", kind="textarea"),
        ),
    ),
)

_CHECKED = "on"
_NAMES = frozenset(f.name for s in BRAND_SECTIONS + CAMPAIGN_SECTIONS for f in s.fields)


def blank_values(policy: PolicySettings) -> dict[str, str]:
    """An empty form's values: the usual defaults, the policy URLs from the policy settings."""
    return {
        "brand.entity_type": EntityType.PRIVATE_PROFIT.value,
        "brand.tax_id_country": "US",
        "brand.vertical": BrandVertical.HUMAN_RESOURCES.value,
        "brand.address.country": "US",
        "campaign.use_case": CampaignUseCase.CUSTOMER_CARE.value,
        "campaign.privacy_policy_url": policy.privacy_policy_url or "",
        "campaign.terms_and_conditions_url": policy.terms_and_conditions_url or "",
        "campaign.opt_out_keywords": "STOP",
        "campaign.help_keywords": "HELP",
        "campaign.subscriber_opt_in": _CHECKED,
    }


def values_of(brand: BrandProfile | None, campaign: CampaignProfile | None) -> dict[str, str]:
    """The form's values for forms on record (a failed step's, to fix and resubmit)."""
    values: dict[str, str] = {}
    if brand is not None:
        values.update(_flat("brand", attrs.asdict(brand, recurse=False)))
        values.update(_flat("brand.address", attrs.asdict(brand.address)))
        contact = attrs.asdict(brand.contact, recurse=False)
        contact["phone"] = brand.contact.phone.e164
        values.update(_flat("brand.contact", contact))
    if campaign is not None:
        flat = attrs.asdict(campaign, recurse=False)
        samples = flat.pop("sample_messages")
        values.update(_flat("campaign", flat))
        for index, sample in enumerate(samples):
            values[f"campaign.sample_messages[{index}]"] = sample
    return {name: value for name, value in values.items() if name in _NAMES}


def _flat(prefix: str, fields: Mapping[str, object]) -> dict[str, str]:
    values = {}
    for key, value in fields.items():
        if isinstance(value, bool):
            values[f"{prefix}.{key}"] = _CHECKED if value else ""
        elif isinstance(value, tuple):
            values[f"{prefix}.{key}"] = ", ".join(str(item) for item in value)
        elif isinstance(value, str):
            values[f"{prefix}.{key}"] = value
        elif value is None:
            values[f"{prefix}.{key}"] = ""
    return values


class _Reader:
    """Reads the posted fields, collecting what cannot be read as findings."""

    def __init__(self, given: Given) -> None:
        self.given = given
        self.problems: list[LintIssue] = []

    def text(self, name: str) -> str:
        return self.given.field(name).strip()

    def flag(self, name: str) -> bool:
        return self.given.field(name) == _CHECKED

    def words(self, name: str) -> tuple[str, ...]:
        return tuple(word.strip() for word in self.given.field(name).split(",") if word.strip())

    def choice(self, name: str, kind: type[_E]) -> _E | None:
        value = self.text(name)
        try:
            return kind(value)
        except ValueError:
            self.unreadable(
                name,
                f"{value[:40]!r} is not one of the choices",
                f"choose one of {', '.join(_choices(kind))}",
            )
            return None

    def phone(self, name: str) -> PhoneNumber | None:
        value = self.text(name)
        if not value:
            self.unreadable(name, "the phone number is empty", "enter the contact's phone number")
            return None
        try:
            return PhoneNumber.parse(value)
        except SmsError as err:
            self.unreadable(name, str(err), "enter a phone number, e.g. +1 415 555 0134")
            return None

    def unreadable(self, name: str, problem: str, fix: str) -> None:
        self.problems.append(
            LintIssue(
                severity=LintSeverity.ERROR, rule="unreadable", field=name, problem=problem, fix=fix
            )
        )


def read_brand(given: Given) -> tuple[BrandProfile | None, tuple[LintIssue, ...]]:
    """The posted brand form, or ``None`` and why a value could not be read."""
    read = _Reader(given)
    entity = read.choice("brand.entity_type", EntityType)
    phone = read.phone("brand.contact.phone")
    if entity is None or phone is None:
        return None, tuple(read.problems)
    public = entity is EntityType.PUBLIC_PROFIT
    brand = BrandProfile(
        legal_name=read.text("brand.legal_name"),
        display_name=read.text("brand.display_name"),
        entity_type=entity,
        tax_id=read.text("brand.tax_id"),
        tax_id_country=read.text("brand.tax_id_country") or "US",
        address=PostalAddress(
            street=read.text("brand.address.street"),
            city=read.text("brand.address.city"),
            region=read.text("brand.address.region"),
            postal_code=read.text("brand.address.postal_code"),
            country=read.text("brand.address.country") or "US",
        ),
        website=read.text("brand.website"),
        vertical=read.text("brand.vertical"),
        contact=BrandContact(
            first_name=read.text("brand.contact.first_name"),
            last_name=read.text("brand.contact.last_name"),
            email=read.text("brand.contact.email"),
            phone=phone,
            title=read.text("brand.contact.title"),
        ),
        stock_symbol=read.text("brand.stock_symbol") or None if public else None,
        stock_exchange=read.text("brand.stock_exchange") or None if public else None,
        brand_contact_email=read.text("brand.brand_contact_email"),
        low_volume=read.flag("brand.low_volume"),
    )
    return brand, ()


def read_campaign(given: Given) -> tuple[CampaignProfile | None, tuple[LintIssue, ...]]:
    """The posted campaign form, or ``None`` and why a value could not be read."""
    read = _Reader(given)
    use_case = read.choice("campaign.use_case", CampaignUseCase)
    if use_case is None:
        return None, tuple(read.problems)
    samples = (read.text(f"campaign.sample_messages[{index}]") for index in range(SAMPLES))
    campaign = CampaignProfile(
        use_case=use_case,
        description=read.text("campaign.description"),
        message_flow=read.text("campaign.message_flow"),
        sample_messages=tuple(sample for sample in samples if sample),
        has_embedded_links=read.flag("campaign.has_embedded_links"),
        has_embedded_phone=read.flag("campaign.has_embedded_phone"),
        privacy_policy_url=read.text("campaign.privacy_policy_url"),
        terms_and_conditions_url=read.text("campaign.terms_and_conditions_url"),
        opt_in_message=read.text("campaign.opt_in_message"),
        opt_out_message=read.text("campaign.opt_out_message"),
        help_message=read.text("campaign.help_message"),
        opt_in_keywords=read.words("campaign.opt_in_keywords"),
        opt_out_keywords=read.words("campaign.opt_out_keywords"),
        help_keywords=read.words("campaign.help_keywords"),
        subscriber_opt_in=read.flag("campaign.subscriber_opt_in"),
        age_gated=read.flag("campaign.age_gated"),
        direct_lending=read.flag("campaign.direct_lending"),
    )
    return campaign, ()
