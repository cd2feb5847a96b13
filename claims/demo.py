"""The demo desk: the seed article, the default rating scale, speakers and demo users.

Idempotent: running it again changes nothing.
"""

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.contrib.auth import get_user_model

from . import services
from .defaults import DEFAULT_SCALE, install_default_scale
from .models import Article, RatingScale, Speaker

SEED_FILE = Path(__file__).resolve().parent / "fixtures" / "kasachstan-2022-01.de.txt"
SEED_TITLE = "Unruhen in Kasachstan: Tokajew bittet von Russland geführtes Bündnis um Hilfe"
SEED_OUTLET = "Nachrichtenagentur (Beispiel)"

DEMO_SPEAKERS = [
    # name, kind, aliases, description, pronoun
    (
        "Kassym-Schomart Tokajew",
        Speaker.Kind.PERSON,
        ["Tokajew", "Kassym-Jomart Tokayev", "Tokayev"],
        "Staatschef Kasachstans",
        "m",
    ),
    ("Jen Psaki", Speaker.Kind.PERSON, ["Psaki"], "Sprecherin des Weißen Hauses", "f"),
    (
        "Außenministerium Russlands",
        Speaker.Kind.ORGANIZATION,
        ["russische Außenministerium", "russisches Außenministerium"],
        "Ministerium für auswärtige Angelegenheiten der Russischen Föderation",
        "",
    ),
    (
        "Innenministerium Kasachstans",
        Speaker.Kind.ORGANIZATION,
        ["Innenministerium"],
        "Ministerium für innere Angelegenheiten der Republik Kasachstan",
        "",
    ),
    (
        "Auswärtiges Amt",
        Speaker.Kind.ORGANIZATION,
        ["Bundesregierung"],
        "Deutsches Außenministerium",
        "",
    ),
    (
        "Netblocks",
        Speaker.Kind.ORGANIZATION,
        ["NetBlocks"],
        "Beobachtungsstelle für Internetsperren",
        "",
    ),
]

DEMO_USERS = [("checker", "fact-checker"), ("editor", "editor")]


@dataclass(frozen=True)
class DemoResult:
    article: Article
    scale: RatingScale
    speakers: int
    logins: list[tuple[str, str | None]]


def demo_load(*, reset_passwords: bool = False) -> DemoResult:
    install_default_scale(apps)
    scale = RatingScale.objects.get(slug=DEFAULT_SCALE["slug"])

    published_on, text = services.read_article_file(SEED_FILE)
    article = Article.objects.filter(title=SEED_TITLE).first()
    if article is None:
        article = services.article_create(
            title=SEED_TITLE,
            text=text,
            language="de",
            outlet=SEED_OUTLET,
            published_on=published_on,
        )

    for name, kind, aliases, description, pronoun in DEMO_SPEAKERS:
        if not Speaker.objects.filter(name=name).exists():
            services.speaker_create(
                name=name, kind=kind, aliases=aliases, description=description, pronoun=pronoun
            )

    user_model = get_user_model()
    logins: list[tuple[str, str | None]] = []
    for username, role in DEMO_USERS:
        existing = user_model.objects.filter(username=username).first()
        if existing is not None:
            password = None
            if reset_passwords:
                password = secrets.token_urlsafe(12)
                existing.set_password(password)
                existing.save(update_fields=["password"])
            logins.append((username, password))
            continue
        password = os.environ.get(f"DEMO_{username.upper()}_PASSWORD") or None
        _user, password = services.desk_user_create(username=username, role=role, password=password)
        logins.append((username, password))
    return DemoResult(article=article, scale=scale, speakers=Speaker.objects.count(), logins=logins)
