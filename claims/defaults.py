"""Data that ships with the desk: the default German rating scale and the desk groups.

Migrations import these constants (never models) so that a fresh database gets them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.apps.registry import Apps
    from django.db.backends.base.schema import BaseDatabaseSchemaEditor

DEFAULT_SCALE = {
    "slug": "standard",
    "name": "Faktencheck-Skala",
    "best_value": 6,
    "worst_value": 1,
    "methodology_de": (
        "Wir prüfen überprüfbare Tatsachenbehauptungen, nicht Meinungen. Jede Prüfung "
        "stützt sich auf öffentlich zugängliche Quellen, die wir verlinken und archivieren. "
        "Vor der Veröffentlichung liest eine zweite Person aus der Redaktion jede Bewertung "
        "gegen (Vier-Augen-Prinzip). Fehler korrigieren wir offen mit einem Hinweis."
    ),
    "methodology_en": (
        "We check verifiable statements of fact, not opinions. Every check rests on public "
        "sources that we link and archive. Before publication a second editor reviews every "
        "verdict (four-eyes principle). We correct mistakes openly, with a public note."
    ),
}

DEFAULT_RATINGS = [
    # slug, value, label_de, label_en, symbol, colour, definition_de, definition_en
    (
        "richtig",
        6,
        "Richtig",
        "True",
        "✔",
        "#1a7f37",
        "Die Behauptung ist zutreffend; es fehlt nichts Wesentliches.",
        "The statement is accurate and nothing significant is missing.",
    ),
    (
        "groesstenteils-richtig",
        5,
        "Größtenteils richtig",
        "Mostly true",
        "✔?",
        "#4d9e3a",
        "Die Behauptung ist im Kern zutreffend, braucht aber Klarstellung oder Ergänzung.",
        "The statement is accurate at its core but needs clarification or more information.",
    ),
    (
        "halbwahr",
        4,
        "Halbwahr",
        "Half true",
        "½",
        "#b08800",
        "Die Behauptung ist teilweise zutreffend, lässt aber wichtige Details weg "
        "oder reißt Dinge aus dem Zusammenhang.",
        "The statement is partly accurate but leaves out important details or takes "
        "things out of context.",
    ),
    (
        "unbelegt",
        3,
        "Unbelegt",
        "Unproven",
        "?",
        "#6e7781",
        "Es gibt keine belastbaren Belege für oder gegen die Behauptung.",
        "There is no reliable evidence for or against the statement.",
    ),
    (
        "groesstenteils-falsch",
        2,
        "Größtenteils falsch",
        "Mostly false",
        "✘?",
        "#c2571a",
        "Die Behauptung enthält einen wahren Kern, ignoriert aber entscheidende Fakten.",
        "The statement contains an element of truth but ignores critical facts.",
    ),
    (
        "falsch",
        1,
        "Falsch",
        "False",
        "✘",
        "#cf222e",
        "Die Behauptung ist nicht zutreffend.",
        "The statement is not accurate.",
    ),
]

FACT_CHECKER_GROUP = "Fact-checker"
EDITOR_GROUP = "Editor"

_CHECKER_PERMISSIONS = [
    "claims.view_article",
    "claims.add_article",
    "claims.change_article",
    "claims.view_speaker",
    "claims.add_speaker",
    "claims.change_speaker",
    "claims.view_ratingscale",
    "claims.view_rating",
    "claims.view_claim",
    "claims.add_claim",
    "claims.change_claim",
    "claims.view_verdict",
    "claims.add_verdict",
    "claims.change_verdict",
    "claims.view_correction",
    "claims.view_appearance",
    "claims.add_appearance",
    "claims.view_historicalclaim",
    "claims.view_historicalverdict",
    "claims.view_historicalarticle",
    "claims.view_historicalspeaker",
    "sources.view_source",
    "sources.add_source",
    "sources.change_source",
    "sources.view_citation",
    "sources.add_citation",
    "sources.change_citation",
    "sources.delete_citation",
    "sources.view_snapshot",
    # Intake (issue 15): fact-checkers see the watched feeds and what they brought.
    "intake.view_feed",
    "intake.view_feedentry",
    "intake.view_articleimport",
    # The inbox (issue 15): read it, accept, dismiss, assign, record an appearance.
    "intake.view_inboxitem",
    "intake.change_inboxitem",
]
_EDITOR_EXTRA = [
    "claims.review_claim",
    "claims.publish_claim",
    "claims.delete_claim",
    "claims.delete_article",
    "claims.delete_speaker",
    "claims.add_correction",
    "claims.add_ratingscale",
    "claims.change_ratingscale",
    "claims.add_rating",
    "claims.change_rating",
    # Intake (issue 15): editors add, change, pause and resume watched feeds.
    "intake.add_feed",
    "intake.change_feed",
    "intake.delete_feed",
]

DESK_GROUPS = {
    FACT_CHECKER_GROUP: _CHECKER_PERMISSIONS,
    EDITOR_GROUP: _CHECKER_PERMISSIONS + _EDITOR_EXTRA,
}


def sync_desk_groups(apps: Apps, schema_editor: BaseDatabaseSchemaEditor | None = None) -> None:
    """Create the desk groups with their permissions (idempotent; run from migrations).

    Permissions are normally created after ``migrate`` by a signal, so they are created
    here first for the apps already migrated; permissions of apps not yet migrated are
    skipped and added by the migration of that app, which calls this again.
    """
    from django.contrib.auth.management import create_permissions
    from django.db.models import Q

    for app_config in apps.get_app_configs():
        # create_permissions skips an app whose models_module is falsy (as in migration
        # state); it only tests truthiness, the stubs want a module.
        app_config.models_module = True  # type: ignore[assignment]
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for name, permissions in DESK_GROUPS.items():
        group, _created = group_model.objects.get_or_create(name=name)
        wanted = Q(pk__in=[])
        for dotted in permissions:
            app_label, codename = dotted.split(".")
            wanted |= Q(content_type__app_label=app_label, codename=codename)
        group.permissions.set(permission_model.objects.filter(wanted))


def install_default_scale(
    apps: Apps, schema_editor: BaseDatabaseSchemaEditor | None = None
) -> None:
    scale_model = apps.get_model("claims", "RatingScale")
    rating_model = apps.get_model("claims", "Rating")
    scale, _created = scale_model.objects.get_or_create(
        slug=DEFAULT_SCALE["slug"],
        defaults={
            **DEFAULT_SCALE,
            "is_default": not scale_model.objects.filter(is_default=True).exists(),
        },
    )
    for slug, value, label_de, label_en, symbol, colour, def_de, def_en in DEFAULT_RATINGS:
        rating_model.objects.get_or_create(
            scale=scale,
            slug=slug,
            defaults={
                "value": value,
                "label_de": label_de,
                "label_en": label_en,
                "symbol": symbol,
                "colour": colour,
                "definition_de": def_de,
                "definition_en": def_en,
            },
        )
