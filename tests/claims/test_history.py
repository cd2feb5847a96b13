"""The reason recorded with a change in a model's history."""

import pytest

from claims.history import set_change_reason
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_reason_goes_with_the_next_saved_history_row():
    claim = factories.ClaimFactory()
    set_change_reason(claim, "re-anchored: moved")
    claim.save()
    assert claim.history.first().history_change_reason == "re-anchored: moved"
