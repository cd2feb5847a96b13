"""Public pages. Every read starts from the published-only selectors.

Each page is cached whole, per language and generation (see ``publishing.caching``): it is
rendered without anything per reader (no CSRF token, no CSP nonce), so a cache hit is one
cache read that brings the generation and the page together, with no database query and
no rendering, and a revalidation answers 304 from the same read. On a miss, the page's
validators come from a cheap check first (the verdict page: one small query; the others:
the generation alone), so a revalidation never renders anything.

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
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.template.loader import render_to_string
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, quote_etag
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import condition, require_safe
from django.views.decorators.vary import vary_on_headers

from claims import links
from claims.models import Claim
from claims.selectors import rating_scale_default, ratings_default_scale

from . import caching, frontcache, selectors
from .claimreview import claim_review, origin_of
from .context import quote_context
from .feeds import FactCheckFeed

PAGE_SIZE = 20
CONTENT_TYPE = "text/html; charset=utf-8"


# --- Validators and the page cache ----------------------------------------------------------


@dataclass(frozen=True)
class Stamp:
    """A page's validators, computed before anything is rendered."""

    etag: str
    last_modified: datetime


def _generation_stamp(gen: int, kind: str, *parts: Any) -> Stamp:
    return Stamp(
        etag=caching.etag(kind, *parts, gen=gen),
        last_modified=caching.generation_time(gen),
    )


def _headers(response: HttpResponse, etag: str, last_modified: int) -> HttpResponse:
    response.headers.setdefault("ETag", etag)
    response.headers.setdefault("Last-Modified", http_date(last_modified))
    # Readers always revalidate (a 304 is cheap), so a correction shows at once.
    patch_cache_control(response, max_age=0, must_revalidate=True)
    return response


def cached_page(kind: str, stamp: Callable[..., Stamp | None]):
    """A public page cached whole, with conditional GET (ETag, Last-Modified, 304).

    The decorated function takes the request and the URL's arguments and returns the
    page's content (``title``, ``main`` and optional head data; see ``claims/page.html``),
    or raises Http404. ``stamp(gen, request, *args)`` gives the validators for a cache
    miss, or None when the page does not exist (a 404, never cached).
    The cache key is the path with its query, so every URL is its own page.
    """

    def decorator(content: Callable[..., dict[str, Any]]):
        @wraps(content)
        def view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            key = caching.page_key(kind, request.get_full_path())
            gen, entry = caching.page_lookup(key)
            if entry is None or entry[0] != gen:
                found = stamp(gen, request, *args, **kwargs)
                if found is None:
                    raise Http404
                etag = quote_etag(found.etag)
                last_modified = int(found.last_modified.timestamp())
                not_modified = get_conditional_response(
                    request, etag=etag, last_modified=last_modified
                )
                if not_modified is not None:  # the reader has this page: nothing to render
                    frontcache.mark(request, gen=gen, etag=etag, last_modified=last_modified)
                    return _headers(not_modified, etag, last_modified)
                body = _render(request, content(request, *args, **kwargs))
                entry = (gen, etag, last_modified, body)
                caching.page_store(key, entry)
            _gen, etag, last_modified, body = entry
            # The first middleware may answer the next request for this URL by itself.
            frontcache.mark(request, gen=gen, etag=etag, last_modified=last_modified)
            response = get_conditional_response(
                request, etag=etag, last_modified=last_modified
            ) or HttpResponse(body, content_type=CONTENT_TYPE)
            return _headers(response, etag, last_modified)

        return require_safe(vary_on_headers("Cookie", "Accept-Language")(view))

    return decorator


def _render(request: HttpRequest, content: dict[str, Any]) -> bytes:
    """The whole page around ``content``: the same bytes for every reader of the URL."""
    return render_to_string(
        "claims/page.html",
        {"content": content, "org_name": settings.FACTCHECK_ORG_NAME},
        request=request,
    ).encode()


def _content(template: str, context: dict[str, Any]) -> str:
    # Rendered without the request: nothing per-reader can end up in the cache.
    return render_to_string(template, {**context, "org_name": settings.FACTCHECK_ORG_NAME})


def conditional(make_stamp: Callable[..., Stamp | None]):
    """Conditional GET for a page that is not cached whole (the Atom feed)."""

    def stamp(request, *args, **kwargs):
        if not hasattr(request, "_public_stamp"):  # asked twice: ETag, Last-Modified
            request._public_stamp = make_stamp(caching.generation(), request, *args, **kwargs)
        return request._public_stamp

    def decorator(view):
        conditional_view = condition(
            etag_func=lambda request, *a, **kw: stamp(request, *a, **kw).etag,
            last_modified_func=lambda request, *a, **kw: stamp(request, *a, **kw).last_modified,
        )(view)

        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            response = conditional_view(request, *args, **kwargs)
            patch_cache_control(response, max_age=0, must_revalidate=True)
            return response

        return require_safe(vary_on_headers("Cookie", "Accept-Language")(wrapper))

    return decorator


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


def _index_stamp(gen: int, request: HttpRequest) -> Stamp:
    return _generation_stamp(gen, "index", _query_parts(request))


@cached_page("index", _index_stamp)
def index(request: HttpRequest) -> dict[str, Any]:
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
            "ratings": ratings_default_scale(),
            "speakers": selectors.speakers_public(),
            "languages": selectors.languages_public(),
        },
    )
    return {"title": _("Fact-checks"), "main": main, "feed": True}


# --- Verdict page ---------------------------------------------------------------------------


def _verdict_stamp(gen: int, request: HttpRequest, slug: str) -> Stamp | None:
    # ``gen`` was read before this query: see publishing.caching.
    found = selectors.claim_public_stamp(slug=slug)
    if found is None:
        return None
    pk, version, updated_at = found
    return Stamp(
        etag=caching.etag("verdict", pk, version, updated_at.isoformat(), gen=gen),
        last_modified=max(updated_at, caching.generation_time(gen)),
    )


def _quote_context(claim: Claim):
    text = claim.article.text
    if claim.anchor_status == Claim.Anchor.ORPHANED or text[claim.start : claim.end] != claim.exact:
        # The article changed and the quote could not be found again: show it alone.
        return None
    return quote_context(text, claim.start, claim.end)


@cached_page("verdict", _verdict_stamp)
def verdict(request: HttpRequest, slug: str) -> dict[str, Any]:
    claim = selectors.claim_public_detail(slug=slug)
    if claim is None:
        raise Http404
    retracted = claim.status == Claim.Status.RETRACTED
    page_url = links.claim_url(claim)
    sources = selectors.claim_public_sources(claim)
    review = None
    if not retracted and claim.verdict.rating is not None:
        review = claim_review(
            claim,
            org_name=settings.FACTCHECK_ORG_NAME,
            org_url=links.org_url(),
            page_url=page_url,
            origin=origin_of(sources),
            appearances=claim.appearances.all(),
        )
    main = _content(
        "claims/verdict.html",
        {
            "claim": claim,
            "verdict": claim.verdict,
            "rating": claim.verdict.rating,
            "retracted": retracted,
            "context": _quote_context(claim),
            "sources": sources,
            "corrections": list(claim.corrections.all()),
            "appearances": list(claim.appearances.all()),
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


# --- Speaker and methodology ----------------------------------------------------------------


def _speaker_stamp(gen: int, request: HttpRequest, slug: str) -> Stamp:
    return _generation_stamp(gen, "speaker", slug)


def speaker(request: HttpRequest, slug: str) -> HttpResponse:
    """The speaker's page; the address of a speaker merged into another answers 301."""
    try:
        return _speaker_page(request, slug)
    except Http404:
        kept = selectors.speaker_redirect_target(slug=slug)
        if kept is None:
            raise
        return HttpResponsePermanentRedirect(kept.get_absolute_url())


@cached_page("speaker", _speaker_stamp)
def _speaker_page(request: HttpRequest, slug: str) -> dict[str, Any]:
    person = selectors.speaker_public(slug=slug)
    if person is None:
        raise Http404
    claims = list(selectors.speaker_public_claims(person))
    main = _content("claims/speaker.html", {"speaker": person, "claims": claims})
    return {"title": person.name, "description": person.description, "main": main}


def _methodology_stamp(gen: int, request: HttpRequest) -> Stamp:
    return _generation_stamp(gen, "methodology")


@cached_page("methodology", _methodology_stamp)
def methodology(request: HttpRequest) -> dict[str, Any]:
    main = _content("claims/methodology.html", {"scale": rating_scale_default()})
    return {"title": _("Methodology"), "main": main}


# --- Feed -----------------------------------------------------------------------------------


def _feed_stamp(gen: int, request: HttpRequest) -> Stamp:
    return _generation_stamp(gen, "feed")


feed = conditional(_feed_stamp)(FactCheckFeed())
