"""Compliance-cleaned content. Review-solicitation wording is stripped from every text a
document prints before it reaches the HTML: product and translator texts, image alt text, the
layouts' gettext wording and literal template text. The brand file's names, address and URLs
(the support URL is the QR payload) are checked too: they cannot be cleaned, so a finding there
is an error. Every removal is a finding with its place.

The rules and the engine live in :mod:`generator.compliance.engine`; this stage decides what is checked,
with which profile (the marketplace's, else the brand's) and allow-list.
"""

from __future__ import annotations

import functools
import html
import re
from pathlib import Path

from babel.support import NullTranslations
from jinja2 import Environment, TemplateError, meta

from generator.catalog import LoadedCatalog, LoadedProduct
from generator.catalog.layouts import ResolvedLayout, display_path, template_finding
from generator.compliance.engine import (
    AllowEntry,
    Scan,
    checker,
    links_in,
    most_specific,
    url_host,
    url_problems,
)
from generator.compliance.gate import Gate
from generator.content.localize import Section, Text
from generator.findings import Finding, Severity
from generator.i18n.wording import wording

#: Section texts a card cannot print without.
REQUIRED = ("name", "headline", "message")


def compliance_profile(catalog: LoadedCatalog, marketplace: str) -> str:
    """The marketplace's profile when it sets one, else the brand's."""
    market = catalog.brand.marketplaces[marketplace]
    return market.compliance_profile or catalog.brand.compliance_profile


def allow_list(catalog: LoadedCatalog) -> tuple[AllowEntry, ...]:
    return tuple(AllowEntry(a.phrase, a.reason) for a in catalog.brand.allow)


def declared_domains(catalog: LoadedCatalog) -> tuple[str, ...]:
    """The hosts a card may link to: every support URL's, the manufacturer's and responsible
    persons' websites, and the brand's ``domains:``."""
    brand = catalog.brand
    urls = [m.support.url for m in brand.marketplaces.values()]
    urls += [w for w in [brand.manufacturer.website,
                         *(p.website for p in brand.responsible_persons.values())] if w]
    hosts = {h for h in map(url_host, urls) if h} | set(brand.domains)
    return tuple(sorted(hosts))


def link_findings(text: str, domains: tuple[str, ...], *, source, line, column, field, sku,
                  locale) -> list[Finding]:
    """Every link written in a printed text must lead to the brand's own domains: a short link
    or another host is an error (the card cannot vouch for where it leads)."""
    found = (_link_finding(link, domains, source=source, line=line, column=column, field=field,
                           sku=sku, locale=locale) for _, _, link in links_in(text))
    return [finding for finding in found if finding is not None]


def _link_finding(link: str, domains: tuple[str, ...], **place) -> Finding | None:
    """The error for one printed link that is not safe (``None`` when it is): ``link`` as
    written, with or without its scheme."""
    url = link if re.match(r"(?i)https?://", link) else f"https://{link.removeprefix('//')}"
    problems = url_problems(url, domains)
    if not problems:
        return None
    problem = most_specific(problems)
    return Finding(code="compliance.link", category=problem.category,
                   message=f'expected a link to the brand\'s own domains ({", ".join(domains)}), '
                           f'got "{link}": {problem.message} (rule {problem.rule})',
                   extra={"rule": problem.rule, "match": link}, **place)


def clean_document(catalog: LoadedCatalog, loaded: LoadedProduct, marketplace: str,
                   sections: list[Section], url: str, layout: ResolvedLayout,
                   env: Environment) -> list[Finding]:
    """The compliance stage for one document: its texts cleaned in place, the brand file's
    texts and URLs and the layout's literal template text (read through ``env``) checked."""
    findings = clean_sections(catalog, loaded, marketplace, sections, url)
    return findings + check_layout_text(env, layout, catalog)


def document_gate(catalog: LoadedCatalog, loaded: LoadedProduct, marketplace: str,
                  sections: list[Section], url: str) -> Gate:
    """What the PDF gate checks a cleaned document's rendered text with (only built for a
    document that will be rendered)."""
    return Gate(tuple(s.locale for s in sections), compliance_profile(catalog, marketplace),
                allow_list(catalog), checked_texts(catalog, loaded, marketplace, sections, url))


def clean_sections(catalog: LoadedCatalog, loaded: LoadedProduct, marketplace: str,
                   sections: list[Section], url: str) -> list[Finding]:
    """Clean every text of ``sections`` in place; return what was removed or allowed."""
    profile = compliance_profile(catalog, marketplace)
    allow = allow_list(catalog)
    domains = declared_domains(catalog)
    sku = loaded.product.sku
    findings: list[Finding] = []
    for section in sections:
        required = {id(getattr(section, name)) for name in REQUIRED}
        for text in section.texts():
            text.value, found = clean_text(text, section.locale, sku, profile, allow,
                                           required=id(text) in required, domains=domains)
            findings += found
        # A tip (or any list item) left empty is dropped, not printed as an empty bullet.
        section.tips = [tip for tip in section.tips if tip.value]
        cleaned, found = clean_wording(section.locale, catalog.root, profile, allow)
        findings += [_for_document(f, sku) for f in found]
        section.translations = CleanedTranslations(section.translations, cleaned)
    findings += check_brand(catalog, marketplace, url, sku)
    return _unique(findings)


_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")


def checked_texts(catalog: LoadedCatalog, loaded: LoadedProduct, marketplace: str,
                  sections: list[Section], url: str) -> tuple[str, ...]:
    """Every text this stage has checked for a document, as the PDF prints it (spaces
    collapsed), longest first: the PDF gate takes them out and scans what is left."""
    brand, product = catalog.brand, loaded.product
    texts = [brand.name, brand.manufacturer.name, brand.manufacturer.address, product.name,
             product.model, product.sku, url, url.removeprefix("https://")]
    profile, allow = compliance_profile(catalog, marketplace), allow_list(catalog)
    for section in sections:
        texts += [t.value for t in section.texts()] + section.hours + [section.language_name]
        cleaned, _ = clean_wording(section.locale, catalog.root, profile, allow)
        for entry in wording(section.locale, catalog.root):
            texts += _PLACEHOLDER.split(cleaned.get(entry.text, entry.text))
    unique = {" ".join(t.split()) for t in texts if t}
    return tuple(sorted((t for t in unique if len(t) >= 3), key=len, reverse=True))


def clean_text(text: Text, locale: str, sku: str | None, profile: str,
               allow: tuple[AllowEntry, ...], *, required: bool,
               domains: tuple[str, ...] | None = None) -> tuple[str, list[Finding]]:
    """The text without its offending sentences, and a finding per removal (an error when a
    ``required`` text is left empty)."""
    scan = checker(text.locale).scan(text.value, profile=profile, allow=allow)
    findings = scan_findings(scan, source=text.source, line=text.line, column=text.column,
                             field=text.field, sku=sku, locale=locale)
    if domains is not None:
        # On the text as written: a short link is an error even in a sentence that goes.
        findings += link_findings(text.value, domains, source=text.source, line=text.line,
                                  column=text.column, field=text.field, sku=sku, locale=locale)
    if scan.removals and not scan.clean and required:
        findings.append(Finding(
            code="compliance.emptied", category=scan.removals[0].primary.category,
            source=text.source, line=text.line, column=text.column, field=text.field, sku=sku,
            locale=locale, message="expected some text left once review solicitation is removed, "
            "got nothing: rewrite this text without it"))
    return scan.clean, findings


def scan_findings(scan: Scan, *, source: str | None, line: int | None, column: int | None,
                  field: str | None, sku: str | None, locale: str | None,
                  severity: Severity = Severity.WARNING) -> list[Finding]:
    """One finding per removed sentence, one per allowed match."""
    findings = []
    for removal in scan.removals:
        match = removal.primary
        # A warning means the build prints the text without the sentence; an error means the
        # text cannot be cleaned (a template, a name) and the document fails.
        removed = severity is not Severity.ERROR
        message = (f'removed "{removal.sentence}"' if removed else
                   f'expected text without review solicitation, got "{removal.sentence}"')
        findings.append(Finding(
            code=f"compliance.{match.category}", severity=severity, category=match.category,
            action="removed" if removed else "reported", source=source, line=line, column=column,
            field=field, sku=sku, locale=locale,
            message=f'{message}: {match.message} (rule {match.rule}, matched "{match.match}")',
            extra={"rule": match.rule, "match": match.match, "start": match.start,
                   "end": match.end, "rules": sorted({m.rule for m in removal.matches}),
                   "before": scan.text, "after": scan.clean}))
    for suspect in scan.suspects:
        match = suspect.matches[0]
        findings.append(Finding(
            code="compliance.suspect", severity=Severity.WARNING, category="suspect",
            action="review", source=source, line=line, column=column, field=field, sku=sku,
            locale=locale,
            message=f'printed unchanged but may solicit a review: "{suspect.sentence}": '
                    f"{suspect.reason} (rule {match.rule}); rewrite it, or allow the phrase "
                    "in brand.yaml if it is fine",
            extra={"rule": match.rule, "match": match.match, "start": suspect.start,
                   "end": suspect.end}))
    for allowed in scan.allowed:
        match = allowed.match
        findings.append(Finding(
            code="compliance.allowed", severity=Severity.INFO, category=match.category,
            action="allowed", source=source, line=line, column=column, field=field, sku=sku,
            locale=locale, message=f'kept "{match.match}" ({match.rule}): {allowed.reason}',
            extra={"rule": match.rule, "match": match.match, "start": match.start,
                   "end": match.end}))
    return findings


def check_unprinted(catalog: LoadedCatalog, loaded: LoadedProduct) -> list[Finding]:
    """Translators' files of locales that no document of the product prints yet: checked too
    (``insertgen check`` covers every locale file), each problem a warning to fix before the
    locale is added to a document."""
    printed = {locale for doc in loaded.product.documents for locale in doc.locales}
    allow = allow_list(catalog)
    findings: list[Finding] = []
    for locale, file in sorted(loaded.translations.items()):
        if locale in printed:
            continue
        for key, entry in file.units.items():
            if entry.text:
                text = Text(entry.text, file.path, entry.line, entry.column, key, locale)
                findings += clean_text(text, locale, loaded.product.sku,
                                       catalog.brand.compliance_profile, allow, required=False,
                                       domains=declared_domains(catalog))[1]
    return findings


# --- layout wording -------------------------------------------------------------------------


class CleanedTranslations(NullTranslations):
    """Gettext lookups that return the cleaned form of a translated layout string."""

    def __init__(self, inner: NullTranslations, cleaned: dict[str, str]):
        super().__init__()
        self.inner = inner
        self.cleaned = cleaned
        # The glyph check reads the translated strings from ``_catalog``.
        self._catalog = {key: cleaned.get(value, value) if isinstance(value, str) else value
                         for key, value in getattr(inner, "_catalog", {}).items()}

    def gettext(self, message):
        text = self.inner.gettext(message)
        return self.cleaned.get(text, text)

    def ngettext(self, singular, plural, n):
        text = self.inner.ngettext(singular, plural, n)
        return self.cleaned.get(text, text)


@functools.cache
def clean_wording(locale: str, catalog_root: Path, profile: str,
                  allow: tuple[AllowEntry, ...]) -> tuple[dict[str, str], tuple[Finding, ...]]:
    """Every translated layout string of ``locale`` checked once: the cleaned forms (only those
    that changed) and the findings, an error when a string is emptied."""
    cleaned: dict[str, str] = {}
    findings: list[Finding] = []
    for entry in wording(locale, catalog_root):
        scan = checker(locale).scan(entry.text, profile=profile, allow=allow)
        field = f'msgid "{entry.msgid[:40]}"'
        findings += scan_findings(scan, source=entry.source, line=entry.line, column=None,
                                  field=field, sku=None, locale=locale)
        if scan.removals:
            cleaned[entry.text] = scan.clean
            if not scan.clean:
                findings.append(Finding(
                    code="compliance.emptied", category=scan.removals[0].primary.category,
                    source=entry.source, line=entry.line, field=field, locale=locale,
                    message="expected a layout string left once review solicitation is removed, "
                            "got nothing: rewrite this translation without it"))
    return cleaned, tuple(findings)


_TAG = re.compile(r"<[^>]*>")


def check_layout_text(env: Environment, layout: ResolvedLayout, catalog: LoadedCatalog) -> list[Finding]:
    """Literal text written into the layout's templates (a template cannot be cleaned, so a
    finding here is an error that fails the document)."""
    template = f"{layout.name}/{layout.spec.template}"
    try:
        return list(_layout_findings(env, template, catalog.root, catalog.brand.source_locale,
                                     catalog.brand.compliance_profile, declared_domains(catalog)))
    except TemplateError as error:  # a missing include or a refused file fails this document
        return [template_finding(layout, error, catalog.root)]


@functools.cache
def _layout_findings(env, template: str, root: Path, language: str, profile: str,
                     domains: tuple[str, ...]) -> tuple[Finding, ...]:
    findings: list[Finding] = []
    for name in _templates(env, template):
        source, filename = env.loader.get_source(env, name)[:2]
        display = display_path(filename, root)
        findings += _literal_findings(env, source, display, language, profile)
        findings += _literal_links(env, source, display, domains)
    return tuple(findings)


_HREF = re.compile(r"""href\s*=\s*["']([^"'{}]+)["']""", re.IGNORECASE)


def _literal_links(env, source: str, display: str, domains: tuple[str, ...]) -> list[Finding]:
    """Links written literally into a template (an ``href`` or a URL in the text): on the
    brand's domains like every printed link."""
    findings = []
    for line, kind, value in env.lex(source):
        if kind not in ("data", "string"):
            continue
        targets = [m.group(1) for m in _HREF.finditer(value)] if kind == "data" else []
        targets += [link for _, _, link in links_in(html.unescape(_TAG.sub(" ", value)))]
        for target in dict.fromkeys(targets):
            if not re.match(r"(?i)(?:https?:)?//|www\.|[a-z0-9-]+(?:\.[a-z0-9-]+)+/", target):
                continue  # a relative path, mailto:, tel: or an anchor
            at = value.find(target)
            finding = _link_finding(target, domains, source=display,
                                    line=line + value[:max(at, 0)].count("\n"),
                                    field="template text")
            if finding is not None:
                findings.append(finding)
    return findings


def _templates(env, first: str) -> list[str]:
    """The template and every template it extends or includes."""
    seen: list[str] = []
    todo = [first]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.append(name)
        source = env.loader.get_source(env, name)[0]
        todo += [n for n in meta.find_referenced_templates(env.parse(source)) if n]
    return seen


@functools.cache
def _literal_scan(text: str, language: str, profile: str) -> Scan:
    return checker(language).scan(text, profile=profile)


def _literal_findings(env, source: str, display: str, language: str, profile: str) -> list[Finding]:
    findings = []
    for line, kind, value in env.lex(source):
        if kind == "data":
            text = html.unescape(_TAG.sub(" ", value))
        elif kind == "string":
            text = value
        else:
            continue
        for piece in (p for p in text.splitlines() if p.strip()):
            scan = _literal_scan(piece.strip(), language, profile)
            findings += scan_findings(scan, source=display, line=line, column=None,
                                      field="template text", sku=None, locale=None,
                                      severity=Severity.ERROR)
    return findings


# --- URLs -----------------------------------------------------------------------------------


def check_brand(catalog: LoadedCatalog, marketplace: str, url: str, sku: str) -> list[Finding]:
    """The brand file's printed texts (brand and manufacturer name, address) and URLs. They are
    names and addresses, not prose, so they are never cleaned: a finding is an error."""
    findings = []
    brand = catalog.brand
    for path, value in ((("name",), brand.name), (("manufacturer", "name"), brand.manufacturer.name),
                        (("manufacturer", "address"), brand.manufacturer.address)):
        scan = checker(brand.source_locale).scan(value, profile=compliance_profile(catalog, marketplace),
                                                 allow=allow_list(catalog))
        line, column = catalog.brand_mark(path)
        findings += scan_findings(scan, source=catalog.brand_source, line=line, column=column,
                                  field=".".join(path), sku=sku, locale=None, severity=Severity.ERROR)
    return findings + check_urls(catalog, marketplace, url, sku)


def check_urls(catalog: LoadedCatalog, marketplace: str, url: str, sku: str) -> list[Finding]:
    """The support URL (QR payload) and the manufacturer's website: https only, no review page
    or form, no promotion code. A URL cannot be cleaned, so a problem is an error."""
    findings = []
    places = [(("marketplaces", marketplace, "support", "url"), url)]
    if catalog.brand.manufacturer.website:
        places.append((("manufacturer", "website"), catalog.brand.manufacturer.website))
    domains = declared_domains(catalog)
    for path, value in places:
        problems = url_problems(value, domains)
        if not problems:
            continue
        problem = most_specific(problems)
        line, column = catalog.brand_mark(path)
        findings.append(Finding(
            code=f"compliance.{problem.category}", category=problem.category,
            source=catalog.brand_source, line=line, column=column, field=".".join(path), sku=sku,
            message=f'expected a URL that is safe to print, got "{value}": {problem.message} '
                    f"(rule {problem.rule})",
            extra={"rule": problem.rule, "match": problem.match,
                   "rules": sorted({p.rule for p in problems})}))
    return findings


def _for_document(finding: Finding, sku: str) -> Finding:
    return Finding(**{**finding.__dict__, "sku": sku})


def _unique(findings: list[Finding]) -> list[Finding]:
    seen, out = set(), []
    for finding in findings:
        key = (finding.code, finding.source, finding.line, finding.field, finding.message,
               finding.locale)
        if key not in seen:
            seen.add(key)
            out.append(finding)
    return out

