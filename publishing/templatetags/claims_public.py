"""Template helpers for the public pages. Everything they output is escaped."""

from datetime import date
from typing import Any
from urllib.parse import urlsplit

from django import template
from django.utils import formats
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language_info

from claims.models import Rating

from ..claimreview import to_script_json

register = template.Library()

TONES = 5  # static/claims/public.css has .tone-0 (worst) … .tone-4 (best)


@register.filter
def safe_url(value: Any) -> str:
    """``value`` if it is an http(s) URL, else "" (no ``javascript:`` in an href)."""
    text = str(value or "").strip()
    try:
        scheme = urlsplit(text).scheme.lower()
    except ValueError:
        return ""
    return text if scheme in ("http", "https") else ""


@register.filter
def rating_tone(rating: Rating | None) -> int | str:
    """The rating's place on its scale as 0 (worst) … 4 (best), for the colour accent.

    The colour only ever accompanies the label and symbol; it comes from the position on
    the scale so that no stored value reaches the style sheet.
    """
    if rating is None:
        return "none"
    scale = rating.scale
    span = scale.best_value - scale.worst_value
    if span == 0:
        return "none"
    position = (rating.value - scale.worst_value) / span
    return max(0, min(TONES - 1, round(position * (TONES - 1))))


@register.filter
def partial_date(value: str) -> str:
    """A partial date (2022, 2022-01, 2022-01-07) in the active language's format."""
    parts = (value or "").split("-")
    try:
        numbers = [int(part) for part in parts]
        if len(numbers) == 3:
            return formats.date_format(date(*numbers), "DATE_FORMAT")
        if len(numbers) == 2:
            return formats.date_format(date(numbers[0], numbers[1], 1), "YEAR_MONTH_FORMAT")
    except ValueError:
        return value
    return value


@register.filter
def language_name(code: str) -> str:
    """The language's own name ("Deutsch", "English"), or the code if Django does not know it."""
    try:
        return get_language_info(code)["name_local"]
    except KeyError:
        return code


@register.simple_tag
def json_ld(data: dict[str, Any] | None) -> SafeString:
    """``<script type="application/ld+json">`` with ``data``.

    A JSON-LD block is data, never executed, so the CSP does not govern it and it needs no
    nonce: the page stays the same for every reader and can be cached whole. The JSON is
    escaped for a script element (``<``, ``>``, ``&`` as ``\\u003C``…), so no text can
    close the element.
    """
    if not data:
        return SafeString("")
    # Escaped for a <script> element by to_script_json (like json_script).
    return format_html(
        '<script type="application/ld+json">{}</script>', mark_safe(to_script_json(data))
    )
