"""The sources admin: pages answer, "fetch again" works, edits go through the services,
and the claim page's citation inline saves through ``citation_add``."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from publishing.archive import ARCHIVE_CSP
from sources import services
from sources.models import Citation, Source
from tests import factories
from tests.sources.helpers import fetch, page

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sources_env", "loopback_only")]


@pytest.fixture
def fetched(checker, http_server):
    http_server.respond("/article", body=page("Bericht", "Die erste Fassung des Berichts"))
    claim = factories.ClaimFactory(created_by=checker)
    source = services.citation_add(
        claim=claim, url=http_server.url("/article"), role="supports", user=checker
    ).source
    fetch(source)
    return source


class _FormValues(HTMLParser):
    """The values a browser would submit for the page's main form."""

    def __init__(self) -> None:
        super().__init__()
        self.values: list[tuple[str, str]] = []
        self._select: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        name = attributes.get("name")
        if tag == "input" and name:
            kind = attributes.get("type", "text")
            if kind in ("submit", "button", "image", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attributes:
                return
            self.values.append(
                (name, attributes.get("value") or ("on" if kind == "checkbox" else ""))
            )
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attributes:
            self.values.append((self._select, attributes.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.values.append((self._textarea, "".join(self._text).lstrip("\n")))
            self._textarea = None


def _form_data(response) -> dict[str, str]:
    parser = _FormValues()
    parser.feed(response.content.decode())
    return dict(parser.values)


# --- Pages answer ----------------------------------------------------------------------------


@pytest.mark.parametrize("model", ["source", "snapshot", "citation"])
def test_changelists_answer_with_search_and_filters(admin_client, fetched, model):
    url = reverse(f"admin:sources_{model}_changelist")
    assert admin_client.get(url).status_code == 200
    assert admin_client.get(url, {"q": "article"}).status_code == 200
    if model == "source":
        for params in ({"state": "fetched"}, {"is_dead__exact": "1"}, {"is_changed__exact": "0"}):
            assert admin_client.get(url, params).status_code == 200


def test_change_pages_answer(admin_client, fetched):
    snapshot = fetched.snapshots.get()
    citation = fetched.citations.get()
    page_ = admin_client.get(
        reverse("admin:sources_source_change", args=[fetched.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert page_.status_code == 200
    content = page_.content.decode()
    assert reverse("admin:sources_source_refetch", args=[fetched.pk]) in content  # the button
    assert reverse("admin:sources_snapshot_archive", args=[snapshot.pk]) in content
    assert 'name="_save"' not in content  # nothing to edit by hand
    assert (
        admin_client.get(reverse("admin:sources_snapshot_change", args=[snapshot.pk])).status_code
        == 200
    )
    assert (
        admin_client.get(reverse("admin:sources_citation_change", args=[citation.pk])).status_code
        == 200
    )


def test_sources_and_snapshots_are_not_added_by_hand(admin_client, fetched):
    assert admin_client.get(reverse("admin:sources_source_add")).status_code == 403
    assert admin_client.get(reverse("admin:sources_snapshot_add")).status_code == 403
    assert admin_client.get(reverse("admin:sources_citation_add")).status_code == 200


def test_fact_checkers_see_sources_and_snapshots(client, checker, fetched):
    client.force_login(checker)
    for name in ("source", "snapshot", "citation"):
        assert client.get(reverse(f"admin:sources_{name}_changelist")).status_code == 200
    snapshot = fetched.snapshots.get()
    response = client.get(reverse("admin:sources_snapshot_archive", args=[snapshot.pk]))
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == ARCHIVE_CSP


def test_the_desk_archive_view_needs_a_login(client, fetched):
    snapshot = fetched.snapshots.get()
    response = client.get(reverse("admin:sources_snapshot_archive", args=[snapshot.pk]))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


# --- Fetch again ------------------------------------------------------------------------------


def test_fetch_again_action_refetches(
    client, checker, fetched, http_server, django_capture_on_commit_callbacks
):
    client.force_login(checker)
    http_server.respond("/article", body=page("Bericht", "Eine spätere, geänderte Fassung"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:sources_source_changelist"),
            {"action": "fetch_again", "_selected_action": [fetched.pk]},
        )
    assert response.status_code == 302
    fetched.refresh_from_db()
    assert fetched.state == Source.State.FETCHED
    assert fetched.is_changed
    assert fetched.snapshots.count() == 2
    assert len(http_server.requests_to("/article")) == 2


def test_fetch_again_button_on_a_failed_source(
    client, checker, http_server, django_capture_on_commit_callbacks
):
    http_server.respond("/later", status=403)
    claim = factories.ClaimFactory()
    source = services.citation_add(
        claim=claim, url=http_server.url("/later"), role="supports", user=checker
    ).source
    fetch(source)
    assert source.state == Source.State.FAILED
    http_server.respond("/later", body=page("Frei", "Jetzt frei"))
    client.force_login(checker)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:sources_source_refetch", args=[source.pk]))
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.state == Source.State.FETCHED
    assert client.get(reverse("admin:sources_source_refetch", args=[source.pk])).status_code == 405


def test_mark_flags_reviewed_action(admin_client, fetched):
    Source.objects.filter(pk=fetched.pk).update(is_dead=True)
    response = admin_client.post(
        reverse("admin:sources_source_changelist"),
        {"action": "clear_flags", "_selected_action": [fetched.pk]},
    )
    assert response.status_code == 302
    fetched.refresh_from_db()
    assert not fetched.is_flagged


# --- Citations go through the services -----------------------------------------------------------


def test_citation_add_page_uses_the_service(client, checker, django_capture_on_commit_callbacks):
    claim = factories.ClaimFactory()
    client.force_login(checker)
    url = reverse("admin:sources_citation_add")
    bad = client.post(url, {"claim": claim.pk, "url": "ftp://example.com/x", "role": "supports"})
    assert bad.status_code == 200
    assert "ftp" in bad.content.decode()
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            url,
            {
                "claim": claim.pk,
                "url": "https://Example.com/doc?utm_medium=mail",
                "role": "refutes",
                "passage": "„Zitat“",
            },
        )
    assert response.status_code == 302, response.content.decode()[:3000]
    citation = Citation.objects.select_related("source").get()
    assert citation.source.normalised_url == "https://example.com/doc"
    assert (citation.role, citation.passage, citation.created_by) == ("refutes", "„Zitat“", checker)
    assert len(callbacks) == 1  # the fetch, queued after the commit (not run here)


def test_citation_delete_uses_the_service(admin_client, fetched):
    citation = fetched.citations.get()
    response = admin_client.post(
        reverse("admin:sources_citation_delete", args=[citation.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Citation.objects.exists()
    assert Source.objects.filter(pk=fetched.pk).exists()


# --- The claim page: CitationInline and the flag badge (as the lead wires them) -------------------


def test_claim_page_with_the_citation_inline_saves_through_citation_add(
    client, checker, http_server, django_capture_on_commit_callbacks
):
    http_server.respond("/beleg", body=page("Beleg", "Der Beleg für die Prüfung"))
    claim = factories.ClaimFactory(created_by=checker)
    client.force_login(checker)
    change = reverse("admin:claims_claim_change", args=[claim.pk])
    form = client.get(change)
    assert form.status_code == 200
    data = _form_data(form)
    assert data["citations-TOTAL_FORMS"] == "1"

    data.update({"citations-0-url": "javascript:alert(1)", "citations-0-role": "supports"})
    refused = client.post(change, data)
    assert refused.status_code == 200
    assert "javascript" in refused.content.decode()
    assert not Citation.objects.exists()

    data.update(
        {
            "citations-0-url": http_server.url("/beleg#abs"),
            "citations-0-role": "refutes",
            "citations-0-passage": "Der Beleg",
        }
    )
    with django_capture_on_commit_callbacks(execute=True):
        saved = client.post(change, data)
    assert saved.status_code == 302, saved.content.decode()[:3000]
    citation = Citation.objects.select_related("source").get()
    assert (citation.claim, citation.role, citation.passage) == (claim, "refutes", "Der Beleg")
    assert citation.created_by == checker
    assert citation.source.normalised_url == http_server.url("/beleg")
    assert citation.source.state == Source.State.FETCHED  # fetched in-process after the commit

    # The page now lists it; removing it through the inline uses citation_remove.
    data = _form_data(client.get(change))
    assert data["citations-INITIAL_FORMS"] == "1"
    data["citations-0-DELETE"] = "on"
    assert client.post(change, data).status_code == 302
    assert not Citation.objects.exists()


def test_claim_list_shows_the_badge_for_verdicts_with_flagged_sources(admin_client, fetched):
    claim = fetched.citations.get().claim
    url = reverse("admin:claims_claim_changelist")
    assert "desk-flag" not in admin_client.get(url).content.decode()
    Source.objects.filter(pk=fetched.pk).update(is_changed=True)
    content = admin_client.get(url).content.decode()
    assert "desk-flag" in content
    only_flagged = admin_client.get(url, {"sources_flagged": "yes"})
    assert only_flagged.status_code == 200
    assert only_flagged.context["cl"].result_count == 1
    assert list(only_flagged.context["cl"].result_list) == [claim]
    none_left = admin_client.get(url, {"sources_flagged": "no"})
    assert none_left.context["cl"].result_count == 0
