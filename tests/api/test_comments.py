"""The conversation in the desk API, and that it never reaches a reader, a partner or a
webhook: each public output is read after a claim with comments, a request for changes and
notifications was published."""

import json

import pytest
from django.core import mail

from claims import comments, workflow
from newsdesk.models import Notification
from partners.webhooks import webhook_payload
from tests import factories
from tests.helpers.api import desk_api_client
from tests.helpers.workflow import publish, submit, write_verdict

SECRET_COMMENT = "Interner Hinweis XYZZY-Kommentar"
SECRET_NOTE = "Interne Bitte PLUGH-Aenderung"


def _path(claim) -> str:
    return f"/api/v1/desk/claims/{claim.pk}/comments/"


def test_comment_and_read_the_conversation(checker, editor):
    claim = factories.ClaimFactory(created_by=checker)
    editor.email = "editor@desk.example"
    editor.save(update_fields=["email"])
    api = desk_api_client(checker)
    response = api.post(_path(claim), {"text": "Bitte prüfen, @editor1."}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "author", "kind", "text", "created_at"}
    assert (body["author"], body["text"], body["kind"]) == (
        "checker1",
        "Bitte prüfen, @editor1.",
        "comment",
    )
    listed = desk_api_client(editor).get(_path(claim))
    assert listed.status_code == 200
    assert [c["id"] for c in listed.json()] == [body["id"]]


def test_the_api_notifies_after_the_commit(checker, editor, django_capture_on_commit_callbacks):
    claim = factories.ClaimFactory(created_by=checker)
    editor.email = "editor@desk.example"
    editor.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        desk_api_client(checker).post(_path(claim), {"text": "@editor1 bitte"}, format="json")
    assert Notification.objects.filter(recipient=editor, kind="mentioned").count() == 1
    assert [m.to for m in mail.outbox] == [["editor@desk.example"]]


@pytest.mark.parametrize("text", ["a\x00b", "a\x1bb", "a\x07b", ""])
def test_refused_text_is_a_400(checker, text):
    claim = factories.ClaimFactory()
    response = desk_api_client(checker).post(_path(claim), {"text": text}, format="json")
    assert response.status_code == 400
    assert "text" in json.dumps(response.json())


def test_partners_and_outsiders_are_refused(partner, db):
    claim = factories.ClaimFactory()
    outsider = factories.UserFactory(username="outsider", is_staff=False)
    for client in (partner, desk_api_client(outsider)):
        for response in (
            client.get(_path(claim)),
            client.post(_path(claim), {"text": "Hallo"}, format="json"),
        ):
            assert response.status_code in (401, 403)


def test_an_unknown_claim_is_a_404(checker):
    assert desk_api_client(checker).get("/api/v1/desk/claims/999999/comments/").status_code == 404


@pytest.fixture
def discussed(checker, editor, second_editor, django_capture_on_commit_callbacks):
    """A published claim with a comment, a mention, a request for changes (answered)."""
    claim = factories.ClaimFactory(created_by=checker, assignee=checker)
    write_verdict(claim, checker)
    with django_capture_on_commit_callbacks(execute=True):
        comments.comment_add(claim=claim, user=checker, text=f"{SECRET_COMMENT} @editor1")
        submit(claim, checker)
        workflow.claim_request_changes(
            claim=claim, user=second_editor, version=claim.version, note=SECRET_NOTE
        )
    submit(claim, checker)
    publish(claim, editor)
    assert Notification.objects.exists()
    claim.refresh_from_db()
    return claim


@pytest.mark.parametrize(
    "url",
    [
        lambda c: c.get_absolute_url(),
        lambda c: "/fact-checks/",
        lambda c: c.speaker.get_absolute_url(),
        lambda c: "/feeds/fact-checks.atom",
        lambda c: "/sitemap.xml",
    ],
    ids=["verdict page", "index", "speaker page", "feed", "sitemap"],
)
def test_no_public_page_shows_the_conversation(client, discussed, url):
    response = client.get(url(discussed))
    assert response.status_code == 200
    page = response.content.decode()
    assert discussed.claim in page or url(discussed) == "/sitemap.xml"
    for secret in (SECRET_COMMENT, SECRET_NOTE, "XYZZY", "PLUGH", "@editor1"):
        assert secret not in page


@pytest.mark.parametrize(
    "url",
    [
        lambda c: "/api/v1/claims/",
        lambda c: f"/api/v1/claims/{c.pk}/",
        lambda c: "/api/v1/claimreview/",
    ],
    ids=["partner list", "partner detail", "DataFeed"],
)
def test_no_partner_output_shows_the_conversation(partner, discussed, url):
    response = partner.get(url(discussed))
    assert response.status_code == 200
    body = response.content.decode()
    assert discussed.slug in body
    for secret in ("XYZZY", "PLUGH", "comment", "notification", "changes_requested"):
        assert secret not in body


@pytest.mark.parametrize("event", ["published", "corrected", "retracted", "sources"])
def test_no_webhook_payload_shows_the_conversation(discussed, event):
    payload = json.dumps(webhook_payload(discussed, event))
    for secret in ("XYZZY", "PLUGH", "comment", "notification", "changes_requested"):
        assert secret not in payload
