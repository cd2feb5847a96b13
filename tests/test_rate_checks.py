"""A rate an operator mistyped is caught by ``manage.py check`` (which ``migrate`` runs at
every deploy), not by a 500 on the first tip or partner request."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from intake.checks import tips_form_rate_check
from partners.checks import throttle_rates_check


def test_the_default_rates_pass():
    assert tips_form_rate_check() == [] and throttle_rates_check() == []


def test_a_malformed_tip_form_rate_is_named(settings):
    settings.TIPS_FORM_RATE = "lots"
    (error,) = tips_form_rate_check()
    assert error.id == "intake.E001" and "TIPS_FORM_RATE" in error.msg and "'lots'" in error.msg


@pytest.mark.parametrize(
    ("scope", "name"), [("partner", "PARTNER_THROTTLE_RATE"), ("tips", "TIPS_API_RATE")]
)
def test_a_malformed_api_rate_is_named(settings, scope, name):
    rates = dict(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **{scope: "600/fortnight"})
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    (error,) = throttle_rates_check()
    assert error.id == "partners.E001" and name in error.msg and "600/fortnight" in error.msg


def test_manage_py_check_fails_on_them(settings):
    settings.TIPS_FORM_RATE = "5 per hour"
    with pytest.raises(SystemCheckError, match=r"intake\.E001"):
        call_command("check")
