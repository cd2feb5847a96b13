"""The public "Send us a claim" form (``/tips/``): CSRF, the honeypot, the per-address
throttle, the size limit, the errors, escaped output, and no shared cache of the form."""

import re

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from intake.models import InboxItem, Tip
from publishing import middleware as public_middleware

pytestmark = pytest.mark.django_db

FORM = "/tips/"
THANKS = "/tips/thanks/"


def csrf_client(address: str = "203.0.113.7") -> Client:
    """A browser as a reader has it: CSRF checks on, one client address."""
    return Client(enforce_csrf_checks=True, REMOTE_ADDR=address)


def token(client: Client) -> str:
    page = client.get(FORM)
    assert page.status_code == 200
    found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content)
    assert found
    return found.group(1).decode()


def send(client: Client, **fields) -> "Client.response":
    data = {"text": "", "url": "", "email": "", "website": "", **fields}
    data["csrfmiddlewaretoken"] = token(client)
    return client.post(FORM, data)


def test_the_urls():
    assert reverse("intake:tip-form") == FORM
    assert reverse("intake:tip-thanks") == THANKS


def test_the_form_is_linked_from_every_public_page(client, make_published):
    make_published()
    for path in ("/fact-checks/", "/methodology/"):
        page = client.get(path)
        assert f'href="{FORM}"'.encode() in page.content


def test_the_form_in_german_and_english():
    german = Client(HTTP_ACCEPT_LANGUAGE="de").get(FORM)
    english = Client(HTTP_ACCEPT_LANGUAGE="en").get(FORM)
    assert "Schicken Sie uns eine Behauptung" in german.content.decode()
    assert "Send us a claim" in english.content.decode()
    for page in (german, english):
        assert b'name="website"' in page.content  # the honeypot…
        assert re.search(rb'<div class="tip-form__trap" hidden aria-hidden="true">', page.content)


def test_a_tip_is_stored_and_the_reader_is_redirected_to_the_thanks(settings):
    client = csrf_client()
    response = send(
        client, text="Der Minister sagte, 90 % der Leute seien dafür.", email="l@example.org"
    )
    assert response.status_code == 302
    assert response["Location"] == THANKS
    tip = Tip.objects.get()
    assert tip.channel == Tip.Channel.FORM
    assert tip.email == "l@example.org"
    assert tip.language == "en"  # the page's language
    assert InboxItem.objects.get().tip == tip
    thanks = client.get(THANKS)
    assert thanks.status_code == 200
    assert b"Thank you for your tip" in thanks.content


def test_a_post_without_the_csrf_token_is_refused():
    client = csrf_client()
    response = client.post(FORM, {"text": "Eine Behauptung"})
    assert response.status_code == 403
    assert Tip.objects.count() == 0


def test_a_post_with_a_wrong_csrf_token_is_refused():
    client = csrf_client()
    token(client)
    response = client.post(FORM, {"text": "Eine Behauptung", "csrfmiddlewaretoken": "x" * 64})
    assert response.status_code == 403
    assert Tip.objects.count() == 0


def test_the_honeypot_looks_accepted_and_stores_nothing():
    response = send(csrf_client(), text="Kaufen Sie billige Uhren", website="http://spam.example")
    assert response.status_code == 302
    assert response["Location"] == THANKS
    assert Tip.objects.count() == 0
    assert InboxItem.objects.count() == 0


def test_the_throttle_counts_per_client_address(settings):
    settings.TIPS_FORM_RATE = "2/hour"
    reader = csrf_client("198.51.100.1")
    assert send(reader, text="Erste Behauptung").status_code == 302
    assert send(reader, text="Zweite Behauptung").status_code == 302
    refused = send(reader, text="Dritte Behauptung")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    assert b"Please try again later" in refused.content
    assert Tip.objects.count() == 2
    # Another address has its own counter.
    assert send(csrf_client("198.51.100.2"), text="Andere Leserin").status_code == 302
    assert Tip.objects.count() == 3


def test_behind_a_proxy_the_forwarded_address_is_counted(settings):
    settings.TIPS_FORM_RATE = "1/hour"
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = False
    settings.TRUSTED_PROXY_NETWORKS = []
    first = Client(
        enforce_csrf_checks=True, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.1"
    )
    second = Client(
        enforce_csrf_checks=True, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.2"
    )
    assert send(first, text="Eins").status_code == 302
    assert send(second, text="Zwei").status_code == 302  # same proxy, other reader
    assert send(first, text="Drei").status_code == 429


def test_the_throttle_counts_refused_posts_too(settings):
    settings.TIPS_FORM_RATE = "1/hour"
    reader = csrf_client()
    assert send(reader).status_code == 400  # nothing to check: counted all the same
    assert send(reader, text="Jetzt mit Text").status_code == 429


def test_missing_text_and_link_shows_the_form_again_with_the_error():
    response = send(csrf_client())
    assert response.status_code == 400
    assert b"Send the claim&#x27;s text or a link" in response.content
    assert Tip.objects.count() == 0


def test_a_control_character_is_refused_with_its_position():
    response = send(csrf_client(), text="Zitat\x07Glocke")
    assert response.status_code == 400
    assert b"control character" in response.content
    assert Tip.objects.count() == 0


def test_the_length_limit_and_the_body_limit(settings):
    settings.TIPS_MAX_LENGTH = 50
    reader = csrf_client()
    too_long = send(reader, text="a" * 51)
    assert too_long.status_code == 400
    assert b"at most 50 characters" in too_long.content
    # A body far beyond any valid tip is refused by its length, before it is read.
    huge = send(reader, text="a" * 200_000)
    assert huge.status_code == 413
    assert Tip.objects.count() == 0


def test_hostile_text_is_escaped_when_the_form_is_shown_again():
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    response = send(csrf_client(), text=hostile, email="kein@")
    assert response.status_code == 400
    body = response.content.decode()
    assert "<script>alert" not in body and "<img src=x" not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body


def test_the_form_is_never_kept_by_a_shared_cache(settings):
    """Each reader gets their own CSRF token: the page says no cache may keep it, and the
    front middleware (which replays public pages) never answers it."""
    settings.PUBLIC_CACHE_LOCAL_SECONDS = 1.0
    first, second = csrf_client("192.0.2.10"), csrf_client("192.0.2.11")
    page = first.get(FORM)
    assert "no-store" in page["Cache-Control"] and "private" in page["Cache-Control"]
    assert "Cookie" in page["Vary"]
    assert "csrftoken" in page.cookies
    assert token(first) != token(second)
    # Neither the front door nor the first middleware would answer it from a kept copy.
    assert public_middleware.page_key(RequestFactory().get(FORM)) is None
    environ = RequestFactory().get(FORM).environ
    assert public_middleware.answer_environ(environ) is None
    assert all(FORM not in key for key in public_middleware.copies.items)
    thanks = first.get(THANKS)
    assert "no-store" in thanks["Cache-Control"]


def test_the_public_pages_stay_cacheable_with_the_new_link(client, make_published):
    claim = make_published()
    page = client.get(claim.get_absolute_url())
    assert b"csrfmiddlewaretoken" not in page.content
    assert "csrftoken" not in page.cookies


def test_tips_never_appear_on_public_pages_or_in_search(client, make_published):
    claim = make_published(claim="Die Renten steigen 2030 um 50 Prozent")
    from intake.tips import tip_submit

    tip_submit(
        text="Geheimer Leserhinweis Zebrastreifen", url="https://tip.example/z", channel="form"
    )
    tip_submit(text="Die Renten steigen 2030 um 50 Prozent", channel="form")
    pages = [
        "/fact-checks/",
        "/fact-checks/?q=Zebrastreifen",
        "/fact-checks/?q=Geheimer",
        claim.get_absolute_url(),
        f"/speakers/{claim.speaker.slug}/",
        "/feeds/fact-checks.atom",
        "/sitemap.xml",
    ]
    for path in pages:
        body = client.get(path).content.decode()
        assert "Geheimer Leserhinweis" not in body, path  # (a query is echoed in its box)
        assert "tip.example" not in body, path
    search = client.get("/fact-checks/?q=Renten").content.decode()
    assert search.count("Die Renten steigen 2030 um 50 Prozent") >= 1


def test_the_admin_index_offers_tips_to_the_staff(client, checker):
    client.force_login(checker)
    index = client.get("/admin/")
    assert index.status_code == 200
    assert b'href="/admin/intake/tip/"' in index.content
