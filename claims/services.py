"""Every change of state to articles, speakers, claims and verdicts.

Services take keyword-only arguments, run in a transaction, validate, and raise domain
errors from ``claims.errors``. The admin, the desk API and the management commands call
these, so they behave identically.
"""

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from . import anchoring
from .defaults import EDITOR_GROUP, FACT_CHECKER_GROUP, sync_desk_groups
from .errors import InvalidInput
from .guards import bump_version, check_version, full_clean, lock_claim, require_permission
from .models import Article, Claim, DismissedSuggestion, Rating, Speaker, Verdict
from .text import clean_text, normalise_newlines

User = get_user_model()

# The longest article: in characters (code points) wherever text arrives (the admin, the
# desk API), in bytes for an article file (UTF-8: never more characters than bytes). The
# request body limits (``DATA_UPLOAD_MAX_MEMORY_SIZE``) are derived from it.
MAX_ARTICLE_CHARS = 5 * 1024 * 1024
MAX_ARTICLE_BYTES = MAX_ARTICLE_CHARS
_DATE_LINE_RE = re.compile(r"^\s*date\s+([0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?)\b\s*")


def _unique_slug(model: type, base: str, *, max_length: int) -> str:
    root = (slugify(base) or "x")[: max_length - 7].strip("-") or "x"
    slug = root
    while model.objects.filter(slug=slug).exists():
        slug = f"{root}-{secrets.token_hex(3)}"
    return slug


# --- Articles -------------------------------------------------------------------------


def split_date_line(raw: str) -> tuple[str, str]:
    """Split a leading ``date 2022-01`` marker off an article file: (published_on, text)."""
    match = _DATE_LINE_RE.match(raw)
    if not match:
        return "", raw.strip()
    return match.group(1), raw[match.end() :].strip()


def normalise_text(text: str) -> str:
    """One newline convention: browsers post CRLF, files may have CR; positions must agree."""
    return normalise_newlines(text)


def _article_text(text: str) -> str:
    """An article's text, checked: not empty, no NUL (a binary file), not too long, and
    no character the text rule refuses (``claims.text``); newlines normalised."""
    text = normalise_text(text or "")
    if not text.strip():
        raise InvalidInput(_("The article text is empty."))
    if "\x00" in text:
        raise InvalidInput(_("The article text contains NUL bytes; is it a binary file?"))
    if len(text) > MAX_ARTICLE_CHARS:
        raise InvalidInput(
            _("The article text is too long (%(length)d characters; at most %(max)d).")
            % {"length": len(text), "max": MAX_ARTICLE_CHARS},
            field="text",
        )
    return clean_text(text, field="text")


def _clean_optional(value: str | None, *, field: str) -> str:
    return clean_text(value or "", field=field)


def _default_title(text: str) -> str:
    first = re.split(r"(?<=[.!?])\s", text.strip(), maxsplit=1)[0]
    return first if len(first) <= 120 else first[:119].rstrip() + "…"


@transaction.atomic
def article_create(
    *,
    title: str,
    text: str,
    language: str = "de",
    outlet: str = "",
    url: str = "",
    published_on: str = "",
    created_by: AbstractBaseUser | None = None,
) -> Article:
    text = _article_text(text)
    article = Article(
        title=_clean_optional(title, field="title").strip() or _default_title(text),
        text=text,
        language=language,
        outlet=_clean_optional(outlet, field="outlet"),
        url=_clean_optional(url, field="url"),
        published_on=published_on,
        created_by=created_by,
    )
    full_clean(article)
    article.save()
    return article


def read_article_file(path: str | Path) -> tuple[str, str]:
    """Read an article text file; returns (published_on, text) or raises InvalidInput."""
    path = Path(path)
    if not path.exists():
        raise InvalidInput(_("The file %(path)s does not exist.") % {"path": path})
    if not path.is_file():
        raise InvalidInput(_("%(path)s is not a file.") % {"path": path})
    size = path.stat().st_size
    if size > MAX_ARTICLE_BYTES:
        raise InvalidInput(
            _("The file %(path)s is too large (%(size)d bytes; at most %(max)d).")
            % {"path": path, "size": size, "max": MAX_ARTICLE_BYTES}
        )
    data = path.read_bytes()
    if not data.strip():
        raise InvalidInput(_("The file %(path)s is empty.") % {"path": path})
    if b"\x00" in data:
        raise InvalidInput(
            _("The file %(path)s looks binary (it contains NUL bytes); expected UTF-8 text.")
            % {"path": path}
        )
    try:
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidInput(
            _("The file %(path)s is not valid UTF-8 (byte %(pos)d); convert it to UTF-8 first.")
            % {"path": path, "pos": error.start}
        ) from error
    published_on, text = split_date_line(normalise_text(raw))
    if not text:
        raise InvalidInput(_("The file %(path)s has no text after its date line.") % {"path": path})
    return published_on, text


def article_import_file(
    *,
    path: str | Path,
    language: str = "de",
    title: str = "",
    outlet: str = "",
    created_by: AbstractBaseUser | None = None,
) -> Article:
    published_on, text = read_article_file(path)
    # The text is checked by ``article_create``; a refused character is named with its
    # position in the text (after the date line).
    return article_create(
        title=title,
        text=text,
        language=language,
        outlet=outlet,
        published_on=published_on,
        created_by=created_by,
    )


@dataclass(frozen=True)
class ReanchorReport:
    exact: int = 0
    moved: int = 0
    fuzzy: int = 0
    orphaned: int = 0


@transaction.atomic
def article_update_text(
    *, article: Article, text: str, user: AbstractBaseUser | None = None
) -> ReanchorReport:
    """Replace an article's text and re-anchor every claim on it.

    Orphans keep their old selectors and are flagged; they are never dropped or
    re-pointed to other words.
    """
    text = _article_text(text)
    article = Article.objects.select_for_update().get(pk=article.pk)
    article.text = text
    article.save(update_fields=["text", "updated_at"])
    claims = list(article.claims.select_for_update().order_by("pk"))
    counts = {status: 0 for status in Claim.Anchor.values}
    results = anchoring.reanchor_many(
        [
            anchoring.Selector(
                start=c.start, end=c.end, exact=c.exact, prefix=c.prefix, suffix=c.suffix
            )
            for c in claims
        ],
        text,
    )
    for claim, result in zip(claims, results, strict=True):
        counts[result.status.value] += 1
        claim.anchor_status = result.status.value
        claim.anchor_score = result.score
        fields = ["anchor_status", "anchor_score", "updated_at"]
        if result.selector is not None:
            claim.start, claim.end = result.selector.start, result.selector.end
            claim.exact = result.selector.exact
            claim.prefix, claim.suffix = result.selector.prefix, result.selector.suffix
            fields += ["start", "end", "exact", "prefix", "suffix"]
        claim._change_reason = f"re-anchored: {result.status.value}"
        claim.save(update_fields=fields)
    return ReanchorReport(**counts)


ARTICLE_EDITABLE_FIELDS = ("title", "outlet", "url", "language", "published_on", "text")


@transaction.atomic
def article_update(
    *, article: Article, user: AbstractBaseUser | None, changes: Mapping[str, Any]
) -> tuple[Article, ReanchorReport | None]:
    """Change an article's details and, when ``text`` is among the changes, its text (every
    claim is re-anchored: see ``article_update_text``). Returns the article and the
    re-anchoring report (None when the text did not change)."""
    require_permission(user, "claims.change_article", _("You may not change articles."))
    unknown = set(changes) - set(ARTICLE_EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(
            _("These fields cannot be changed here: %s") % ", ".join(sorted(unknown))
        )
    article = Article.objects.select_for_update().get(pk=article.pk)
    details = {
        name: _clean_optional(value, field=name) if isinstance(value, str | None) else value
        for name, value in changes.items()
        if name != "text"
    }
    if details:
        for name, value in details.items():
            setattr(article, name, value)
        if "title" in details:
            article.title = (article.title or "").strip() or _default_title(article.text)
        full_clean(article)
        article.save(update_fields=[*details, "updated_at"])
    report = None
    if "text" in changes and normalise_text(changes["text"] or "") != article.text:
        report = article_update_text(article=article, text=changes["text"], user=user)
        article.refresh_from_db()
    return article, report


# --- Speakers ---------------------------------------------------------------------------


def _clean_aliases(aliases: list[str] | None) -> list[str]:
    cleaned = (clean_text(alias, field="aliases").strip() for alias in aliases or [])
    return [alias for alias in cleaned if alias]


@transaction.atomic
def speaker_create(
    *,
    name: str,
    kind: str = Speaker.Kind.PERSON,
    aliases: list[str] | None = None,
    description: str = "",
    wikidata_id: str = "",
    pronoun: str = "",
) -> Speaker:
    name = _clean_optional(name, field="name").strip()
    if not name:
        raise InvalidInput(_("A speaker needs a name."))
    speaker = Speaker(
        name=name,
        slug=_unique_slug(Speaker, name, max_length=120),
        kind=kind,
        aliases=_clean_aliases(aliases),
        description=_clean_optional(description, field="description"),
        wikidata_id=wikidata_id,
        pronoun=pronoun,
    )
    full_clean(speaker)
    speaker.save()
    return speaker


SPEAKER_EDITABLE_FIELDS = ("name", "kind", "aliases", "description", "wikidata_id", "pronoun")


@transaction.atomic
def speaker_update(
    *, speaker: Speaker, user: AbstractBaseUser | None, changes: Mapping[str, Any]
) -> Speaker:
    """Change a speaker's name, kind, aliases, description, Wikidata id or pronoun.

    The slug (the public speaker page's address) stays as it was created.
    """
    require_permission(user, "claims.change_speaker", _("You may not change speakers."))
    unknown = set(changes) - set(SPEAKER_EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(
            _("These fields cannot be changed here: %s") % ", ".join(sorted(unknown))
        )
    speaker = Speaker.objects.select_for_update().get(pk=speaker.pk)
    for name, value in changes.items():
        if name == "name":
            value = _clean_optional(value, field="name").strip()
            if not value:
                raise InvalidInput(_("A speaker needs a name."))
        elif name == "aliases":
            value = _clean_aliases(value)
        elif name == "description":
            value = _clean_optional(value, field="description")
        setattr(speaker, name, value)
    full_clean(speaker)
    if changes:
        speaker.save(update_fields=list(changes))
    return speaker


@transaction.atomic
def speaker_add_alias(*, speaker: Speaker, alias: str) -> Speaker:
    alias = _clean_optional(alias, field="aliases").strip()
    if not alias:
        raise InvalidInput(_("The alias is empty."))
    speaker = Speaker.objects.select_for_update().get(pk=speaker.pk)
    if alias != speaker.name and alias not in speaker.aliases:
        speaker.aliases = [*speaker.aliases, alias]
        speaker.save(update_fields=["aliases"])
    return speaker


# --- Claims and verdicts -------------------------------------------------------------------


@transaction.atomic
def claim_create_from_span(
    *,
    article: Article,
    start: int,
    end: int,
    speaker: Speaker,
    claim: str,
    attribution: str = Claim.Attribution.DIRECT,
    stated_on: str = "",
    exact: str | None = None,
    created_by: AbstractBaseUser | None = None,
    assignee: AbstractBaseUser | None = None,
) -> Claim:
    """Create a draft claim anchored to ``article.text[start:end]``.

    ``exact``, when given, is the quote the user saw; it must equal the text at the span,
    which guards against a selection made on an older version of the text.
    """
    require_permission(created_by, "claims.add_claim", _("You may not create claims."))
    try:
        selector = anchoring.selector_for_span(article.text, start, end)
        if exact is not None:
            anchoring.check_selector(article.text, replace(selector, exact=exact))
    except anchoring.SpanError as error:
        raise InvalidInput(str(error)) from error
    wording = _clean_optional(claim, field="claim").strip()
    if not wording:
        raise InvalidInput(_("Word the claim (a short, neutral sentence)."))
    instance = Claim(
        article=article,
        speaker=speaker,
        start=selector.start,
        end=selector.end,
        exact=selector.exact,
        prefix=selector.prefix,
        suffix=selector.suffix,
        attribution=attribution,
        claim=wording,
        slug=_unique_slug(Claim, wording, max_length=120),
        stated_on=stated_on or article.published_on,
        created_by=created_by,
        assignee=assignee or created_by,
    )
    full_clean(instance)
    instance.save()
    Verdict.objects.create(claim=instance, author=created_by)
    return instance


CLAIM_EDITABLE_FIELDS = ("claim", "speaker", "attribution", "stated_on", "assignee")


@transaction.atomic
def claim_update(
    *, claim: Claim, user: AbstractBaseUser | None, version: int | None, changes: dict[str, Any]
) -> Claim:
    """Change the wording, speaker, attribution, date or assignee of an unpublished claim."""
    require_permission(user, "claims.change_claim", _("You may not change claims."))
    unknown = set(changes) - set(CLAIM_EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(
            _("These fields cannot be changed here: %s") % ", ".join(sorted(unknown))
        )
    claim = lock_claim(claim)
    check_version(claim, version)
    if claim.status not in (Claim.Status.DRAFT, Claim.Status.IN_REVIEW):
        raise InvalidInput(_("A published claim is changed through a correction."))
    for field, value in changes.items():
        if field == "claim":
            value = _clean_optional(value, field="claim").strip()
        setattr(claim, field, value)
    full_clean(claim, exclude=["slug"])
    bump_version(claim, *changes)
    return claim


VERDICT_FIELDS = ("rating", "headline", "summary", "explanation")


@transaction.atomic
def verdict_update(
    *,
    claim: Claim,
    user: AbstractBaseUser | None,
    version: int | None,
    rating: Rating | None,
    headline: str,
    summary: str,
    explanation: str,
) -> Verdict:
    """Save the verdict of an unpublished claim (optimistic lock on ``claim.version``)."""
    require_permission(user, "claims.change_verdict", _("You may not change verdicts."))
    claim = lock_claim(claim)
    check_version(claim, version)
    if claim.status not in (Claim.Status.DRAFT, Claim.Status.IN_REVIEW):
        raise InvalidInput(
            _("This verdict is published; change it with a correction and a public note.")
        )
    verdict, _created = Verdict.objects.select_for_update().get_or_create(
        claim=claim, defaults={"author": user}
    )
    verdict.rating = rating
    verdict.headline = _clean_optional(headline, field="headline")
    verdict.summary = _clean_optional(summary, field="summary")
    verdict.explanation = _clean_optional(explanation, field="explanation")
    if verdict.author_id is None and user is not None:
        verdict.author = user
    full_clean(verdict)
    verdict.save()
    bump_version(claim)
    return verdict


# --- Desk users ---------------------------------------------------------------------------

ROLES = {"fact-checker": FACT_CHECKER_GROUP, "editor": EDITOR_GROUP}


@transaction.atomic
def desk_user_create(*, username: str, role: str, password: str | None = None) -> tuple[Any, str]:
    """Create a staff user in the role's group; returns (user, password)."""
    if role not in ROLES:
        raise InvalidInput(
            _("Unknown role %(role)s; use one of: %(roles)s")
            % {"role": role, "roles": ", ".join(ROLES)}
        )
    username = (username or "").strip()
    if not username:
        raise InvalidInput(_("A user name is required."))
    if User.objects.filter(username=username).exists():
        raise InvalidInput(_("The user %(name)s exists already.") % {"name": username})
    password = password or secrets.token_urlsafe(12)
    user = User(username=username, is_staff=True)
    full_clean(user, exclude=["password"])
    user.set_password(password)
    user.save()
    group = Group.objects.filter(name=ROLES[role]).first()
    if group is None:
        # The groups come with the migrations; a flushed database gets them back here.
        sync_desk_groups(django_apps)
        group = Group.objects.get(name=ROLES[role])
    user.groups.add(group)
    return user, password


# --- Suggestions --------------------------------------------------------------------------


@transaction.atomic
def suggestion_dismiss(
    *, article: Article, start: int, end: int, user: AbstractBaseUser | None = None
) -> DismissedSuggestion:
    """Mark a suggested span as not a claim; it is not suggested again."""
    require_permission(user, "claims.add_claim", _("You may not work on claims."))
    try:
        selector = anchoring.selector_for_span(article.text, start, end)
    except anchoring.SpanError as error:
        raise InvalidInput(str(error)) from error
    dismissal, _created = DismissedSuggestion.objects.get_or_create(
        article=article,
        start=selector.start,
        end=selector.end,
        defaults={"exact": selector.exact, "dismissed_by": user},
    )
    return dismissal
