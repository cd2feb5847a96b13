"""Fill a desk as the code at 84dd83c (before the apps were split) would have it.

Run by ``test_upgrade.py`` with that commit's ``manage.py shell``; it imports that
commit's modules (``claims.partners``, ``claims.models.PartnerKey``…), which no longer
exist. Prints one JSON line: the partner keys and a staff token (DRF's, kept in plain
text then) in clear, for the check after the upgrade.
"""

import hashlib
import json

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone
from rest_framework.authtoken.models import Token

from claims import partners, services, workflow
from claims.models import Claim, Rating, WebhookDelivery
from claims.models import Webhook as WebhookModel
from sources import services as source_services
from sources.models import Snapshot

User = get_user_model()
checker, _ = services.desk_user_create(username="old-checker", role="fact-checker")
editor, _ = services.desk_user_create(username="old-editor", role="editor")
services.desk_user_create(username="old-editor-2", role="editor")
other_editor = User.objects.get(username="old-editor-2")
rating = Rating.objects.filter(scale__is_default=True).order_by("-value").first()
speaker = services.speaker_create(name="Kassym-Schomart Tokajew", aliases=["Tokajew"])
text = (
    "Tokajew sagte: „Die Terrorgruppen wurden im Ausland ausgebildet.“ Dann erklärte er, "
    "„alles sei ruhig“. Ein Sprecher sagte: „Die Lage ist unter Kontrolle.“ Später hieß es: "
    "„Es gab keine Verletzten.“"
)
article = services.article_create(
    title="Unruhen", text=text, language="de", outlet="Beispiel", published_on="2022-01"
)
quotes = [
    "Die Terrorgruppen wurden im Ausland ausgebildet.",
    "alles sei ruhig",
    "Die Lage ist unter Kontrolle.",
    "Es gab keine Verletzten.",
]
claims = []
for number, quote in enumerate(quotes):
    start = text.index(quote)
    claims.append(
        services.claim_create_from_span(
            article=article,
            start=start,
            end=start + len(quote),
            speaker=speaker,
            claim=f"Behauptung {number}",
            created_by=checker,
        )
    )


def verdict(claim):
    claim.refresh_from_db()
    services.verdict_update(
        claim=claim,
        user=checker,
        version=claim.version,
        rating=rating,
        headline=f"Überschrift {claim.pk}",
        summary="Kurz.",
        explanation="Lang.",
    )
    claim.refresh_from_db()
    return claim


draft, in_review, published, retracted = claims
verdict(draft)
in_review = verdict(in_review)
workflow.claim_submit(claim=in_review, user=checker, version=in_review.version)
for claim in (published, retracted):
    claim = verdict(claim)
    workflow.claim_submit(claim=claim, user=checker, version=claim.version)
    claim.refresh_from_db()
    workflow.claim_publish(claim=claim, user=editor, version=claim.version)
published.refresh_from_db()
workflow.claim_correct(
    claim=published, user=other_editor, version=published.version, note="Tippfehler."
)
retracted.refresh_from_db()
workflow.claim_retract(claim=retracted, user=editor, version=retracted.version, reason="Falsch.")

# Sources: loopback addresses are refused by the fetcher before any connection.
for number, claim in enumerate((draft, published)):
    claim.refresh_from_db()
    citation = source_services.citation_add(
        claim=claim,
        url=f"http://127.0.0.1/quelle-{number}",
        role="supports",
        passage="ein Satz",
        user=None,
        correction=claim.status == Claim.Status.PUBLISHED,
    )
    body = f"<html><title>Quelle {number}</title><p>Text {number}</p></html>".encode()
    snapshot = Snapshot(
        source=citation.source,
        fetched_at=timezone.now(),
        status_code=200,
        final_url=citation.source.url,
        content_type="text/html",
        charset="utf-8",
        size=len(body),
        title=f"Quelle {number}",
        text=f"Text {number}",
        sha256=hashlib.sha256(body).hexdigest(),
        text_sha256=hashlib.sha256(f"Text {number}".encode()).hexdigest(),
        kind="html",
    )
    snapshot.body.save("body.html", ContentFile(body), save=False)
    snapshot.save()

keys = {}
for name in ("Plattform", "Zeitung"):
    row, key = partners.partner_key_create(name=name)
    keys[name] = key
    hook = WebhookModel.objects.create(
        partner_key=row, url=f"https://{name.lower()}.example/hook", events=["published"]
    )
    for status in ("pending", "succeeded", "failed"):
        WebhookDelivery.objects.create(
            webhook=hook,
            event="published",
            claim=published,
            payload={"event": "published", "claim": {"id": published.pk}},
            status=status,
            attempts=1,
        )
revoked, revoked_key = partners.partner_key_create(name="Alt")
partners.partner_key_revoke(key=revoked)
keys["Alt"] = revoked_key
staff_token = Token.objects.create(user=editor).key
print(
    "FILLED "
    + json.dumps({"keys": keys, "public": [published.pk, retracted.pk], "staff_token": staff_token})
)
