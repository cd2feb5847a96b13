"""The project's German catalogue, and English left in a page that should be German.

``catalogue()`` reads ``locale/de/LC_MESSAGES/django.po`` (fuzzy entries count as
untranslated) and adds every msgid that ``makemessages`` finds in the code today, so a
string that was never added to the catalogue is caught too. ``english_leftovers(html)``
names the project's msgids that a page shows untranslated.

A msgid counts when it is shown as a whole: a text node, a ``title``, ``aria-label``,
``placeholder``, ``alt`` or button value that *is* the msgid (Django capitalises labels and
adds a colon, both ignored), or, for a msgid of three words or more, that contains it.
Placeholders (``%(name)s``) match anything. Msgids spelt the same in German (``URL``,
``ID``, ``WARC``) never count.
"""

import ast
import functools
import os
import re
import shutil
import tempfile
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings

PO_FILE = Path(settings.BASE_DIR) / "locale" / "de" / "LC_MESSAGES" / "django.po"
# What makemessages reads besides the apps: not the tests, benchmarks or the virtualenv.
# "locale" too: makemessages would write into any locale/ folder it walks past.
IGNORED = [".venv", "var", "tests", "bench", "artifacts", "node_modules", "docs", ".git", "locale"]
PLACEHOLDER = re.compile(r"%\(\w+\)[sdfr]|%[sdfr]|\{\w*\}")
SHOWN_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
SKIPPED_ELEMENTS = {"script", "style", "template", "textarea", "pre", "code"}


def _unquote(line: str) -> str:
    return ast.literal_eval(line)


def read_po(path: Path) -> dict[str, str]:
    """msgid → msgstr (the singular; "" when untranslated or fuzzy)."""
    entries: dict[str, str] = {}
    msgid = msgstr = None
    fuzzy = False
    field = None

    def flush() -> None:
        if msgid:  # the header has an empty msgid
            entries[msgid] = "" if fuzzy else (msgstr or "")

    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if not line:
            flush()
            msgid = msgstr = None
            fuzzy, field = False, None
        elif line.startswith("#~"):
            continue  # obsolete
        elif line.startswith("#,"):
            fuzzy = "fuzzy" in line
        elif line.startswith("#"):
            continue
        elif line.startswith("msgctxt "):
            field = "ctxt"
        elif line.startswith("msgid_plural "):
            field = "plural"
        elif line.startswith("msgid "):
            msgid, field = _unquote(line[6:]), "msgid"
        elif line.startswith("msgstr[0] ") or line.startswith("msgstr "):
            value = line.split(" ", 1)[1]
            msgstr, field = _unquote(value), "msgstr"
        elif line.startswith("msgstr["):
            field = "other"
        elif line.startswith('"'):
            if field == "msgid":
                msgid = (msgid or "") + _unquote(line)
            elif field == "msgstr":
                msgstr = (msgstr or "") + _unquote(line)
    return entries


@functools.cache
def extracted_msgids() -> frozenset[str]:
    """Every msgid in the code now, by Django's makemessages (needs GNU gettext).

    It runs in a scratch folder of links to the project's code: makemessages writes into
    the ``locale/`` folder next to the code it reads, and the project's catalogue must
    stay as it is.
    """
    if shutil.which("xgettext") is None:
        return frozenset()
    from django.core.management import call_command
    from django.test import override_settings

    base = Path(settings.BASE_DIR)
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        for entry in base.iterdir():
            if entry.name not in IGNORED and not entry.name.startswith("."):
                (scratch / entry.name).symlink_to(entry)
        (scratch / "locale").mkdir()
        previous = os.getcwd()
        os.chdir(scratch)
        try:
            with override_settings(LOCALE_PATHS=[str(scratch / "locale")]):
                call_command(
                    "makemessages",
                    locale=["de"],
                    ignore_patterns=IGNORED,
                    symlinks=True,
                    verbosity=0,
                    no_obsolete=True,
                )
        finally:
            os.chdir(previous)
        return frozenset(read_po(scratch / "locale" / "de" / "LC_MESSAGES" / "django.po"))


def _django_untranslated() -> set[str]:
    """Django's own words that its German catalogues lack (new in a release): the desk
    shows them too, so the project's catalogue translates them."""
    import django

    root = Path(django.__file__).parent
    missing: set[str] = set()
    for po in (root / "conf", root / "contrib" / "admin"):
        path = po / "locale" / "de" / "LC_MESSAGES" / "django.po"
        if path.exists():
            missing.update(msgid for msgid, msgstr in read_po(path).items() if not msgstr)
    return missing


@functools.cache
def catalogue() -> dict[str, str]:
    """The project's msgids and their German ("" when not translated), with the msgids of
    the code that are not in the catalogue yet and Django's untranslated ones."""
    entries = read_po(PO_FILE)
    for msgid in extracted_msgids() | _django_untranslated():
        entries.setdefault(msgid, "")
    return entries


class _Shown(HTMLParser):
    """The strings a page shows a person: text nodes and a few attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.strings: list[str] = []
        self._skipping: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in SHOWN_ATTRIBUTES:
            if values.get(name):
                self.strings.append(values[name] or "")
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.strings.append(values["value"] or "")
        if tag in SKIPPED_ELEMENTS:
            self._skipping.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._skipping and self._skipping[-1] == tag:
            self._skipping.pop()

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.strings.append(data)


def _normal(text: str) -> str:
    return " ".join(text.split())


def shown_strings(html: str) -> list[str]:
    parser = _Shown()
    parser.feed(html)
    return [s for s in (_normal(s) for s in parser.strings) if s]


def _key(text: str) -> str:
    # Django capitalises labels (capfirst) and adds a colon: neither makes it German.
    text = _normal(text).rstrip(":").rstrip()
    return text[:1].lower() + text[1:]


@functools.cache
def _matchers() -> tuple[dict[str, str], list[tuple[str, re.Pattern[str]]]]:
    """Short msgids without placeholders by their key (a shown string must be one of them),
    and a pattern for each other msgid whose German differs from it."""
    exact: dict[str, str] = {}
    patterns = []
    for msgid, msgstr in catalogue().items():
        text = _normal(msgid)
        if not text or _key(text) == _key(msgstr):  # "status" → "Status": the same word
            continue
        words = re.findall(r"[A-Za-z]{2,}", PLACEHOLDER.sub(" ", text))
        if not words:
            continue
        whole = len(words) < 3
        if whole and not PLACEHOLDER.search(text):
            exact[_key(text)] = msgid
            continue
        body = r"[^\n]+?".join(re.escape(part) for part in PLACEHOLDER.split(text))
        if body[:1].isalpha():
            body = f"[{body[0].lower()}{body[0].upper()}]{body[1:]}"
        pattern = rf"^{body}\s*:?$" if whole else rf"(?<![A-Za-z]){body}(?![A-Za-z])"
        patterns.append((msgid, re.compile(pattern, re.MULTILINE)))
    return exact, patterns


@functools.cache
def _german() -> frozenset[str]:
    """Every German text of the running desk (the project's and Django's catalogues): a
    shown string that is one of them is German, even when it is spelt like a msgid
    ("Start" is Django's "Home" in German and the project's "start")."""
    from django.utils.translation import trans_real

    texts = set(catalogue().values())
    for _msgid, msgstr in trans_real.translation("de")._catalog.items():
        texts.update([msgstr] if isinstance(msgstr, str) else msgstr)
    return frozenset(_key(text) for text in texts if text)


def english_leftovers(html: str, *, ignore: frozenset[str] = frozenset()) -> list[str]:
    """The project's msgids that ``html`` shows in English (sorted, each once).

    ``ignore``: strings the page shows as data (user names, a speaker's name).
    """
    strings = [s for s in shown_strings(html) if s not in ignore]
    exact, patterns = _matchers()
    german = _german()
    found = {exact[key] for key in map(_key, strings) if key in exact and key not in german}
    joined = "\n".join(strings)
    found.update(msgid for msgid, pattern in patterns if pattern.search(joined))
    return sorted(found)
