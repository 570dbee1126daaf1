"""Compliance-cleaned content. Review-solicitation wording is stripped from every text a
document prints before it reaches the HTML: product and translator texts, image alt text, the
layouts' gettext wording and literal template text. The brand file's names, address and URLs
(the support URL is the QR payload) are checked too: they cannot be cleaned, so a finding there
is an error. Every removal is a finding with its place. The layout's wording and literal text are
judged on what a document prints from them, once its HTML is written (:func:`check_printed`), so
a finding names only the documents that print its text.

The rules and the engine live in :mod:`generator.compliance.engine`; this stage decides what is checked,
with which profile (the marketplace's, else the brand's) and allow-list.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import html
import re
import sys
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
    """The hosts a card may link to: those of the support URLs and of the manufacturer's and
    responsible persons' websites, and the brand's ``domains:``. A URL rejected for what it
    leads to (a review form, a short link, a promotion code) declares nothing, or its own
    rejection would let every other link to that host pass; a link shortener is never the
    brand's, even when ``domains:`` lists it."""
    brand = catalog.brand
    urls = [m.support.url for m in brand.marketplaces.values()]
    urls += [w for w in [brand.manufacturer.website,
                         *(p.website for p in brand.responsible_persons.values())] if w]
    return _declared(tuple(urls), tuple(brand.domains))


@functools.cache
def _declared(urls: tuple[str, ...], domains: tuple[str, ...]) -> tuple[str, ...]:
    hosts = {url_host(url) for url in urls if not url_problems(url)} | set(domains)
    return tuple(sorted(h for h in hosts if h and not _is_shortener(h)))


def _is_shortener(host: str) -> bool:
    return any(p.rule == "common.short-link" for p in url_problems(f"https://{host}/x"))


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
                   sections: list[Section], url: str) -> list[Finding]:
    """The compliance stage for one document: its texts cleaned in place (the layout strings
    through the sections' translations), the brand file's texts and URLs checked. What the
    layout prints is checked once its HTML is written (:func:`check_printed`)."""
    return clean_sections(catalog, loaded, marketplace, sections, url)


def check_printed(catalog: LoadedCatalog, loaded: LoadedProduct, marketplace: str,
                  sections: list[Section], layout: ResolvedLayout, env: Environment,
                  printed: str) -> list[Finding]:
    """What the layout printed in one document, from its HTML (``printed``, the notes page's
    too): the translated layout strings it looked up and the literal template text that
    reached it, checked in every language of the document. A finding names only the documents
    that print its text: a manual's string is not blamed on a card, nor one language's branch
    of a template on another's document."""
    profile, allow = compliance_profile(catalog, marketplace), allow_list(catalog)
    findings: list[Finding] = []
    for section in sections:
        looked_up = getattr(section.translations, "printed", set())
        found = clean_wording(section.locale, catalog.root, profile, allow)[1]
        findings += [_for_document(f, loaded.product.sku)
                     for text, fs in found.items() if text in looked_up for f in fs]
    locales = [s.locale for s in sections]
    return _unique(findings + check_layout_text(env, layout, catalog, marketplace, locales,
                                                printed))


def document_gate(catalog: LoadedCatalog, loaded: LoadedProduct, marketplace: str,
                  sections: list[Section], url: str) -> Gate:
    """What the PDF gate checks a cleaned document's rendered text with (only built for a
    document that will be rendered)."""
    return Gate(tuple(s.locale for s in sections), compliance_profile(catalog, marketplace),
                allow_list(catalog), checked_texts(catalog, loaded, marketplace, sections, url),
                text_sources(catalog, marketplace, sections))


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
        cleaned = clean_wording(section.locale, catalog.root, profile, allow)[0]
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
        cleaned = clean_wording(section.locale, catalog.root, profile, allow)[0]
        for entry in wording(section.locale, catalog.root):
            texts += _PLACEHOLDER.split(cleaned.get(entry.text, entry.text))
    unique = {" ".join(t.split()) for t in texts if t}
    return tuple(sorted((t for t in unique if len(t) >= 3), key=len, reverse=True))


def text_sources(catalog: LoadedCatalog, marketplace: str,
                 sections: list[Section]) -> tuple[tuple[str, str], ...]:
    """The cleaned texts of a document with where each is written (``file:line: field``):
    the PDF gate names the place of a text the cleaning stage passed but the PDF's text layer
    reads differently."""
    profile, allow = compliance_profile(catalog, marketplace), allow_list(catalog)
    sources: set[tuple[str, str]] = set()
    for section in sections:
        for text in section.texts():
            if text.value:
                place = ":".join(str(p) for p in (text.source, text.line, text.column)
                                 if p is not None)
                sources.add((text.value, f"{place}: {text.field}"))
        cleaned = clean_wording(section.locale, catalog.root, profile, allow)[0]
        for entry in wording(section.locale, catalog.root):
            if entry.text in getattr(section.translations, "printed", ()):
                place = f"{entry.source}:{entry.line}" if entry.line else entry.source
                sources.add((cleaned.get(entry.text, entry.text),
                             f"{place}: msgid {quote_msgid(entry.msgid)}"))
    return tuple(sorted(sources, key=lambda source: (source[1], source[0])))


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
    kept = [(allowed.match.start, allowed.match.end) for allowed in scan.allowed]
    for suspect in scan.suspects:
        if any(start < suspect.end and suspect.start < end for start, end in kept):
            # A rule kept this sentence on purpose (a neutral request where the marketplace
            # allows one, an allow-list phrase): it is not also a suspect.
            continue
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
    """Gettext lookups that return the cleaned form of a translated layout string, and note
    which strings the layout looked up (their findings belong to this document only)."""

    def __init__(self, inner: NullTranslations, cleaned: dict[str, str]):
        super().__init__()
        self.inner = inner
        self.cleaned = cleaned
        #: The translations (before cleaning) the templates asked for.
        self.printed: set[str] = set()
        # The glyph check reads the translated strings from ``_catalog``.
        self._catalog = {key: cleaned.get(value, value) if isinstance(value, str) else value
                         for key, value in getattr(inner, "_catalog", {}).items()}

    def gettext(self, message):
        text = self.inner.gettext(message)
        self.printed.add(text)
        return self.cleaned.get(text, text)

    def ngettext(self, singular, plural, n):
        text = self.inner.ngettext(singular, plural, n)
        self.printed.add(text)
        return self.cleaned.get(text, text)


@functools.cache
def clean_wording(locale: str, catalog_root: Path, profile: str, allow: tuple[AllowEntry, ...],
                  ) -> tuple[dict[str, str], dict[str, tuple[Finding, ...]]]:
    """Every translated layout string of ``locale`` checked once: the cleaned forms (only those
    that changed) and the findings by translation (as gettext returns it), an error when a
    string is emptied."""
    cleaned: dict[str, str] = {}
    findings: dict[str, list[Finding]] = {}
    for entry in wording(locale, catalog_root):
        scan = checker(locale).scan(entry.text, profile=profile, allow=allow)
        field = f"msgid {quote_msgid(entry.msgid)}"
        found = scan_findings(scan, source=entry.source, line=entry.line, column=None,
                              field=field, sku=None, locale=locale)
        if scan.removals:
            cleaned[entry.text] = scan.clean
            if not scan.clean:
                found.append(Finding(
                    code="compliance.emptied", category=scan.removals[0].primary.category,
                    source=entry.source, line=entry.line, field=field, locale=locale,
                    message="expected a layout string left once review solicitation is removed, "
                            "got nothing: rewrite this translation without it"))
        if found:
            findings.setdefault(entry.text, []).extend(found)
    return cleaned, {text: tuple(found) for text, found in findings.items()}


#: The longest msgid quoted whole in a finding; a longer one is cut at a word.
MSGID_QUOTE = 80


def quote_msgid(msgid: str) -> str:
    """``msgid`` in double quotes, whole up to :data:`MSGID_QUOTE` characters, else cut after
    the last whole word that fits, with an ellipsis."""
    text = " ".join(msgid.split())
    if len(text) > MSGID_QUOTE:
        cut = text[:MSGID_QUOTE - 1]
        text = (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(",;:") + "…"
    return f'"{text}"'


_TAG = re.compile(r"<[^>]*>")


@dataclasses.dataclass(frozen=True)
class Literal:
    """One run of text written literally into a template: between two block tags (inline tags
    such as ``<strong>`` and line breaks do not end it), or a string."""

    #: The template file, catalog-relative or ``<built-in>/layouts/...``.
    source: str
    #: The run's text, spaces collapsed, inline tags taken out and entities decoded.
    text: str
    #: ``(offset in text, line)`` where each line of the template's run starts.
    lines: tuple[tuple[int, int], ...]
    #: The same text reduced for finding it in a rendered document (:func:`_printed_key`).
    key: str

    def line_at(self, offset: int) -> int:
        """The template line the text at ``offset`` is written on."""
        return self.lines[bisect.bisect_right(self.lines, (offset, sys.maxsize)) - 1][1]


def check_layout_text(env: Environment, layout: ResolvedLayout, catalog: LoadedCatalog,
                      marketplace: str, locales: list[str], printed: str) -> list[Finding]:
    """Literal text written into the layout's templates, checked for the document whose HTML is
    ``printed``: each line of it that the document prints (a branch not taken, a block a child
    replaces, prints nothing), in the document's languages and then the brand's source
    language, until one finds something. A template cannot be cleaned, so a finding is an
    error that fails the document. Links written into the templates are checked too."""
    names = [f"{layout.name}/{layout.spec.template}"]
    if layout.spec.notes_template:
        names.append(f"{layout.name}/{layout.spec.notes_template}")
    domains = declared_domains(catalog)
    try:
        literals = _layout_literals(env, tuple(names), catalog.root)
        findings = list(_layout_links(env, tuple(names), catalog.root, domains))
    except TemplateError as error:  # a missing include or a refused file fails this document
        return [template_finding(layout, error, catalog.root)]
    profile = compliance_profile(catalog, marketplace)
    languages = list(dict.fromkeys([*locales, catalog.brand.source_locale]))
    document = _printed_key(html.unescape(_TAG.sub("", printed)))
    for literal in literals:
        if literal.key not in document:
            continue
        for language in languages:
            found = scan_findings(_literal_scan(literal.text, language, profile),
                                  source=literal.source, line=None, column=None,
                                  field="template text", sku=None, locale=None,
                                  severity=Severity.ERROR)
            if found:
                findings += [dataclasses.replace(f, line=literal.line_at(f.extra["start"]))
                             for f in found]
                break
    return _unique(findings)


#: Left out when looking for a template's text in a rendered document: spaces and the
#: invisible characters typesetting adds (soft hyphens, joiners, bidi isolates).
_UNPRINTED = re.compile(r"[\s\u00ad\u200b-\u200f\u2028-\u202f\u2060-\u206f\ufeff]+")


def _printed_key(text: str) -> str:
    return _UNPRINTED.sub("", text)


#: The end of a tag an expression interrupted (``class="{{ x }}">Text``) at the start of a
#: template's data, and the start of one at its end.
_TAG_ENDS = re.compile(r"^[^<]*>|<[^>]*$")


def _blank(match: re.Match) -> str:
    """A tag taken out of a template's text, its line breaks kept (lines stay counted)."""
    return " " + "\n" * match.group(0).count("\n")


#: Tags inside a run of text: they do not end a sentence.
_INLINE_TAG = re.compile(r"</?(?:a|abbr|b|bdi|bdo|br|cite|code|em|i|kbd|mark|q|s|small|span|"
                         r"strong|sub|sup|time|u|wbr)\b[^>]*>", re.IGNORECASE)


@functools.cache
def _layout_literals(env, names: tuple[str, ...], root: Path) -> tuple[Literal, ...]:
    """Every run of literal text in the templates ``names`` and what they extend or include.
    A sentence a template wraps over lines is one run, so it is read whole."""
    literals: list[Literal] = []
    for display, source in _template_files(env, names, root):
        for line, kind, value in env.lex(source):
            if kind == "data":
                text = _INLINE_TAG.sub(_blank, _TAG_ENDS.sub(_blank, value))
                runs, start = [], 0
                for tag in _TAG.finditer(text):
                    runs.append((start, text[start:tag.start()]))
                    start = tag.end()
                runs.append((start, text[start:]))
            elif kind == "string":
                runs = [(0, value)]
            else:
                continue
            for start, run in runs:
                literal = _literal(display, line + text[:start].count("\n") if kind == "data"
                                   else line, run)
                if literal is not None:
                    literals.append(literal)
    return tuple(literals)


def _literal(display: str, line: int, run: str) -> Literal | None:
    """One run of template text starting on ``line``, ``None`` when it has no letters."""
    words, lines, offset = [], [], 0
    for word in re.finditer(r"\S+", run):
        at = line + run.count("\n", 0, word.start())
        if not lines or lines[-1][1] != at:
            lines.append((offset, at))
        words.append(html.unescape(word.group(0)))
        offset += len(words[-1]) + 1
    text = " ".join(words)
    key = _printed_key(text)
    if not any(ch.isalpha() for ch in key):
        return None
    return Literal(display, text, tuple(lines), key)


@functools.cache
def _layout_links(env, names: tuple[str, ...], root: Path,
                  domains: tuple[str, ...]) -> tuple[Finding, ...]:
    findings: list[Finding] = []
    for display, source in _template_files(env, names, root):
        findings += _literal_links(env, source, display, domains)
    return tuple(findings)


@functools.cache
def _template_files(env, names: tuple[str, ...], root: Path) -> tuple[tuple[str, str], ...]:
    """``(display path, source)`` of the templates ``names`` and every one they extend or
    include, each once."""
    files = []
    for name in dict.fromkeys(n for first in names for n in _templates(env, first)):
        source, filename = env.loader.get_source(env, name)[:2]
        files.append((display_path(filename, root), source))
    return tuple(files)


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
        todo += _referenced(env, name, env.loader.get_source(env, name)[0])
    return seen


@functools.cache
def _referenced(env, name: str, source: str) -> list[str]:
    """The templates ``name`` (as written: ``source``) extends or includes by a literal name."""
    return [n for n in meta.find_referenced_templates(env.parse(source, name)) if n]


@functools.cache
def _literal_scan(text: str, language: str, profile: str) -> Scan:
    return checker(language).scan(text, profile=profile)


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

