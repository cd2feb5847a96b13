"""The public side of tips: the "Send us a claim" form, its thank-you page, unsubscribing.

Unlike the verdict pages these are never cached whole, nor kept by the front middleware
(``publishing.middleware`` keeps only its own prefixes, and only responses without a
cookie): the form carries the reader's own CSRF token, so it is ``private, no-store``.

A post is checked in this order, each step before anything is read that it guards:

1. its size, by ``Content-Length``, before the body is read (413);
2. the CSRF token (403, Django's page);
3. the client address's counter (``TIPS_FORM_RATE``; 429 with ``Retry-After``);
4. the honeypot: a bot that filled it in sees the thank-you page, nothing is stored;
5. the service's checks (``intake.tips.tip_submit``): the form again, with the errors.

A stored tip answers with a redirect to the thank-you page (Post/Redirect/Get).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from factcheck.addresses import client_address

from .forms import TipForm
from .models import Tip
from .ratelimit import rate_hit
from .tips import BadUnsubscribeToken, tip_from_token, tip_submit, tip_unsubscribe

# Bytes one character may take in a form body (four UTF-8 bytes, each percent-encoded),
# for the text, the link and the address, plus the token and the field names.
_BYTES_PER_CHAR = 12
_FORM_OVERHEAD = 4096


def body_limit() -> int:
    """The most bytes a post of the tip form may have."""
    chars = settings.TIPS_MAX_LENGTH + 2048 + 254
    return chars * _BYTES_PER_CHAR + _FORM_OVERHEAD


def _page(request: HttpRequest, template: str, context: dict, *, status: int = 200) -> HttpResponse:
    response = render(
        request, template, {**context, "org_name": settings.FACTCHECK_ORG_NAME}, status=status
    )
    # Per reader (a CSRF token, a form's values): no cache may keep or share it.
    add_never_cache_headers(response)
    patch_vary_headers(response, ["Cookie"])
    return response


def _refused(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    return _page(
        request, "intake/tip_refused.html", {"title": title, "message": message}, status=status
    )


def _too_large(request: HttpRequest) -> HttpResponse | None:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length <= body_limit():
        return None
    return _refused(
        request,
        413,
        _("Request too large"),
        _("Your message is too long: a claim may have at most %(limit)d characters.")
        % {"limit": settings.TIPS_MAX_LENGTH},
    )


@csrf_protect
def _tip_form(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(
            request,
            "intake/tip_form.html",
            {"form": TipForm(), "max_length": settings.TIPS_MAX_LENGTH},
        )
    hit = rate_hit("tips-form", client_address(request) or "unknown", settings.TIPS_FORM_RATE)
    if not hit.allowed:
        response = _refused(
            request,
            429,
            _("Too many tips"),
            _("We have received many tips from your address. Please try again later."),
        )
        response["Retry-After"] = str(hit.wait)
        return response
    form = TipForm(request.POST)
    if form.is_valid():
        if form.is_trap():
            return HttpResponseRedirect(reverse("intake:tip-thanks"))
        data = form.cleaned_data
        try:
            tip_submit(
                text=data["text"],
                url=data["url"],
                email=data["email"],
                language=get_language() or settings.LANGUAGE_CODE,
                channel=Tip.Channel.FORM,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return HttpResponseRedirect(reverse("intake:tip-thanks"))
    return _page(
        request,
        "intake/tip_form.html",
        {"form": form, "max_length": settings.TIPS_MAX_LENGTH},
        status=400,
    )


@csrf_exempt  # the CSRF check comes in _tip_form, after the size check, as a decorator
@require_http_methods(["GET", "HEAD", "POST"])
def tip_form(request: HttpRequest) -> HttpResponse:
    """``/tips/``: the form (GET) and its submission (POST)."""
    if request.method == "POST":
        refused = _too_large(request)
        if refused is not None:
            return refused
    return _tip_form(request)


@require_http_methods(["GET", "HEAD"])
def tip_thanks(request: HttpRequest) -> HttpResponse:
    """``/tips/thanks/``: where a sent tip lands (the same for everyone)."""
    return _page(request, "intake/tip_thanks.html", {})


# The token is the credential (it names one tip and is signed): no CSRF token is needed,
# and mail programs' one-click unsubscribe (RFC 8058) posts without one.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def tip_unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    """``/tips/unsubscribe/<token>/``: GET asks (a link checker must not unsubscribe
    anyone by opening the link), POST unsubscribes; idempotent."""
    if request.method != "POST":
        try:
            tip_from_token(token)
        except BadUnsubscribeToken:
            return _bad_token(request)
        return _page(request, "intake/tip_unsubscribe.html", {"done": False})
    try:
        result = tip_unsubscribe(token=token)
    except BadUnsubscribeToken:
        return _bad_token(request)
    return _page(request, "intake/tip_unsubscribe.html", {"done": True, "result": result})


def _bad_token(request: HttpRequest) -> HttpResponse:
    return _refused(
        request,
        400,
        _("This link is not valid"),
        _(
            "This unsubscribe link is incomplete or was changed. Open the link exactly as it "
            "is in our e-mail; nothing was changed."
        ),
    )
