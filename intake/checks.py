"""System checks: the tip form's rate must parse, or every tip would fail."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

from .ratelimit import parse_rate


@register()
def tips_form_rate_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    try:
        parse_rate(settings.TIPS_FORM_RATE)
    except (ValueError, TypeError) as error:
        return [
            Error(
                f"TIPS_FORM_RATE: {error}.",
                hint="For example 5/hour, or 10/15m for ten per quarter of an hour.",
                id="intake.E001",
            )
        ]
    return []
