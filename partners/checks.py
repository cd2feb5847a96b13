"""System checks: the API's rates must parse, or every partner request would fail."""

from typing import Any

from django.core.checks import Error, register
from rest_framework.settings import api_settings

from .api.throttling import PartnerRateThrottle

# Where each rate comes from in the environment (factcheck/settings.py).
RATE_SETTINGS = {"partner": "PARTNER_THROTTLE_RATE", "tips": "TIPS_API_RATE"}


@register()
def throttle_rates_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors = []
    for scope, rate in api_settings.DEFAULT_THROTTLE_RATES.items():
        try:
            PartnerRateThrottle().parse_rate(rate)  # DRF's parsing, as the views use it
        except (ValueError, KeyError, IndexError, AttributeError):
            name = RATE_SETTINGS.get(scope, f"DEFAULT_THROTTLE_RATES[{scope!r}]")
            errors.append(
                Error(
                    f"{name} is {rate!r}, which is not a rate.",
                    hint="Write N/second, N/minute, N/hour or N/day, e.g. 600/minute.",
                    id="partners.E001",
                )
            )
    return errors
