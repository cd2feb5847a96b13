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
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from . import anchoring
from .defaults import EDITOR_GROUP, FACT_CHECKER_GROUP, sync_desk_groups
from .errors import DuplicateSpeaker, InvalidInput
from .guards import (
    bump_version,
    check_version,
    full_clean,
    lock_claim,
    require_known_fields,
    require_permission,
)
from .history import set_change_reason, set_history_user
from .models import (
    Appearance,
    Article,
    Claim,
    Correction,
    DismissedSuggestion,
    Rating,
    Speaker,
    SpeakerRedirect,
    Verdict,
)
from .selectors import speakers_named
from .signals import announce_desk_event_on_commit, announce_on_commit
from .speaker_names import normalise_name
from .text import clean_text, normalise_newlines
from .typing import DeskUser

User = get_user_model()

# The longest article: in characters (code points) wherever text arrives (the admin, the
# desk API), in bytes for an article file (UTF-8: never more characters than bytes). The
# request body limits (``DATA_UPLOAD_MAX_MEMORY_SIZE``) are derived from it.
MAX_ARTICLE_CHARS = 5 * 1024 * 1024
MAX_ARTICLE_BYTES = MAX_ARTICLE_CHARS
_DATE_LINE_RE = re.compile(r"^\s*date\s+([0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?)\b\s*")


def _unique_slug(model: type[Claim] | type[Speaker], base: str, *, max_length: int) -> str:
    root = (slugify(base) or "x")[: max_length - 7].strip("-") or "x"
    slug = root
    while model.objects.filter(slug=slug).exists() or (
        model is Speaker and SpeakerRedirect.objects.filter(old_slug=slug).exists()
    ):
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
    created_by: DeskUser | None = None,
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
    created_by: DeskUser | None = None,
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


ARTICLE_EDITABLE_FIELDS = ("title", "outlet", "url", "language", "published_on", "text")

#: Who may change an article that published fact-checks quote: the permission that
#: corrects a published verdict (``claims.workflow.TRANSITIONS["correct"]``).
ARTICLE_CORRECT_PERMISSION = "claims.publish_claim"


def article_changes(*, article: Article, changes: Mapping[str, Any]) -> dict[str, Any]:
    """The ``changes`` that differ from what ``article`` holds, as they would be saved.

    The text is compared with one newline convention (a browser posts CRLF), the title
    stripped (an empty one becomes the first sentence), so resending a form unchanged is
    no change at all.
    """
    effective = {}
    for name, value in changes.items():
        if name == "text":
            value = _article_text(value)
        elif name == "title":
            value = _clean_optional(value, field=name).strip() or _default_title(article.text)
        elif isinstance(value, str | None):
            value = _clean_optional(value, field=name)
        if getattr(article, name) != value:
            effective[name] = value
    return effective


def _claims_quoting(*, article: Article, user: DeskUser | None, note: str) -> list[Claim]:
    """Every claim on ``article``, locked, once a change of the article is allowed.

    Everything of an article shows on the public pages of the claims that quote it (the
    quote in its context, title, outlet, URL, date, language; ClaimReview's appearance).
    So an article quoted by a published claim changes only by an editor's correction
    with a public note; one quoted by a retracted claim no longer changes: that page
    stays as it was when it was retracted. Call inside ``atomic`` with the article locked.
    """
    claims = list(article.claims.select_for_update().order_by("pk"))
    statuses = {claim.status for claim in claims}
    if Claim.Status.RETRACTED in statuses:
        raise InvalidInput(
            _(
                "A retracted fact-check quotes this article, and its page stays as it was "
                "when it was retracted: the article can no longer be changed."
            )
        )
    if Claim.Status.PUBLISHED in statuses:
        require_permission(
            user,
            ARTICLE_CORRECT_PERMISSION,
            _(
                "Published fact-checks quote this article: only an editor can change it, "
                "with a public correction note."
            ),
        )
        if not note:
            raise InvalidInput(
                _(
                    "Published fact-checks quote this article: say in a public correction "
                    "note what changed; it is shown on each of their pages."
                )
            )
    return claims


def _reanchor(claims: list[Claim], text: str) -> tuple[dict[int, list[str]], ReanchorReport]:
    """Move each claim's selectors onto ``text`` (in memory, to be saved by the caller);
    returns the fields to save of each claim, by id, and the counts.

    Orphans keep their old selectors and are flagged; they are never dropped or
    re-pointed to other words.
    """
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
    fields: dict[int, list[str]] = {}
    for claim, result in zip(claims, results, strict=True):
        counts[result.status.value] += 1
        claim.anchor_status = result.status.value
        claim.anchor_score = result.score
        fields[claim.pk] = ["anchor_status", "anchor_score"]
        if result.selector is not None:
            claim.start, claim.end = result.selector.start, result.selector.end
            claim.exact = result.selector.exact
            claim.prefix, claim.suffix = result.selector.prefix, result.selector.suffix
            fields[claim.pk] += ["start", "end", "exact", "prefix", "suffix"]
    return fields, ReanchorReport(**counts)


@transaction.atomic
def article_update(
    *,
    article: Article,
    user: DeskUser | None,
    changes: Mapping[str, Any],
    note: str = "",
) -> tuple[Article, ReanchorReport | None]:
    """Change an article's details and, when ``text`` is among the changes, its text.

    A new text re-anchors every claim on the article (``_reanchor``) and counts as a
    change of each (version, history, its user). An article quoted by a published claim
    changes only with ``note`` and the permission to correct (editors): each published
    claim on it gets a correction with that note and is announced as corrected. One
    quoted by a retracted claim no longer changes. Returns the article and the
    re-anchoring report (None when the text did not change).
    """
    require_permission(user, "claims.change_article", _("You may not change articles."))
    require_known_fields(changes, ARTICLE_EDITABLE_FIELDS)
    article = Article.objects.select_for_update().get(pk=article.pk)
    changed = article_changes(article=article, changes=changes)
    if not changed:
        return article, None
    if "text" in changed and not changed["text"].strip():
        raise InvalidInput(_("The article text is empty."))
    note = (note or "").strip()
    claims = _claims_quoting(article=article, user=user, note=note)
    for name, value in changed.items():
        setattr(article, name, value)
    full_clean(article)
    article.save(update_fields=[*changed, "updated_at"])
    report = None
    fields: dict[int, list[str]] = {}
    if "text" in changed:
        fields, report = _reanchor(claims, article.text)
    for claim in claims:
        published = claim.status == Claim.Status.PUBLISHED
        if claim.pk not in fields and not published:
            continue
        if user is not None:
            set_history_user(claim, user)
        if published:
            correction = Correction(claim=claim, note=note, created_by=user)
            full_clean(correction)
            correction.save()
            set_change_reason(claim, f"correction of the article: {note}")
            announce_on_commit(claim.pk, "corrected")
        else:
            set_change_reason(claim, f"re-anchored: {claim.anchor_status}")
        # The row is locked (``_claims_quoting``); the quote the user saw may have moved.
        bump_version(claim, *fields.get(claim.pk, ()))
    return article, report


@transaction.atomic
def article_update_text(
    *, article: Article, text: str, user: DeskUser | None = None, note: str = ""
) -> ReanchorReport:
    """Replace an article's text and re-anchor every claim on it: ``article_update`` with
    the text alone (same rules). An unchanged text re-anchors nothing (a report of zeros).
    """
    _article, report = article_update(article=article, user=user, changes={"text": text}, note=note)
    return report if report is not None else ReanchorReport()


# --- Speakers ---------------------------------------------------------------------------


def _clean_aliases(aliases: list[str] | None) -> list[str]:
    cleaned = (clean_text(alias, field="aliases").strip() for alias in aliases or [])
    return [alias for alias in cleaned if alias]


def _refuse_duplicate_speaker(names: list[str], *, exclude_id: int | None = None) -> None:
    """Raise ``DuplicateSpeaker`` naming the existing speaker when one of ``names``
    (normalised: case, accents, punctuation folded) is another speaker's name or alias."""
    wanted = {normalise_name(n) for n in names} - {""}
    if not wanted:
        return
    for other in speakers_named(exclude_id=exclude_id):
        clash = next((n for n in (other.name, *other.aliases) if normalise_name(n) in wanted), None)
        if clash is not None:
            message = (
                _("There already is a speaker with this name: %(name)s.")
                if clash == other.name
                else _("There already is a speaker called %(alias)s: %(name)s.")
            ) % {"name": other.name, "alias": clash}
            raise DuplicateSpeaker(message, existing={"id": other.id, "name": other.name})


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
    aliases = _clean_aliases(aliases)
    _refuse_duplicate_speaker([name, *aliases])
    speaker = Speaker(
        name=name,
        slug=_unique_slug(Speaker, name, max_length=120),
        kind=kind,
        aliases=aliases,
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
    *, speaker: Speaker, user: DeskUser | None, changes: Mapping[str, Any]
) -> Speaker:
    """Change a speaker's name, kind, aliases, description, Wikidata id or pronoun.

    The slug (the public speaker page's address) stays as it was created.
    """
    require_permission(user, "claims.change_speaker", _("You may not change speakers."))
    require_known_fields(changes, SPEAKER_EDITABLE_FIELDS)
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
    if {"name", "aliases"} & set(changes):
        _refuse_duplicate_speaker([speaker.name, *speaker.aliases], exclude_id=speaker.pk)
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
    _refuse_duplicate_speaker([alias], exclude_id=speaker.pk)
    if alias != speaker.name and alias not in speaker.aliases:
        speaker.aliases = [*speaker.aliases, alias]
        speaker.save(update_fields=["aliases"])
    return speaker


@transaction.atomic
def speaker_merge(*, keep: Speaker, remove: Speaker, user: DeskUser | None) -> Speaker:
    """Merge ``remove`` into ``keep``: its claims, names and history move to ``keep``, its
    public address answers 301 to ``keep``'s, and it is deleted.

    Every moved claim gets a new version (so partners' ``updated_since`` reports it); a
    public one is announced as ``corrected`` (page caches and webhooks refresh).
    """
    require_permission(user, "claims.delete_speaker", _("You may not merge speakers."))
    if keep.pk == remove.pk:
        raise InvalidInput(_("Choose two different speakers to merge."))
    locked = {
        s.pk: s for s in Speaker.objects.select_for_update().filter(pk__in=[keep.pk, remove.pk])
    }
    if len(locked) != 2:
        raise InvalidInput(_("One of the speakers no longer exists."))
    keep, remove = locked[keep.pk], locked[remove.pk]
    known = {normalise_name(keep.name)}
    aliases = []
    for alias in [*keep.aliases, remove.name, *remove.aliases]:
        key = normalise_name(alias)
        if key and key not in known:
            known.add(key)
            aliases.append(alias)
    reason = _("Speaker %(old)s merged into %(kept)s") % {"old": remove.name, "kept": keep.name}
    public = {Claim.Status.PUBLISHED, Claim.Status.RETRACTED}
    for claim in Claim.objects.select_for_update().filter(speaker=remove).order_by("pk"):
        claim.speaker = keep
        set_change_reason(claim, reason)
        set_history_user(claim, user)
        bump_version(claim, "speaker")
        if claim.status in public:
            announce_on_commit(claim.pk, "corrected")
    history = Speaker.history.model
    history.objects.filter(id=remove.pk).update(id=keep.pk)
    SpeakerRedirect.objects.filter(speaker=remove).update(speaker=keep)
    SpeakerRedirect.objects.create(old_slug=remove.slug, speaker=keep)
    remove.delete()
    keep.aliases = aliases
    set_change_reason(keep, reason)
    set_history_user(keep, user)
    keep.save(update_fields=["aliases"])
    return keep


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
    created_by: DeskUser | None = None,
    assignee: DeskUser | None = None,
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
    *, claim: Claim, user: DeskUser | None, version: int | None, changes: dict[str, Any]
) -> Claim:
    """Change the wording, speaker, attribution, date or assignee of an unpublished claim."""
    require_permission(user, "claims.change_claim", _("You may not change claims."))
    require_known_fields(changes, CLAIM_EDITABLE_FIELDS)
    claim = lock_claim(claim)
    check_version(claim, version)
    if claim.status not in (Claim.Status.DRAFT, Claim.Status.IN_REVIEW):
        # The wording is ClaimReview's claimReviewed; quote, speaker and attribution are on
        # the public page. None of them changes once public (a correction changes the
        # verdict; the quote moves only with a corrected article text).
        raise InvalidInput(
            _(
                "This claim is public (%(status)s): its wording, speaker, attribution and "
                "date no longer change. A published verdict is changed through a "
                "correction with a public note."
            )
            % {"status": claim.get_status_display()}
        )
    assignee_before = claim.assignee_id
    for field, value in changes.items():
        if field == "claim":
            value = _clean_optional(value, field="claim").strip()
        setattr(claim, field, value)
    full_clean(claim, exclude=["slug"])
    if user is not None:
        # Four eyes reads who changed the public fields from the history.
        set_history_user(claim, user)
    bump_version(claim, *changes)
    if claim.assignee_id not in (assignee_before, None, user.pk if user else None):
        announce_desk_event_on_commit(
            claim.pk,
            "assigned",
            actor_id=user.pk if user else None,
            user_ids=(claim.assignee_id,),
        )
    return claim


VERDICT_FIELDS = ("rating", "headline", "summary", "explanation")


@transaction.atomic
def verdict_update(
    *,
    claim: Claim,
    user: DeskUser | None,
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
    if user is not None:
        set_history_user(verdict, user)
    full_clean(verdict)
    verdict.save()
    bump_version(claim)
    return verdict


# --- Desk users ---------------------------------------------------------------------------

ROLES = {"fact-checker": FACT_CHECKER_GROUP, "editor": EDITOR_GROUP}


@transaction.atomic
def desk_user_create(*, username: str, role: str, password: str | None = None) -> tuple[Any, str]:
    """Create a staff user in the role's group; returns (user, password). The password
    (given, or generated) must pass ``AUTH_PASSWORD_VALIDATORS``."""
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
    try:
        # AUTH_PASSWORD_VALIDATORS, as the admin's password forms apply them.
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise InvalidInput(" ".join(error.messages)) from error
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
    *, article: Article, start: int, end: int, user: DeskUser | None = None
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


# --- Appearances ---------------------------------------------------------------------------


@transaction.atomic
def claim_appearance_add(
    *,
    claim: Claim,
    user: DeskUser | None,
    article: Article | None = None,
    url: str = "",
    title: str = "",
    outlet: str = "",
    appeared_on: str = "",
    quote: str = "",
) -> Appearance:
    """Record that a published claim appeared again (in ``article``, or at ``url``),
    without a new verdict: the claim's version and ``updated_at`` move and the public
    change is announced (caches, the search index, the DataFeed, partners' sync).

    Idempotent per article: the same article twice returns the appearance recorded.
    """
    require_permission(
        user, "claims.add_appearance", _("You may not record appearances of claims.")
    )
    claim = lock_claim(claim)
    if claim.status != Claim.Status.PUBLISHED:
        raise InvalidInput(
            _("Only a published check can be recorded as appearing again (this one is %(s)s).")
            % {"s": claim.get_status_display()}
        )
    if article is not None:
        if article.pk == claim.article_id:
            raise InvalidInput(_("This is the article the claim was checked in."))
        existing = Appearance.objects.filter(claim=claim, article=article).first()
        if existing is not None:
            return existing
        url = url or article.url
        title = title or article.title
        outlet = outlet or article.outlet
        appeared_on = appeared_on or article.published_on
    url = _clean_optional(url, field="url").strip()
    if article is None and not url:
        raise InvalidInput(_("Give the article or the address where the claim appeared."))
    appearance = Appearance(
        claim=claim,
        article=article,
        url=url,
        title=_clean_optional(title, field="title").strip()[:300],
        outlet=_clean_optional(outlet, field="outlet").strip()[:200],
        appeared_on=appeared_on or "",
        quote=_clean_optional(quote, field="quote").strip(),
        created_by=user,
    )
    full_clean(appearance)
    appearance.save()
    set_change_reason(
        claim,
        _("Appeared again: %(where)s") % {"where": appearance.outlet or appearance.url or title},
    )
    if user is not None:
        set_history_user(claim, user)
    bump_version(claim)
    announce_on_commit(claim.pk, "appearance")
    return appearance
