"""Typed models of the catalog: the brand file, product files and translators' locale files.

These pydantic models are the declared schema (``insertgen schema`` prints them as JSON Schema).
Every field carries its documentation; unknown keys are errors (``extra="forbid"``) so a
misspelt key is reported instead of silently ignored. Checks that need more than one file
(does the layout exist? is the locale sold?) live in :mod:`generator.catalog`.
"""

from __future__ import annotations

import dataclasses
import re
import string
from typing import Annotated, Literal

from babel import Locale, UnknownLocaleError
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

URL_PLACEHOLDERS = ("sku", "locale", "locales", "marketplace")
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _expected(what: str) -> PydanticCustomError:
    return PydanticCustomError("insertgen", what)


def _check_locale(code: str) -> str:
    if not re.fullmatch(r"[a-z]{2,3}(-[A-Z][a-z]{3})?(-[A-Z]{2}|-\d{3})?", code):
        raise _expected("expected a locale code such as de, pt-BR or zh-Hans")
    try:
        Locale.parse(code, sep="-")
    except (UnknownLocaleError, ValueError):
        raise _expected("expected a locale code known to CLDR such as de, pt-BR or zh-Hans") from None
    return code


def _check_https_template(url: str) -> str:
    if not url.startswith("https://"):
        raise _expected("expected an https:// URL")
    try:
        fields = [(name, spec, conversion) for _, name, spec, conversion
                  in string.Formatter().parse(url) if name is not None]
    except ValueError:
        raise _expected("expected placeholders written as {sku}, {locale} or {marketplace}") \
            from None
    if any(spec or conversion for _, spec, conversion in fields):
        raise _expected("expected placeholders without a format or conversion, such as {sku}")
    names = {name for name, _, _ in fields}
    unknown = sorted(names - set(URL_PLACEHOLDERS))
    if unknown:
        raise _expected(
            "expected only the placeholders {sku}, {locale}, {locales} and {marketplace} in the URL"
        )
    if re.search(r"\s", url):
        raise _expected("expected a URL without spaces")
    return url


def _check_e164(phone: str) -> str:
    if not re.fullmatch(r"\+[1-9]\d{6,14}", phone):
        raise _expected("expected a phone number in E.164 form such as +4930123456")
    return phone


def _check_email(email: str) -> str:
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}", email):
        raise _expected("expected an e-mail address such as help@example.com")
    return email


def _check_time(value: str) -> str:
    if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value):
        raise _expected("expected a time of day as HH:MM such as 09:00")
    return value


def _check_days(value: str) -> str:
    parts = value.split("-")
    if len(parts) > 2 or any(p not in DAY_NAMES for p in parts):
        raise _expected("expected a day or a range of days such as mon-fri or sat")
    return value


def _check_rel_path(value: str) -> str:
    if value.startswith(("/", "\\")) or re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", value):
        raise _expected("expected a path relative to the catalog folder")
    return value


def _check_gtin(value: str) -> str:
    if not re.fullmatch(r"\d{8}|\d{12,14}", value):
        raise _expected("expected a GTIN/EAN of 8, 12, 13 or 14 digits")
    digits = [int(d) for d in value]
    body, check = digits[:-1], digits[-1]
    total = sum(d * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    if (10 - total % 10) % 10 != check:
        raise _expected("expected a GTIN/EAN with a valid check digit")
    return value


@dataclasses.dataclass(frozen=True)
class JsonSchema:
    """What an editor's JSON Schema says of a checked type (a pattern, a format), so the
    editor flags what the validator above would; the validator's message stays insertgen's."""

    pattern: str
    format: str | None = None

    def __get_pydantic_json_schema__(self, core_schema, handler):
        schema = {**handler(core_schema), "pattern": self.pattern}
        return {**schema, "format": self.format} if self.format else schema


_DAY = "(" + "|".join(DAY_NAMES) + ")"
#: The patterns say in ECMA-262 (JSON Schema's dialect) what the checks above say in Python.
LOCALE_PATTERN = r"^[a-z]{2,3}(-[A-Z][a-z]{3})?(-[A-Z]{2}|-[0-9]{3})?$"
HTTPS_TEMPLATE_PATTERN = r"^https://([^\s{}]|\{\{|\}\}|\{(sku|locale|locales|marketplace)\})*$"
PHONE_PATTERN = r"^\+[1-9][0-9]{6,14}$"
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$"
TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
DAYS_PATTERN = f"^{_DAY}(-{_DAY})?$"
REL_PATH_PATTERN = r"^(?![/\\])(?![a-zA-Z][a-zA-Z0-9+.-]*:)"
GTIN_PATTERN = r"^([0-9]{8}|[0-9]{12,14})$"

LocaleCode = Annotated[str, AfterValidator(_check_locale), JsonSchema(LOCALE_PATTERN)]
HttpsUrlTemplate = Annotated[str, AfterValidator(_check_https_template),
                             JsonSchema(HTTPS_TEMPLATE_PATTERN)]
Phone = Annotated[str, AfterValidator(_check_e164), JsonSchema(PHONE_PATTERN)]
Email = Annotated[str, AfterValidator(_check_email),
                  JsonSchema(EMAIL_PATTERN, "email")]
TimeOfDay = Annotated[str, AfterValidator(_check_time), JsonSchema(TIME_PATTERN)]
Days = Annotated[str, AfterValidator(_check_days), JsonSchema(DAYS_PATTERN)]
RelPath = Annotated[str, AfterValidator(_check_rel_path), JsonSchema(REL_PATH_PATTERN)]
# The check digit is beyond a pattern: the schema checks the digits, `validate` the sum.
Gtin = Annotated[str, AfterValidator(_check_gtin), JsonSchema(GTIN_PATTERN)]
NonEmpty = Annotated[str, Field(min_length=1)]


def translate(max_chars: int, purpose: str) -> dict:
    """Marks a text field as translatable: translators see ``purpose`` and ``max_chars`` in
    their catalogs (the fit check on the rendered card is what decides)."""
    return {"translate": {"max_chars": max_chars, "purpose": purpose}}


class Strict(BaseModel):
    """Base of every catalog model: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# --- brand file -------------------------------------------------------------------------


class Colour(Strict):
    """A brand colour for print (CMYK, used by print profiles) and screen (RGB)."""

    cmyk: tuple[
        Annotated[float, Field(ge=0, le=100)],
        Annotated[float, Field(ge=0, le=100)],
        Annotated[float, Field(ge=0, le=100)],
        Annotated[float, Field(ge=0, le=100)],
    ] = Field(description="Cyan, magenta, yellow, black in percent (0-100).")
    rgb: Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$")] = Field(
        description="The screen colour as #rrggbb, used by the screen profile."
    )


class Colours(Strict):
    """The brand's palette. ``primary`` colours headings and bands, ``accent`` highlights,
    ``text`` is body text (default 100 % black)."""

    primary: Colour = Field(description="Main brand colour: bands, headings.")
    accent: Colour | None = Field(None, description="Highlight colour; defaults to primary.")
    text: Colour = Field(
        Colour(cmyk=(0, 0, 0, 100), rgb="#1a1a1a"), description="Body text colour."
    )


class Hours(Strict):
    """One line of opening hours, e.g. ``{days: mon-fri, open: "09:00", close: "17:00"}``."""

    days: Days = Field(description="A day (mon) or a range of days (mon-fri).")
    open: TimeOfDay = Field(description="Opening time, HH:MM, in the marketplace's time zone.")
    close: TimeOfDay = Field(description="Closing time, HH:MM.")


class Support(Strict):
    """How a buyer reaches the seller on one marketplace."""

    url: HttpsUrlTemplate = Field(
        description="https support page; may use {sku}, {locale}, {marketplace} and {locales} "
        "(the document's locales, comma-separated: a page that offers a choice of languages "
        "on a multi-language card). The QR code on the card points here."
    )
    email: Email | None = Field(None, description="Support e-mail address.")
    phone: Phone | None = Field(None, description="Support phone number in E.164 form.")
    hours: list[Hours] = Field(default_factory=list, description="Opening hours of the phone line.")
    timezone: str = Field("UTC", description="IANA time zone of the opening hours.")

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        from babel.dates import get_timezone

        try:
            get_timezone(value)
        except LookupError:
            raise _expected("expected an IANA time zone such as Europe/Berlin") from None
        return value


class Marketplace(Strict):
    """A marketplace the brand sells on, with its support channels."""

    name: NonEmpty = Field(description="Display name, e.g. Amazon.de.")
    support: Support = Field(description="Support channels printed on the card.")
    compliance_profile: Literal["strict", "neutral-allowed"] | None = Field(
        None, description="Overrides the brand's compliance profile for this marketplace."
    )
    regulations: list[Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]] = Field(
        default_factory=list,
        description="Regulatory blocks the manuals sold here print, e.g. [eu-gpsr, weee, "
        "batteries]; each names what it requires (generator/data/regulations.yaml).",
    )


def _check_country(code: str) -> str:
    if not re.fullmatch(r"[A-Z]{2}", code):
        raise _expected("expected an ISO 3166 country code such as DE or CN")
    return code


Country = Annotated[str, AfterValidator(_check_country), JsonSchema(r"^[A-Z]{2}$")]


class Manufacturer(Strict):
    """Who made the product, printed in small type on the back."""

    name: NonEmpty = Field(description="Legal name of the manufacturer.")
    address: NonEmpty = Field(description="Postal address, one line or several.")
    country: Country | None = Field(
        None, description="ISO 3166 code of the manufacturer's country (decides whether a "
        "market needs a responsible person there).")
    email: Email | None = Field(None, description="Electronic contact address.")
    website: HttpsUrlTemplate | None = Field(None, description="https website.")


class ResponsiblePerson(Strict):
    """The economic operator responsible for the product in a market (EU GPSR art. 16, UK)."""

    name: NonEmpty = Field(description="Legal name.")
    address: NonEmpty = Field(description="Postal address in that market.")
    email: Email | None = Field(None, description="Electronic contact address.")
    website: HttpsUrlTemplate | None = Field(None, description="https website.")


class AllowedPhrase(Strict):
    """An exact phrase the compliance check must not remove, and why."""

    phrase: NonEmpty = Field(description="The exact phrase, as printed.")
    reason: NonEmpty = Field(description="Why it is allowed (shown in every report).")


#: A host name in lower case (the brand's own domains).
DOMAIN_PATTERN = r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"


class Brand(Strict):
    """``brand.yaml``: who sells, how it looks, where and in which languages."""

    name: NonEmpty = Field(description="Brand name as printed (never translated).")
    logo: RelPath | None = Field(None, description="Logo file (SVG or PNG) inside the catalog.")
    colors: Colours = Field(description="Brand colours, each as CMYK plus an RGB pair.")
    source_locale: LocaleCode = Field("en", description="Language the product texts are written in.")
    locales: list[LocaleCode] = Field(min_length=1, description="Every locale the brand sells in.")
    marketplaces: dict[
        Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")], Marketplace
    ] = Field(min_length=1, description="Marketplaces by key (e.g. amazon-de) with support channels.")
    manufacturer: Manufacturer = Field(description="Manufacturer identity.")
    profile: str = Field("print-x4", description="Print profile: print-x4, print-x1a or screen.")
    output_intent: RelPath | None = Field(
        None,
        description="CMYK ICC profile from your printer (inside the catalog). Without it, each "
        "marketplace's region picks one insertgen ships: FOGRA39 (Europe and most markets) or "
        "GRACoL 2006, CGATS TR 006 (North America).",
    )
    colour_conversion: bool = Field(
        True,
        description="Convert RGB artwork (SVG colours, PNG and JPEG pictures) to the output "
        "intent's CMYK when building a CMYK profile. false: RGB artwork is an error instead.",
    )
    compliance_profile: Literal["strict", "neutral-allowed"] = Field(
        "strict", description="Review-wording policy: strict (default) or neutral-allowed."
    )
    domains: list[Annotated[str, Field(pattern=DOMAIN_PATTERN)]] = Field(
        default_factory=list,
        description="More domains the brand controls (e.g. shop.example.com). Every printed "
        "link and QR payload must be on one of these, on a support URL's host or on the "
        "manufacturer's website; short links and other hosts are errors.",
    )
    allow: list[AllowedPhrase] = Field(
        default_factory=list,
        description="Phrases the compliance check lets through, each with the reason (reported as allowed).",
    )
    responsible_persons: dict[Annotated[str, Field(pattern=r"^[a-z]{2}$")], ResponsiblePerson] = Field(
        default_factory=dict,
        description="Responsible person per market, e.g. {eu: {...}, uk: {...}}, required by a "
        "market's regulations when the manufacturer is outside it.",
    )
    fallbacks: dict[LocaleCode, list[LocaleCode]] = Field(
        default_factory=dict,
        description="Locales to try, in order, before the source locale when a text has no "
        "current translation, e.g. {pt-BR: [pt-PT]}. Without an entry a regional locale falls "
        "back to its language (de-AT -> de) when the brand sells in it.",
    )
    stale_translations: Literal["fallback", "keep"] = Field(
        "fallback",
        description="A translation whose source text has changed since (fuzzy): 'fallback' uses "
        "the next locale of the chain, 'keep' prints it anyway; both warn.",
    )


# --- product file -----------------------------------------------------------------------


class Identifiers(Strict):
    """Product identifiers printed on the card and used by the manifest."""

    gtin: Gtin | None = Field(None, description="GTIN / EAN / UPC with a valid check digit.")
    asin: Annotated[str, Field(pattern=r"^[A-Z0-9]{10}$")] | None = Field(
        None, description="Amazon ASIN (10 characters)."
    )
    mpn: str | None = Field(None, description="Manufacturer part number.")


class Image(Strict):
    """A picture of the product, inside the catalog."""

    file: RelPath = Field(description="Image file (SVG, PNG or JPEG) relative to the catalog.")
    alt: NonEmpty = Field(description="Alternative text (source locale).", json_schema_extra=translate(
        150, "Alternative text of the product picture (the HTML's alt attribute; not in the PDF)"))


class Document(Strict):
    """One document to produce for the product."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")] | None = Field(
        None, description="Name used in file names; defaults to the layout name."
    )
    layout: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$")] = Field(
        description="Layout name (a name, not a path), e.g. card-a6 or card-eu-multi.")
    locales: list[LocaleCode] = Field(min_length=1, description="Locales to produce.")
    marketplace: NonEmpty = Field(description="Key of a marketplace in brand.yaml.")
    profile: str | None = Field(None, description="Print profile; defaults to the brand's.")
    edition: Literal["per-language", "combined"] = Field(
        "per-language", description="Manuals: one PDF per locale, or one booklet with every "
        "locale in order (language index and thumb tabs).")


class CardText(Strict):
    """Texts of the after-sales card in the source locale. Left out, ``headline`` and
    ``message`` use insertgen's built-in contact-first wording."""

    headline: str | None = Field(
        None, description="Front headline, e.g. a thank-you line.",
        json_schema_extra=translate(80, "Card front: the headline, a thank-you line"))
    message: str | None = Field(
        None, description="Front paragraph inviting the buyer to contact you first.",
        json_schema_extra=translate(300, "Card front: the paragraph inviting the buyer to contact "
                                         "the seller first when anything is wrong"))
    tips: list[NonEmpty] = Field(
        default_factory=list, max_length=4, description="Up to four short usage tips (back).",
        json_schema_extra=translate(120, "Card back: one short usage tip"),
    )


class Callout(Strict):
    """A numbered label on the overview picture."""

    number: Annotated[int, Field(ge=1, le=99)] = Field(description="The number on the picture.")
    label: NonEmpty = Field(description="What the number points at.",
                            json_schema_extra=translate(40, "Manual overview: the name of a part"))


class Overview(Strict):
    """The product picture with numbered callouts."""

    image: RelPath = Field(description="Picture with the numbers drawn on it.")
    alt: NonEmpty = Field(description="Alternative text.",
                          json_schema_extra=translate(150, "Manual overview: what the picture shows"))
    callouts: list[Callout] = Field(default_factory=list, description="Numbered parts.")


class SafetyNote(Strict):
    """A safety message with its signal word (ANSI Z535.6 / ISO 3864 conventions)."""

    level: Literal["danger", "warning", "caution", "notice"] = Field(
        description="danger: death or serious injury will result; warning: could result; "
        "caution: minor injury could result; notice: damage to the product or property.")
    text: NonEmpty = Field(description="The hazard, its consequence and how to avoid it.",
                           json_schema_extra=translate(300, "Manual safety message (keep the "
                                                            "imperative, precise and complete)"))


class Step(Strict):
    """One step of setting up or using the product, with an optional picture."""

    text: NonEmpty = Field(description="What to do.",
                           json_schema_extra=translate(300, "Manual: one step, an instruction"))
    image: RelPath | None = Field(None, description="Picture of the step.")
    alt: str | None = Field(None, description="Alternative text of the picture.",
                            json_schema_extra=translate(150, "Manual: what the step's picture shows"))


class Trouble(Strict):
    """A row of the troubleshooting table."""

    problem: NonEmpty = Field(description="What the buyer sees.",
                              json_schema_extra=translate(80, "Troubleshooting: the problem"))
    cause: NonEmpty = Field(description="Why it happens.",
                            json_schema_extra=translate(120, "Troubleshooting: the cause"))
    solution: NonEmpty = Field(description="What to do.",
                               json_schema_extra=translate(160, "Troubleshooting: the solution"))


def _check_cldr_unit(value: str | None) -> str | None:
    if value is None:
        return value
    from babel.units import get_unit_name

    try:
        get_unit_name(value, locale="en")
    except Exception:  # noqa: BLE001 - Babel raises several kinds for an unknown unit
        raise _expected("expected a CLDR unit such as volume-liter or power-watt") from None
    return value


CldrUnit = Annotated[str, AfterValidator(_check_cldr_unit)]
Number = float | int
#: Unit symbols written as printed, for units CLDR has no id for (mAh, dBm, lm).
UnitSymbol = Annotated[str, Field(pattern=r"^[^\s{}]{1,12}$")]


def _one_unit(symbol: str | None, info: ValidationInfo) -> str | None:
    if symbol is not None and info.data.get("unit"):
        raise _expected(f"expected either unit ({info.data['unit']}) or symbol, not both")
    return symbol


class Quantity(Strict):
    """A number with its unit, inside a spec's text (``{capacity}``): one value (``5200``),
    alternatives (``[50, 60]``: 50/60 Hz) or a range (``value: 220, to: 240``: 220–240 V)."""

    value: Number | Annotated[list[Number], Field(min_length=2)] = Field(
        description="The number, or alternatives printed with a slash (50/60 Hz).")
    to: Number | None = Field(None, description="Upper end of a range (220–240 V).")
    unit: CldrUnit | None = Field(None, description="CLDR unit id such as electric-volt, "
                                  "duration-hour, frequency-hertz; printed as its symbol (V, h, Hz).")
    symbol: UnitSymbol | None = Field(None, description="A unit CLDR has no id for, as printed "
                                      "(mAh, dBm, lm); used instead of unit.")

    _symbol = field_validator("symbol")(_one_unit)

    @field_validator("to")
    @classmethod
    def _range(cls, to: Number | None, info: ValidationInfo) -> Number | None:
        if to is not None and isinstance(info.data.get("value"), list):
            raise _expected("expected either alternatives (a list of values) or a range (to), "
                            "not both")
        return to


_QUANTITY_NAME = re.compile(r"\{([A-Za-z_]\w*)\}")


class Spec(Strict):
    """A row of the specifications table. The value is a number (``1.7`` with ``unit:
    volume-liter``: 1,7 l in German), a range (``to``) or a text, translated like every other
    text, that names numbers given in ``quantities``: ``"Li-ion {voltage}, {capacity}"``. Every
    number is formatted per locale (decimal and group separators, the unit's symbol and the
    space before it)."""

    name: NonEmpty = Field(description="What is measured.",
                           json_schema_extra=translate(40, "Specifications: the name of a value"))
    # Declared before ``value`` so that the check of ``value`` sees them.
    to: Number | None = Field(None, description="Upper end of a range: value 220, to 240.")
    unit: CldrUnit | None = Field(None, description="CLDR unit such as volume-liter, power-watt, "
                                  "electric-volt, mass-kilogram, length-centimeter, frequency-hertz, "
                                  "duration-hour; printed as its symbol.")
    symbol: UnitSymbol | None = Field(None, description="A unit CLDR has no id for, as printed "
                                      "(mAh, dBm); used instead of unit.")
    quantities: dict[Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")], Quantity] = Field(
        default_factory=dict, description="Numbers a text value names as {name}.")
    value: Number | str = Field(
        description="A number (formatted per locale) or a text; a text may name quantities as "
        "{name}.", json_schema_extra=translate(
            80, "Specifications: a value; keep every {placeholder}: it is a number with its unit, "
                "formatted for your language"))

    _symbol = field_validator("symbol")(_one_unit)

    @field_validator("value")
    @classmethod
    def _consistent(cls, value: Number | str, info: ValidationInfo) -> Number | str:
        if "quantities" not in info.data:  # invalid quantities are reported on their own
            return value
        quantities = info.data["quantities"]
        if not isinstance(value, str):
            if quantities:
                raise _expected("expected a text naming the quantities ({"
                                + "}, {".join(quantities) + "}), got a number")
            return value
        given = [key for key in ("to", "unit", "symbol") if info.data.get(key) is not None]
        if given:
            raise _expected(f"expected a number with {', '.join(given)} (a text value names its "
                            "numbers in quantities)")
        named = set(_QUANTITY_NAME.findall(value))
        missing = sorted(named - set(quantities))
        unused = sorted(set(quantities) - named)
        if missing:
            raise _expected("expected a quantity for every {name} in the text, none for "
                            + ", ".join("{" + n + "}" for n in missing))
        if unused:
            raise _expected("expected the text to name every quantity, no "
                            + ", ".join("{" + n + "}" for n in unused))
        return value


class MarketWarranty(Strict):
    """Warranty terms for some marketplaces, printed there instead of the manual's ``warranty``
    (a longer period in one market, a limited warranty in the US)."""

    marketplaces: list[Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]] = Field(
        min_length=1, description="Keys of marketplaces in brand.yaml, e.g. [amazon-us].")
    text: NonEmpty = Field(description="The warranty terms there.", json_schema_extra=translate(
        900, "Manual: the warranty terms on some marketplaces"))


class Manual(Strict):
    """The product manual: every text is translatable like the card's."""

    in_the_box: list[NonEmpty] = Field(
        default_factory=list, description="What is in the box.",
        json_schema_extra=translate(60, "Manual: one item in the box"))
    overview: Overview | None = Field(None, description="Picture with numbered parts.")
    safety: list[SafetyNote] = Field(default_factory=list, description="Safety messages.")
    setup: list[Step] = Field(default_factory=list, description="Setting up, step by step.")
    operation: list[Step] = Field(default_factory=list, description="Using the product.")
    care: list[NonEmpty] = Field(
        default_factory=list, description="Care and maintenance.",
        json_schema_extra=translate(200, "Manual: care and maintenance advice"))
    troubleshooting: list[Trouble] = Field(default_factory=list, description="Problem table.")
    specs: list[Spec] = Field(default_factory=list, description="Technical specifications.")
    warranty: str | None = Field(
        None, description="Warranty terms.",
        json_schema_extra=translate(900, "Manual: the warranty terms"))
    warranties: list[MarketWarranty] = Field(
        default_factory=list, description="Warranty terms per marketplace, in place of "
        "warranty there; the market's statutory notice follows either (see regulations).")


class Battery(Strict):
    """The product's battery: decides the disposal text the manual prints."""

    removable: bool = Field(description="true: the buyer can take the battery out (the text "
                            "says to remove it before disposal); false: built in, the product "
                            "goes to a collection point whole.")
    chemistry: Literal["li-ion", "li-polymer", "nimh", "alkaline", "lithium"] | None = Field(
        None, description="Battery chemistry, printed in the disposal text when given.")


class RadioBand(Strict):
    """A frequency band the radio transmits in, with its maximum power (RED art. 10(8))."""

    from_mhz: Annotated[float, Field(gt=0)] = Field(description="Lower edge in MHz, e.g. 2400.")
    to_mhz: Annotated[float, Field(gt=0)] = Field(description="Upper edge in MHz, e.g. 2483.5.")
    max_power_dbm: float = Field(description="Maximum radio-frequency power transmitted, in dBm (EIRP).")


def _check_fcc_id(value: str) -> str:
    if not re.fullmatch(FCC_ID_PATTERN.strip("^$"), value):
        raise _expected("expected an FCC ID: a grantee code of 3 or 5 characters and a product "
                        "code, such as 2ABCD-PS5")
    return value


FCC_ID_PATTERN = r"^([A-Z0-9]{3}|[A-Z0-9]{5})-?[A-Z0-9-]{1,14}$"
FccId = Annotated[str, AfterValidator(_check_fcc_id), JsonSchema(FCC_ID_PATTERN)]


class Radio(Strict):
    """Radio equipment (Bluetooth, Wi-Fi): the declarations its manuals print (EU RED, UKCA,
    FCC Part 15), when the marketplace lists those blocks."""

    bands: list[RadioBand] = Field(min_length=1, description="Bands and maximum power.")
    declaration_url: HttpsUrlTemplate | None = Field(
        None, description="https page with the full declarations of conformity (EU and UK); "
        "may use {sku}.")
    fcc_id: FccId | None = Field(
        None, description="FCC ID (grantee code and product code), printed in the FCC block.")


class Product(Strict):
    """``products/<sku>.yaml``: one product and the documents to make for it."""

    sku: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$", max_length=64)] = Field(
        description="Stock keeping unit; used in file names."
    )
    name: NonEmpty = Field(description="Product name as printed (source locale).",
                           json_schema_extra=translate(60, "Product name, printed in the headline "
                                                           "and the imprint"))
    model: NonEmpty = Field(description="Model designation (never translated).")
    identifiers: Identifiers = Field(default_factory=Identifiers, description="GTIN, ASIN, MPN.")
    images: list[Image] = Field(
        default_factory=list, description="Product pictures; the first is used on cards."
    )
    documents: list[Document] = Field(min_length=1, description="Documents to produce.")
    card: CardText = Field(default_factory=CardText, description="Card texts in the source locale.")
    warranty_years: Annotated[int, Field(ge=0, le=30)] | None = Field(
        None, description="Warranty period printed on the card, in years."
    )
    manual: Manual | None = Field(None, description="The manual's content (source locale).")
    battery: Battery | None = Field(None, description="The battery, when the product has one "
                                    "(the batteries block prints only then).")
    radio: Radio | None = Field(None, description="Radio equipment data, when the product "
                                "transmits (the radio blocks print only then).")


# --- translators' locale file -----------------------------------------------------------


class ProductTranslation(Strict):
    """``locales/<locale>/<sku>.yaml``: a translator's text for one product and locale. Any
    field left out falls back to the source locale with a warning."""

    name: str | None = Field(None, description="Translated product name.")
    card: CardText = Field(default_factory=CardText, description="Translated card texts.")
    image_alt: list[str] = Field(default_factory=list, description="Translated alt texts, in image order.")
