"""Public pages. Every read starts from the published-only selectors."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors


def index(request: HttpRequest) -> HttpResponse:
    claims = selectors.claims_public_list().order_by("-published_at", "-id")[:50]
    return render(request, "claims/index.html", {"claims": claims})


def verdict(request: HttpRequest, slug: str) -> HttpResponse:
    claim = selectors.claim_public_detail(slug=slug)
    if claim is None:
        raise Http404
    return render(request, "claims/verdict.html", {"claim": claim})


def speaker(request: HttpRequest, slug: str) -> HttpResponse:
    person = selectors.speaker_public(slug=slug)
    if person is None:
        raise Http404
    claims = selectors.claims_public_list().filter(speaker=person).order_by("-published_at")
    return render(request, "claims/speaker.html", {"speaker": person, "claims": claims})


def methodology(request: HttpRequest) -> HttpResponse:
    return render(request, "claims/methodology.html", {"scale": selectors.rating_scale_default()})
