"""The split view: an article's text beside the claims made from it.

A fact-checker selects words (mouse or keyboard), the claim form opens prefilled, and
suggestions can be accepted, edited or dismissed. The page talks to the small JSON views
below, which call the same services as the rest of the admin.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_POST

from claims import comments, services, suggestions
from claims.attribution import SpeakerResolution
from claims.errors import DeskError
from claims.models import Article, Claim, Speaker
from claims.selectors import article_with_claims, speaker_for_name, speakers_closest_to
from claims.speaker_names import SpeakerMatch
from intake import inbox, matching
from partners.api.parsers import loads_bounded
from sources.selectors import claims_source_badges, source_state_labels

from ..api.serializers import suggestion_data
from .conversation import AssignForm

MAX_JSON_BODY = 64 * 1024


def _checked_payload(match: matching.Match) -> dict[str, Any]:
    """A published check a span repeats: "already checked: <rating> — <headline>"."""
    claim = match.claim
    verdict = getattr(claim, "verdict", None)
    rating = verdict.rating if verdict is not None else None
    return {
        "id": claim.pk,
        "claim": claim.claim,
        "speaker": claim.speaker.name,
        "rating": rating.label if rating is not None else None,
        "headline": verdict.headline if verdict is not None else "",
        "url": claim.get_absolute_url(),
        "score": round(match.score, 2),
    }


def _preselect(request: HttpRequest, article: Article) -> dict[str, Any] | None:
    """The span the inbox's "accept" opens with (``?start=&end=&speaker=&attribution=``);
    None when absent or not a span of this text."""
    try:
        start, end = int(request.GET["start"]), int(request.GET["end"])
    except (KeyError, ValueError):
        return None
    if not 0 <= start < end <= len(article.text):
        return None
    quote = article.text[start:end]
    speaker = None
    speaker_id = request.GET.get("speaker", "")
    if speaker_id.isdigit():
        found = Speaker.objects.filter(pk=int(speaker_id)).only("pk", "name").first()
        if found is not None:
            speaker = {"id": found.pk, "name": found.name}
    elif request.GET.get("speaker_name"):
        speaker = {"id": None, "name": request.GET["speaker_name"][:200]}
    attribution = request.GET.get("attribution", "")
    return {
        "start": start,
        "end": end,
        "quote": quote,
        "speaker": speaker,
        "attribution": attribution if attribution in Claim.Attribution.values else "direct",
        "already_checked": [
            _checked_payload(m)
            for m in matching.published_matches(quote, language=article.language, limit=3)
        ],
    }


def _speaker_colour(speaker_id: int) -> str:
    # Golden-angle hues keep neighbouring ids apart; light enough for dark text on top.
    return f"hsl({(speaker_id * 137) % 360} 70% 85%)"


def _claim_payload(claim: Claim, badges: list[str] | None = None) -> dict[str, Any]:
    rating = getattr(getattr(claim, "verdict", None), "rating", None)
    labels = source_state_labels()
    return {
        # Failed, blocked, dead, changed or pending cited sources (most urgent first).
        "source_badges": [{"state": b, "label": labels[b]} for b in badges or []],
        "id": claim.pk,
        "start": claim.start,
        "end": claim.end,
        "quote": claim.exact,
        "claim": claim.claim,
        "speaker": {"id": claim.speaker_id, "name": claim.speaker.name},
        "colour": _speaker_colour(claim.speaker_id),
        "status": claim.status,
        "status_label": str(claim.get_status_display()),
        "assignee": claim.assignee.get_username() if claim.assignee else None,
        "anchor": claim.anchor_status,
        "rating": rating.label if rating else None,
        "url": reverse("admin:claims_claim_change", args=[claim.pk]),
    }


def _json_body(request: HttpRequest) -> dict[str, Any]:
    if len(request.body) > MAX_JSON_BODY:
        raise DeskError(_("The request is too large."))
    try:
        # Bounded nesting: deep JSON would recurse into a RecursionError (a 500).
        data = loads_bounded(request.body or b"{}")
    except ValueError as error:  # not UTF-8, not JSON, or nested too deep
        raise DeskError(_("The request is not valid JSON.")) from error
    if not isinstance(data, dict):
        raise DeskError(_("Send a JSON object."))
    return data


def _int(data: dict[str, Any], key: str) -> int:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise DeskError(_("%(key)s must be a whole number.") % {"key": key})
    return value


def _error(error: DeskError, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": str(error), **error.details}, status=status)


def _speaker_matches(matches: list[SpeakerMatch]) -> list[dict[str, Any]]:
    return [
        {"id": m.id, "name": m.name, "matched": m.matched, "how": m.how, "score": round(m.score)}
        for m in matches
    ]


def _explain_labels() -> dict[str, Any]:
    """The words of a suggestion's hint ("found by “sagte” · speaker named"), translated
    here: split.js takes its labels from the page."""
    return {
        "cue": _("found by"),
        "speaker": _("speaker"),
        "cues": {
            "quotation": _("a quotation going on"),
            "Konjunktiv": _("Konjunktiv going on"),
            ":": _("a colon after the name"),
        },
        "resolutions": {
            SpeakerResolution.NAMED.value: _("named"),
            SpeakerResolution.ALIAS.value: _("another form of the name"),
            SpeakerResolution.ROLE.value: _("by role"),
            SpeakerResolution.PRONOUN.value: _("by pronoun"),
            SpeakerResolution.PREVIOUS.value: _("from the statement before"),
            SpeakerResolution.NONE.value: _("none found"),
        },
    }


def _page_labels() -> dict[str, str]:
    """The words split.js shows (buttons, hints, messages), translated here: the page
    carries them, keyed by their English text, so the German desk has no English left."""
    words = (
        gettext_noop("Characters %(start)s–%(end)s of the article"),
        gettext_noop("New speaker"),
        gettext_noop("closest existing"),
        gettext_noop("Add as alias of…"),
        gettext_noop("Already checked?"),
        gettext_noop("Create a new speaker?"),
        gettext_noop("Closest existing speakers:"),
        gettext_noop("Cancel, then type one of these names to use it."),
        gettext_noop("Saved. Similar published claims exist: check the list."),
        gettext_noop("Claim saved."),
        gettext_noop("Add as alias of which speaker? Type the exact name:"),
        gettext_noop("Unknown speaker: search for them in the speaker field first."),
        gettext_noop("(new)"),
        gettext_noop("Accept"),
        gettext_noop("Dismiss"),
        gettext_noop("Suggestion dismissed."),
    )
    return {word: _(word) for word in words}


class SplitViewMixin:
    """Adds the split view and its JSON endpoints to ``ArticleAdmin``."""

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:article_id>/split/", wrap(self.split_view), name="claims_article_split"),
            path(
                "<int:article_id>/split/claims/",
                wrap(self.split_create_claim),
                name="claims_article_split_claims",
            ),
            path(
                "<int:article_id>/split/suggestions/",
                wrap(self.split_suggestions),
                name="claims_article_split_suggestions",
            ),
            path(
                "<int:article_id>/split/dismiss/",
                wrap(self.split_dismiss),
                name="claims_article_split_dismiss",
            ),
            path("split/speakers/", wrap(self.split_speaker), name="claims_article_split_speaker"),
            path(
                "split/speakers/resolve/",
                wrap(self.split_speaker_resolve),
                name="claims_article_split_speaker_resolve",
            ),
            path("split/similar/", wrap(self.split_similar), name="claims_article_split_similar"),
            path(
                "<int:article_id>/split/appearance/",
                wrap(self.split_appearance),
                name="claims_article_split_appearance",
            ),
            *super().get_urls(),
        ]

    def _article(self, request: HttpRequest, article_id: int) -> Article:
        if not request.user.has_perm("claims.view_article"):
            raise PermissionDenied
        article = article_with_claims(article_id=article_id)
        if article is None:
            raise Http404(_("No article with this id."))
        return article

    def split_view(self, request: HttpRequest, article_id: int) -> HttpResponse:
        article = self._article(request, article_id)
        if article.import_state != Article.ImportState.IMPORTED:
            # Added by its URL and not in yet (or failed): nothing to split; the
            # importing page says where it stands (newsdesk.admin.intake).
            return HttpResponseRedirect(
                reverse("admin:claims_article_importing", args=[article.pk])
            )
        claims = list(article.claims.all())
        badges = claims_source_badges(c.pk for c in claims)
        speakers = {c.speaker_id: c.speaker for c in claims}
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Split: %(title)s") % {"title": article.title},
            "article": article,
            "original": article,
            "can_add_claim": request.user.has_perm("claims.add_claim"),
            # Open until the author submits again; assignment posts to the claim's admin.
            "change_requests": comments.open_change_requests_for_article(article.pk),
            "assign_claims": claims,
            "assign_form": AssignForm(),
            "split_url": request.get_full_path(),
            "legend": [
                {"name": s.name, "colour": _speaker_colour(s.pk)} for s in speakers.values()
            ],
            "split_data": {
                "preselect": _preselect(request, article),
                "can_record_appearance": request.user.has_perm("claims.add_appearance"),
                "labels": {
                    **_page_labels(),
                    "already_checked": _("already checked:"),
                    "record_appearance": _("Record as another appearance"),
                    "appearance_recorded": _(
                        "Recorded as another appearance of the published check."
                    ),
                },
                "text": article.text,
                "language": article.language,
                "claims": [_claim_payload(c, badges.get(c.pk)) for c in claims],
                "attributions": [
                    {"value": v, "label": str(label)} for v, label in Claim.Attribution.choices
                ],
                "explain": _explain_labels(),
                "urls": {
                    "claims": reverse("admin:claims_article_split_claims", args=[article.pk]),
                    "suggestions": reverse(
                        "admin:claims_article_split_suggestions", args=[article.pk]
                    ),
                    "dismiss": reverse("admin:claims_article_split_dismiss", args=[article.pk]),
                    "speakers": reverse("admin:claims_article_split_speaker"),
                    "similar": reverse("admin:claims_article_split_similar"),
                    "appearance": reverse(
                        "admin:claims_article_split_appearance", args=[article.pk]
                    ),
                    "speaker_search": reverse("admin:autocomplete"),
                    "speaker_resolve": reverse("admin:claims_article_split_speaker_resolve"),
                },
            },
        }
        return render(request, "admin/claims/article/split.html", context)

    @staticmethod
    def _guard_post(request: HttpRequest) -> None:
        if not request.user.has_perm("claims.add_claim"):
            raise PermissionDenied

    def split_suggestions(self, request: HttpRequest, article_id: int) -> JsonResponse:
        article = self._article(request, article_id)
        return JsonResponse(
            {
                "results": [
                    suggestion_data(s) for s in suggestions.article_suggestions(article=article)
                ]
            }
        )

    def split_create_claim(self, request: HttpRequest, article_id: int) -> JsonResponse:
        return require_POST(self._split_create_claim)(request, article_id)

    def _split_create_claim(self, request: HttpRequest, article_id: int) -> JsonResponse:
        self._guard_post(request)
        article = self._article(request, article_id)
        try:
            data = _json_body(request)
            speaker = self._speaker_from(data)
            claim = services.claim_create_from_span(
                article=article,
                start=_int(data, "start"),
                end=_int(data, "end"),
                exact=data.get("quote") if isinstance(data.get("quote"), str) else None,
                speaker=speaker,
                claim=str(data.get("claim") or ""),
                attribution=str(data.get("attribution") or Claim.Attribution.DIRECT),
                created_by=request.user,
            )
            inbox.inbox_span_decided(
                article=article, start=claim.start, end=claim.end, user=request.user, claim=claim
            )
        except DeskError as error:
            return _error(error)
        claim = Claim.objects.select_related("speaker", "verdict__rating").get(pk=claim.pk)
        similar = suggestions.claims_similar(text=claim.claim)
        return JsonResponse(
            {
                "claim": _claim_payload(claim),
                "similar": [
                    {
                        "claim": s.claim.claim,
                        "url": s.claim.get_absolute_url(),
                        "score": round(s.score, 2),
                    }
                    for s in similar
                    if s.claim.pk != claim.pk
                ],
            },
            status=201,
        )

    @staticmethod
    def _speaker_from(data: dict[str, Any]) -> Speaker:
        speaker_id = data.get("speaker")
        if speaker_id not in (None, ""):
            if isinstance(speaker_id, bool) or not isinstance(speaker_id, int):
                raise DeskError(_("speaker must be the id of a speaker."))
            speaker = Speaker.objects.filter(pk=speaker_id).first()
            if speaker is None:
                raise DeskError(_("There is no speaker with the id %(id)s.") % {"id": speaker_id})
            return speaker
        name = str(data.get("speaker_name") or "").strip()
        if not name:
            raise DeskError(_("Choose a speaker or type the name of a new one."))
        found = speaker_for_name(name)
        if found is not None:  # its name or an alias, any case, accents folded, or near
            return found[0]
        if data.get("new_speaker") is not True:
            # A new speaker only after the desk saw the closest existing ones.
            raise DeskError(
                _(
                    "%(name)s is not a known speaker. Choose an existing one or confirm a new speaker."
                )
                % {"name": name},
                closest=_speaker_matches(speakers_closest_to(name)),
                needs_choice=True,
            )
        return services.speaker_create(name=name)

    def split_dismiss(self, request: HttpRequest, article_id: int) -> JsonResponse:
        return require_POST(self._split_dismiss)(request, article_id)

    def _split_dismiss(self, request: HttpRequest, article_id: int) -> JsonResponse:
        self._guard_post(request)
        article = self._article(request, article_id)
        try:
            data = _json_body(request)
            dismissal = services.suggestion_dismiss(
                article=article, start=_int(data, "start"), end=_int(data, "end"), user=request.user
            )
            inbox.inbox_span_decided(
                article=article, start=dismissal.start, end=dismissal.end, user=request.user
            )
        except DeskError as error:
            return _error(error)
        return JsonResponse({"dismissed": True})

    def split_speaker(self, request: HttpRequest) -> JsonResponse:
        return require_POST(self._split_speaker)(request)

    def _split_speaker(self, request: HttpRequest) -> JsonResponse:
        """Create a speaker, or add an alias to one, on the fly."""
        if not request.user.has_perm("claims.add_speaker"):
            raise PermissionDenied
        try:
            data = _json_body(request)
            alias_for = data.get("alias_for")
            if alias_for not in (None, ""):
                speaker = (
                    Speaker.objects.filter(pk=alias_for).first()
                    if isinstance(alias_for, int)
                    else None
                )
                if speaker is None:
                    raise DeskError(
                        _("There is no speaker with the id %(id)s.") % {"id": alias_for}
                    )
                speaker = services.speaker_add_alias(
                    speaker=speaker, alias=str(data.get("name") or "")
                )
                status = 200
            else:
                speaker = services.speaker_create(
                    name=str(data.get("name") or ""),
                    kind=str(data.get("kind") or Speaker.Kind.PERSON),
                    description=str(data.get("description") or ""),
                )
                status = 201
        except DeskError as error:
            return _error(error)
        return JsonResponse(
            {"id": speaker.pk, "name": speaker.name, "aliases": speaker.aliases}, status=status
        )

    def split_speaker_resolve(self, request: HttpRequest) -> JsonResponse:
        return require_GET(self._split_speaker_resolve)(request)

    def _split_speaker_resolve(self, request: HttpRequest) -> JsonResponse:
        """The speaker a typed name means (name, alias or near spelling) and the closest."""
        if not request.user.has_perm("claims.view_speaker"):
            raise PermissionDenied
        name = request.GET.get("q", "")[:200].strip()
        found = speaker_for_name(name) if name else None
        match = _speaker_matches([found[1]])[0] if found is not None else None
        closest = [] if match is not None or not name else speakers_closest_to(name)
        return JsonResponse({"match": match, "closest": _speaker_matches(closest)})

    def split_similar(self, request: HttpRequest) -> JsonResponse:
        return require_GET(self._split_similar)(request)

    def split_appearance(self, request: HttpRequest, article_id: int) -> JsonResponse:
        return require_POST(self._split_appearance)(request, article_id)

    def _split_appearance(self, request: HttpRequest, article_id: int) -> JsonResponse:
        """Record this article as another appearance of a published check (no verdict)."""
        if not request.user.has_perm("claims.add_appearance"):
            raise PermissionDenied
        article = self._article(request, article_id)
        try:
            data = _json_body(request)
            claim_id = data.get("claim")
            claim = (
                Claim.objects.filter(pk=claim_id, status=Claim.Status.PUBLISHED).first()
                if isinstance(claim_id, int) and not isinstance(claim_id, bool)
                else None
            )
            if claim is None:
                raise DeskError(_("There is no published check with this id."))
            quote = data.get("quote") if isinstance(data.get("quote"), str) else ""
            appearance = services.claim_appearance_add(
                claim=claim, user=request.user, article=article, quote=quote[:5000]
            )
        except DeskError as error:
            return _error(error)
        return JsonResponse(
            {"appearance": appearance.pk, "claim": claim.pk, "url": claim.get_absolute_url()},
            status=201,
        )

    def _split_similar(self, request: HttpRequest) -> JsonResponse:
        if not request.user.has_perm("claims.view_claim"):
            raise PermissionDenied
        text = request.GET.get("q", "")[:500]
        language = request.GET.get("language", "")[:35]
        checked = matching.published_matches(text, language=language, limit=3)
        if checked:
            return JsonResponse({"results": [_checked_payload(m) for m in checked]})
        return JsonResponse(
            {
                "results": [
                    {
                        "claim": s.claim.claim,
                        "speaker": s.claim.speaker.name,
                        "rating": s.claim.verdict.rating.label if s.claim.verdict.rating else None,
                        "url": s.claim.get_absolute_url(),
                        "score": round(s.score, 2),
                    }
                    for s in suggestions.claims_similar(text=text)
                ]
            }
        )
