"""Fixtures for the workflow and the public pages: claims taken through the real services
(tests/helpers/workflow.py); ``make_published`` is suite-wide (tests/conftest.py)."""

import pytest

from claims.models import Claim
from tests import factories
from tests.helpers.text import HOSTILE
from tests.helpers.workflow import submit, write_verdict


@pytest.fixture
def in_review(checker) -> Claim:
    claim = factories.ClaimFactory()
    write_verdict(claim, checker)
    return submit(claim, checker)


@pytest.fixture
def hostile_article():
    text = (
        f'Die Ministerin sagte am Montag: "{HOSTILE}". Danach ging sie. Der Satz danach steht hier.'
    )
    return factories.ArticleFactory(
        title=f"Titel {HOSTILE}", outlet=f"Zeitung {HOSTILE}", text=text, language="de"
    )
