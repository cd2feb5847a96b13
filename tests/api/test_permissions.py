"""Who may call what: every endpoint and method × anonymous, a partner key, a revoked key,
a non-staff user, a fact-checker and an editor (tokens).

Each case gets a fresh claim in the state its action needs, so the status says only
whether the caller may act: 401 without valid credentials, 403 when authenticated but not
allowed, 2xx otherwise.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.middleware.csrf import _get_new_csrf_string
from rest_framework.test import APIClient

from tests import factories
from tests.helpers.api import api_client, desk_api_client
from tests.helpers.workflow import publish_claim, submit, write_verdict

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "partner", "revoked", "non_staff", "fact_checker", "editor")


@dataclass
class Ctx:
    checker: Any
    editor: Any
    article: Any

    def draft(self):
        return factories.ClaimFactory(article=self.article)

    def in_review(self):
        return submit(write_verdict(self.draft(), self.checker), self.checker)

    def published(self):
        return publish_claim(self.draft(), self.checker, self.editor)


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    path: Callable[[Ctx], str]
    body: Callable[[Ctx], dict | None] = lambda ctx: None
    # status per role, in ROLES order
    expected: tuple[int, ...] = ()


def _inbox_item(ctx: Ctx, matched: Any = None) -> Any:
    """An open inbox item on an article of its own (a repeat of ``matched`` if given)."""
    from intake.models import InboxItem

    article = factories.ArticleFactory(import_state="imported", url="https://news.example/x")
    return InboxItem.objects.create(
        article=article, start=0, end=10, quote=article.text[:10], matched_claim=matched
    )


PARTNER_READ = (401, 200, 401, 403, 200, 200)
DESK_READ = (401, 401, 401, 403, 200, 200)
DESK_CREATE = (401, 401, 401, 403, 201, 201)
DESK_CHECKER_WRITE = (401, 401, 401, 403, 200, 200)
DESK_EDITOR_ONLY = (401, 401, 401, 403, 403, 200)


def _published_path(suffix: str = "") -> Callable[[Ctx], str]:
    return lambda ctx: f"/api/v1/claims/{ctx.published().pk}/{suffix}"


def _claim_body(ctx: Ctx) -> dict:
    text = ctx.article.text
    start = text.index("keine Probleme")
    return {
        "article": ctx.article.pk,
        "start": start,
        "end": start + len("keine Probleme"),
        "speaker_name": "Der Minister",
        "attribution": "indirect",
        "claim": "Es gibt keine Probleme",
    }


def _with_version(make: Callable[[Ctx], Any], **body) -> tuple[Callable, Callable]:
    """A path and a body for an action on a fresh claim made by ``make``."""
    made: dict[int, Any] = {}

    def path(ctx: Ctx, action: str) -> str:
        made[id(ctx)] = claim = make(ctx)
        return f"/api/v1/desk/claims/{claim.pk}/{action}/"

    def payload(ctx: Ctx) -> dict:
        return {**body, "version": made[id(ctx)].version}

    return path, payload


def _action(
    name: str, make: Callable[[Ctx], Any], expected: tuple[int, ...], method: str = "post", **body
) -> Case:
    path, payload = _with_version(make, **body)
    return Case(name, method, lambda ctx: path(ctx, name), payload, expected)


def _source_path(ctx: Ctx) -> str:
    source = factories.SourceFactory(url="https://s.example/")
    return f"/api/v1/desk/sources/{source.pk}/"


CASES = [
    # --- partner API
    Case("claims list", "get", lambda ctx: "/api/v1/claims/", expected=PARTNER_READ),
    Case("claim detail", "get", _published_path(), expected=PARTNER_READ),
    Case("speakers", "get", lambda ctx: "/api/v1/speakers/", expected=PARTNER_READ),
    Case("ratings", "get", lambda ctx: "/api/v1/ratings/", expected=PARTNER_READ),
    Case("claimreview feed", "get", lambda ctx: "/api/v1/claimreview/", expected=PARTNER_READ),
    # Tips: partner keys only (a staff token is known, and refused).
    Case(
        "tip create",
        "post",
        lambda ctx: "/api/v1/tips/",
        lambda ctx: {"text": "Eine Behauptung, die jemand prüfen sollte"},
        (401, 201, 401, 403, 403, 403),
    ),
    # --- desk API
    Case("articles list", "get", lambda ctx: "/api/v1/desk/articles/", expected=DESK_READ),
    Case(
        "article create",
        "post",
        lambda ctx: "/api/v1/desk/articles/",
        lambda ctx: {"title": "Neu", "text": "Sie sagte, alles sei gut.", "language": "de"},
        DESK_CREATE,
    ),
    Case(
        "article detail",
        "get",
        lambda ctx: f"/api/v1/desk/articles/{ctx.article.pk}/",
        expected=DESK_READ,
    ),
    Case(
        "suggestions",
        "get",
        lambda ctx: f"/api/v1/desk/articles/{ctx.article.pk}/suggestions/",
        expected=DESK_READ,
    ),
    Case("claims list (desk)", "get", lambda ctx: "/api/v1/desk/claims/", expected=DESK_READ),
    Case("claim create", "post", lambda ctx: "/api/v1/desk/claims/", _claim_body, DESK_CREATE),
    Case(
        "claim detail (desk)",
        "get",
        lambda ctx: f"/api/v1/desk/claims/{ctx.draft().pk}/",
        expected=DESK_READ,
    ),
    Case(
        "citation create",
        "post",
        lambda ctx: f"/api/v1/desk/claims/{ctx.draft().pk}/citations/",
        lambda ctx: {"url": "https://statistik.example/bericht", "role": "refutes"},
        DESK_CREATE,
    ),
    Case(
        "comments",
        "get",
        lambda ctx: f"/api/v1/desk/claims/{ctx.draft().pk}/comments/",
        expected=DESK_READ,
    ),
    Case(
        "comment create",
        "post",
        lambda ctx: f"/api/v1/desk/claims/{ctx.draft().pk}/comments/",
        lambda ctx: {"text": "Bitte die Quelle prüfen, @editor."},
        DESK_CREATE,
    ),
    Case("source detail", "get", _source_path, expected=DESK_READ),
    _action(
        "verdict",
        Ctx.draft,
        DESK_CHECKER_WRITE,
        method="put",
        rating="falsch",
        headline="H",
        summary="S",
        explanation="E",
    ),
    _action("submit", lambda ctx: write_verdict(ctx.draft(), ctx.checker), DESK_CHECKER_WRITE),
    _action("request-changes", Ctx.in_review, DESK_EDITOR_ONLY, note="Quelle fehlt"),
    _action("publish", Ctx.in_review, DESK_EDITOR_ONLY),
    _action("correct", Ctx.published, DESK_EDITOR_ONLY, note="Tippfehler", headline="Neu"),
    _action("retract", Ctx.published, DESK_EDITOR_ONLY, reason="Irrtum"),
    Case("inbox list", "get", lambda ctx: "/api/v1/desk/inbox/", expected=DESK_READ),
    Case(
        "inbox dismiss",
        "post",
        lambda ctx: f"/api/v1/desk/inbox/{_inbox_item(ctx).pk}/dismiss/",
        expected=DESK_CHECKER_WRITE,
    ),
    Case(
        "inbox assign",
        "post",
        lambda ctx: f"/api/v1/desk/inbox/{_inbox_item(ctx).pk}/assign/",
        lambda ctx: {"assignee": ctx.editor.pk},
        DESK_CHECKER_WRITE,
    ),
    Case(
        "inbox appearance",
        "post",
        lambda ctx: (
            f"/api/v1/desk/inbox/{_inbox_item(ctx, matched=ctx.published()).pk}/appearance/"
        ),
        expected=DESK_CHECKER_WRITE,
    ),
]


@pytest.fixture
def clients(checker, editor, partner_key, revoked_key) -> dict[str, APIClient]:
    outsider = factories.UserFactory(username="outsider", is_staff=False)
    return {
        "anonymous": api_client(),
        "partner": api_client(partner_key.header),
        "revoked": api_client(revoked_key.header),
        "non_staff": desk_api_client(outsider),
        "fact_checker": desk_api_client(checker),
        "editor": desk_api_client(editor),
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case.method.upper()} {case.name}")
def test_permission_matrix(case, role, clients, checker, editor):
    ctx = Ctx(checker=checker, editor=editor, article=factories.ArticleFactory())
    path = case.path(ctx)
    body = case.body(ctx)
    client = clients[role]

    response = getattr(client, case.method)(path, body, format="json")

    expected = case.expected[ROLES.index(role)]
    assert response.status_code == expected, (role, case.name, response.json())
    if expected >= 400:
        assert response.json()["error"] in {
            "not_authenticated",
            "authentication_failed",
            "permission_denied",
            "not_allowed",
        }


def test_the_matrix_covers_every_endpoint_and_method():
    """A new endpoint or method must be added to CASES."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = {(method, path) for path, item in schema["paths"].items() for method in item}
    covered = {case.method for case in CASES}
    assert len(operations) == len(CASES), sorted(operations)
    assert covered == {"get", "post", "put"}


def test_staff_session_with_csrf_on_the_desk(checker):
    """A browser session works on the desk API, and needs the CSRF token to write."""
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(checker)
    assert client.get("/api/v1/desk/articles/").status_code == 200
    assert client.get("/api/v1/claims/").status_code == 200

    refused = client.post(
        "/api/v1/desk/articles/", {"text": "Er sagte, es gehe gut."}, format="json"
    )
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["message"]

    token = _get_new_csrf_string()  # what the desk's pages put in the cookie
    client.cookies["csrftoken"] = token
    accepted = client.post(
        "/api/v1/desk/articles/",
        {"text": "Er sagte, es gehe gut."},
        format="json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert accepted.status_code == 201


def test_a_desk_user_without_a_group_gets_403(db):
    staff = factories.UserFactory(username="staff-no-group", is_staff=True)
    client = desk_api_client(staff)
    assert client.get("/api/v1/desk/claims/").status_code == 403
    # Staff may read the partner API (published content only).
    assert client.get("/api/v1/claims/").status_code == 200


def test_four_eyes_through_the_api(editor_api, editor, checker):
    """An editor who wrote the verdict may not publish it: the service's 403, with reason."""
    claim = factories.ClaimFactory()
    write_verdict(claim, editor)
    submit(claim, editor)

    response = editor_api.post(
        f"/api/v1/desk/claims/{claim.pk}/publish/", {"version": claim.version}, format="json"
    )

    assert response.status_code == 403
    assert response.json()["error"] == "not_allowed"
    assert "Four eyes" in response.json()["message"]
