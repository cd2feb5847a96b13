"""The German desk has no English left: every admin page, rendered in German for an editor,
a fact-checker and an administrator, shows none of the project's msgids untranslated.

The pages come from the admin site's registry and URL patterns (every model admin's own
views included), filled with real rows: the demo desk, claims in every status with a
verdict, sources in every state with their snapshots, a correction, a conversation,
notifications, a partner key with a webhook and a delivery. A named page that no row could
reach fails the test (add and delete pages where the admin allows them, a row's pages
where the fixture has a row), so a new view is checked as soon as it exists. The split
view's words, which its script writes into the page, are checked in
``tests/e2e/test_desk_polish.py``.
"""

import re

import pytest
from django.conf import settings
from django.contrib import admin
from django.test import RequestFactory
from django.urls import URLPattern, reverse
from knox.models import AuthToken

from claims import comments, demo, workflow
from claims.models import Claim, Correction, Speaker
from newsdesk.models import Notification
from partners import services as partner_services
from partners.models import Webhook, WebhookDelivery
from sources.models import Snapshot, Source
from tests import factories
from tests.helpers.i18n import english_leftovers
from tests.helpers.workflow import publish_claim, submit, write_verdict

# Views that answer JSON, take a POST only, redirect or stream a stored copy of a third
# party's page: no page of the desk to read.
NOT_PAGES = {
    "claims_article_split_claims",
    "claims_article_split_suggestions",
    "claims_article_split_dismiss",
    "claims_article_split_speaker",
    "claims_article_split_speaker_resolve",
    "claims_article_split_similar",
    "claims_article_split_appearance",
    # Redirects an imported article to its split view (the fixture's articles are all
    # imported); its own words, importing and failed, are checked in tests/intake/test_admin.py.
    "claims_article_importing",
    "claims_claim_comment",
    "claims_claim_assign",
    "sources_source_refetch",
    "sources_snapshot_archive",
    "newsdesk_notification_read_all",
}
# Third-party admins the desk's roles do not open (Django's and the libraries' own words).
OTHER_APPS = {"auth", "axes", "knox"}

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk_rows(django_capture_on_commit_callbacks):
    demo.demo_load()
    anna = factories.desk_user("anna", role="fact-checker")
    erik = factories.desk_user("erik", role="editor")
    jana = factories.desk_user("jana", role="editor")
    article = demo.Article.objects.get()
    psaki = Speaker.objects.get(name="Jen Psaki")
    tokajew = Speaker.objects.get(name="Kassym-Schomart Tokajew")

    def claim(quote: str, wording: str, speaker: Speaker) -> Claim:
        return factories.ClaimFactory(
            article=article, speaker=speaker, claim=wording, quote=quote, created_by=anna
        )

    draft = claim("Diese Vorwürfe seien", "Die Vorwürfe sind Desinformation", psaki)
    review = claim("Terrorgruppen", "Terrorgruppen aus dem Ausland stecken dahinter", tokajew)
    write_verdict(review, anna)
    submit(review, anna)
    returned = claim("Angesichts", "Die Lage ist angespannt", tokajew)
    write_verdict(returned, anna)
    submit(returned, anna)
    returned.refresh_from_db()
    workflow.claim_request_changes(
        claim=returned, user=erik, version=returned.version, note="Bitte die Quelle ergänzen."
    )
    published = claim("Kasachstan", "Kasachstan bat um Hilfe", tokajew)
    fetched = factories.SnapshotFactory(source__url="https://amt.example/zahlen").source
    failed = factories.SourceFactory(
        url="https://weg.example/seite", state=Source.State.FAILED, reason="dns: no such host"
    )
    factories.SnapshotFactory(source=failed, status_code=404, title="")
    factories.CitationFactory(claim=published, source=fetched)
    factories.CitationFactory(claim=published, source=failed)
    publish_claim(published, anna, jana)
    published.refresh_from_db()
    workflow.claim_correct(
        claim=published,
        user=jana,
        version=published.version,
        note="Die Überschrift war ungenau.",
        changes={"headline": "Kasachstan bat das Bündnis um Hilfe"},
    )
    retracted = claim("Russland", "Russland schickt Truppen", psaki)
    publish_claim(retracted, anna, jana)
    retracted.refresh_from_db()
    workflow.claim_retract(
        claim=retracted, user=jana, version=retracted.version, reason="Falsch zugeordnet."
    )
    with django_capture_on_commit_callbacks(execute=True):  # the notifications
        comments.comment_add(claim=review, user=anna, text="@erik Bitte ansehen.")
        comments.claim_assign(claim=draft, user=erik, assignee=anna)
    key, _secret = partner_services.partner_key_create(name="Partnerzeitung")
    webhook = Webhook.objects.create(partner_key=key, url="https://partner.example/hook")
    WebhookDelivery.objects.create(
        webhook=webhook, event="published", claim=published, payload={"id": published.pk}
    )
    AuthToken.objects.create(user=erik)
    assert Correction.objects.exists() and Notification.objects.filter(recipient=erik).exists()
    assert Notification.objects.filter(recipient=anna).exists()
    boss = factories.UserFactory(username="leitung", is_superuser=True)
    return {
        "anna": anna,
        "erik": erik,
        "leitung": boss,
        "claims": [draft, review, returned, published, retracted],
    }


def _objects(model, user) -> list:
    if model is Notification:
        return list(Notification.objects.filter(recipient=user)[:1])
    if model is Claim:
        return list(Claim.objects.order_by("pk"))
    if model is Snapshot:
        return list(Snapshot.objects.order_by("pk"))
    return list(model._default_manager.order_by("pk")[:1])


def _urls(user) -> list[tuple[str, str]]:
    """(pattern name, URL) of every admin page, each with the rows that fill it."""
    urls = [
        ("index", reverse("admin:index")),
        ("password_change", reverse("admin:password_change")),
    ]
    app_labels = {model._meta.app_label for model in admin.site._registry}
    urls += [("app_list", reverse("admin:app_list", args=[label])) for label in app_labels]
    for model, model_admin in admin.site._registry.items():
        rows = _objects(model, user)
        for pattern in model_admin.urls:
            if not isinstance(pattern, URLPattern) or not pattern.name:
                continue
            name = pattern.name
            if name in NOT_PAGES:
                continue
            route = str(pattern.pattern)
            if "simple_history" in name:
                for row in rows:
                    for record in row.history.all()[:2]:
                        urls.append((name, reverse(f"admin:{name}", args=[row.pk, record.pk])))
            elif "<slug:action>" in route:
                for row in rows:
                    for action in workflow.TRANSITIONS:
                        urls.append((name, reverse(f"admin:{name}", args=[row.pk, action])))
            elif re.search(r"<\w+:\w+>|<\w+>", route):
                for row in rows:
                    param = re.search(r"<(?:\w+:)?(\w+)>", route).group(1)
                    target = row
                    if param == "article_id" and model is not demo.Article:
                        continue
                    urls.append((name, reverse(f"admin:{name}", kwargs={param: target.pk})))
            else:
                urls.append((name, reverse(f"admin:{name}")))
    return urls


def _expected_pages(user) -> set[str]:
    """Every named page of the desk that the administrator can open with the fixture's
    rows: an add or delete page only where the admin allows it, a row's pages only for a
    model with a row (a new model admin's pages are expected once the fixture makes one)."""
    request = RequestFactory().get(reverse("admin:index"))
    request.user = user
    expected = set()
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label in OTHER_APPS:
            continue
        has_rows = bool(_objects(model, user))
        for pattern in model_admin.urls:
            if not isinstance(pattern, URLPattern) or not pattern.name:
                continue
            name, route = pattern.name, str(pattern.pattern)
            if name in NOT_PAGES:
                continue
            if name.endswith("_add") and not model_admin.has_add_permission(request):
                continue
            if name.endswith("_delete") and not model_admin.has_delete_permission(request):
                continue
            if ("<" in route or "(" in route) and not has_rows:
                continue
            expected.add(name)
    return expected


def _german_client(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    return client


@pytest.mark.parametrize(
    "role",
    ["editor", "fact-checker", "administrator"],  # the last sees every page
)
def test_every_admin_page_is_german(client, desk_rows, role):
    user = {"editor": desk_rows["erik"], "fact-checker": desk_rows["anna"]}.get(
        role, desk_rows["leitung"]
    )
    client = _german_client(client, user)
    # Data, not words of the desk: user and speaker names, the language switcher's names.
    data = frozenset(
        {"Deutsch", "English"}
        | {u.username for u in type(user).objects.all()}
        | set(Speaker.objects.values_list("name", flat=True))
    )
    leftovers: dict[str, list[str]] = {}
    shown: set[str] = set()
    for name, url in _urls(user):
        if any(name.startswith(f"{label}_") for label in OTHER_APPS):
            continue
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        assert '<html lang="de"' in html, url
        shown.add(name)
        found = english_leftovers(html, ignore=data)
        if found:
            leftovers[url] = found
    by_msgid: dict[str, list[str]] = {}
    for url, found in leftovers.items():
        for msgid in found:
            by_msgid.setdefault(msgid, []).append(url)
    report = "\n".join(
        f"{msgid!r} on {len(urls)} page(s), e.g. {urls[:3]}"
        for msgid, urls in sorted(by_msgid.items())
    )
    assert not by_msgid, "English in the German desk:\n" + report
    if role == "administrator":
        assert _expected_pages(user) - shown == set()
