"""Public pages. Every read starts from the published-only selectors.

Each page is built in two layers (see ``claims.caching``): its content, rendered without
the request and cached per generation and language, and the page around it (CSP nonce,
language switcher with its CSRF token), rendered per request. ETag and Last-Modified
come from a cheap check before anything is rendered, so a revalidation is a 304 that
costs one small query (verdict page) or none (the other pages).

Retracted verdicts answer 200 with a prominent retraction notice (links keep working
and say what happened), carry no ClaimReview and ask search engines not to index them.
Anything not public is a 404, exactly like a slug that never existed.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import wraps
from typing import Any

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import condition, require_safe
from django.views.decorators.vary import vary_on_headers

from . import caching, selectors
from .claimreview import absolute_url, claim_review
from .context import quote_context
from .feeds import FactCheckFeed
from .models import Claim

PAGE_SIZE = 20


# --- Conditional requests -------------------------------------------------------------------


@dataclass(frozen=True)
class Stamp:
    """What a page's validators and cache key are made of; computed before rendering."""

    gen: int
    etag: str
    last_modified: datetime
    version: tuple[Any, ...] = ()


def _stamp(request: HttpRequest, make: Callable[..., Stamp | None], *args, **kwargs):
    # condition() asks for the ETag and Last-Modified separately: compute once per request.
    if not hasattr(request, "_public_stamp"):
        request._public_stamp = make(request, *args, **kwargs)
    return request._public_stamp


def public_page(make_stamp: Callable[..., Stamp | None]):
    """Conditional GET (ETag, Last-Modified, 304) from ``make_stamp``; vary on language.

    ``make_stamp`` returns None when the resource does not exist; the view then answers
    (with its 404).
    """

    def etag(request, *args, **kwargs):
        stamp = _stamp(request, make_stamp, *args, **kwargs)
        return stamp.etag if stamp else None

    def last_modified(request, *args, **kwargs):
        stamp = _stamp(request, make_stamp, *args, **kwargs)
        return stamp.last_modified if stamp else None

    def decorator(view):
        conditional = condition(etag_func=etag, last_modified_func=last_modified)(view)

        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            response = conditional(request, *args, **kwargs)
            # Readers always revalidate (a 304 is cheap), so a correction shows at once.
            patch_cache_control(response, max_age=0, must_revalidate=True)
            return response

        return require_safe(vary_on_headers("Cookie", "Accept-Language")(wrapper))

    return decorator


def _generation_stamp(kind: str, *parts: Any) -> Stamp:
    gen = caching.generation()
    return Stamp(
        gen=gen,
        etag=caching.etag(kind, *parts, gen=gen),
        last_modified=caching.generation_time(gen),
    )


def _page(request: HttpRequest, content: dict[str, Any]) -> HttpResponse:
    """The page around cached ``content`` (title, main, and optional head data)."""
    return render(
        request,
        "claims/page.html",
        {"content": content, "org_name": settings.FACTCHECK_ORG_NAME},
    )


def _content(template: str, context: dict[str, Any]) -> str:
    # Rendered without the request: nothing per-reader can end up in the cache.
    return render_to_string(template, {**context, "org_name": settings.FACTCHECK_ORG_NAME})


# --- Index ----------------------------------------------------------------------------------


class IndexFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=200)
    rating = forms.SlugField(label=gettext_lazy("Rating"), required=False)
    speaker = forms.SlugField(label=gettext_lazy("Speaker"), required=False)
    language = forms.RegexField(
        label=gettext_lazy("Language"), required=False, regex=r"^[a-z]{2,3}$"
    )
    published_from = forms.DateField(label=gettext_lazy("Published from"), required=False)
    published_to = forms.DateField(label=gettext_lazy("Published until"), required=False)

    def filters(self) -> selectors.PublicFilters:
        """The valid filters; an invalid one is ignored (and reported by the form)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return selectors.PublicFilters(
            q=(data.get("q") or "").strip(),
            rating=data.get("rating") or "",
            speaker=data.get("speaker") or "",
            language=data.get("language") or "",
            published_from=data.get("published_from"),
            published_to=data.get("published_to"),
        )


def _query_parts(request: HttpRequest) -> tuple:
    return tuple(sorted((key, tuple(values)) for key, values in request.GET.lists()))


def _index_stamp(request: HttpRequest) -> Stamp:
    return _generation_stamp("index", _query_parts(request))


def _index_content(request: HttpRequest) -> dict[str, Any]:
    form = IndexFilterForm(request.GET)
    filters = form.filters()
    page = Paginator(selectors.claims_public_search(filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    filtered = filters != selectors.PublicFilters()
    main = _content(
        "claims/index.html",
        {
            "form": form,
            "filters": filters,
            "filtered": filtered,
            "page": page,
            "query": query.urlencode(),
            "ratings": selectors.ratings_default_scale(),
            "speakers": selectors.speakers_public(),
            "languages": selectors.languages_public(),
        },
    )
    return {"title": _("Fact-checks"), "main": main, "feed": True}


@public_page(_index_stamp)
def index(request: HttpRequest) -> HttpResponse:
    stamp = _stamp(request, _index_stamp)
    key = caching.page_key("index", _query_parts(request), gen=stamp.gen)
    return _page(request, caching.cached(key, lambda: _index_content(request)))


# --- Verdict page ---------------------------------------------------------------------------


def _verdict_stamp(request: HttpRequest, slug: str) -> Stamp | None:
    gen = caching.generation()  # before the database read: see claims.caching
    found = selectors.claim_public_stamp(slug=slug)
    if found is None:
        return None
    pk, version, updated_at = found
    return Stamp(
        gen=gen,
        etag=caching.etag("verdict", pk, version, updated_at.isoformat(), gen=gen),
        last_modified=max(updated_at, caching.generation_time(gen)),
        version=found,
    )


def _quote_context(claim: Claim):
    text = claim.article.text
    if claim.anchor_status == Claim.Anchor.ORPHANED or text[claim.start : claim.end] != claim.exact:
        # The article changed and the quote could not be found again: show it alone.
        return None
    return quote_context(text, claim.start, claim.end)


def _verdict_content(slug: str) -> dict[str, Any]:
    claim = selectors.claim_public_detail(slug=slug)
    if claim is None:
        raise Http404
    retracted = claim.status == Claim.Status.RETRACTED
    page_url = absolute_url(settings.FACTCHECK_ORG_URL, claim.get_absolute_url())
    review = None
    if not retracted and claim.verdict.rating is not None:
        review = claim_review(
            claim,
            org_name=settings.FACTCHECK_ORG_NAME,
            org_url=settings.FACTCHECK_ORG_URL,
            page_url=page_url,
        )
    main = _content(
        "claims/verdict.html",
        {
            "claim": claim,
            "verdict": claim.verdict,
            "rating": claim.verdict.rating,
            "retracted": retracted,
            "context": _quote_context(claim),
            "sources": selectors.claim_public_sources(claim),
            "corrections": list(claim.corrections.all()),
        },
    )
    return {
        "title": claim.verdict.headline or claim.claim,
        "description": claim.verdict.summary,
        "main": main,
        "claim_review": review,
        "canonical": page_url,
        "noindex": retracted,
    }


@public_page(_verdict_stamp)
def verdict(request: HttpRequest, slug: str) -> HttpResponse:
    stamp = _stamp(request, _verdict_stamp, slug)
    if stamp is None:
        raise Http404
    key = caching.page_key("verdict", slug, *stamp.version, gen=stamp.gen)
    return _page(request, caching.cached(key, lambda: _verdict_content(slug)))


# --- Speaker and methodology ----------------------------------------------------------------


def _speaker_stamp(request: HttpRequest, slug: str) -> Stamp:
    return _generation_stamp("speaker", slug)


def _speaker_content(slug: str) -> dict[str, Any]:
    person = selectors.speaker_public(slug=slug)
    if person is None:
        raise Http404
    claims = list(selectors.speaker_public_claims(person))
    main = _content("claims/speaker.html", {"speaker": person, "claims": claims})
    return {"title": person.name, "description": person.description, "main": main}


@public_page(_speaker_stamp)
def speaker(request: HttpRequest, slug: str) -> HttpResponse:
    stamp = _stamp(request, _speaker_stamp, slug)
    key = caching.page_key("speaker", slug, gen=stamp.gen)
    return _page(request, caching.cached(key, lambda: _speaker_content(slug)))


def _methodology_stamp(request: HttpRequest) -> Stamp:
    return _generation_stamp("methodology")


def _methodology_content() -> dict[str, Any]:
    main = _content("claims/methodology.html", {"scale": selectors.rating_scale_default()})
    return {"title": _("Methodology"), "main": main}


@public_page(_methodology_stamp)
def methodology(request: HttpRequest) -> HttpResponse:
    stamp = _stamp(request, _methodology_stamp)
    key = caching.page_key("methodology", gen=stamp.gen)
    return _page(request, caching.cached(key, _methodology_content))


# --- Feed -----------------------------------------------------------------------------------


def _feed_stamp(request: HttpRequest) -> Stamp:
    return _generation_stamp("feed")


feed = public_page(_feed_stamp)(FactCheckFeed())
