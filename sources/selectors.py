"""Every read of sources, citations and snapshots used by pages, the admin and APIs.

Public reads go through ``claims.selectors.claims_published()``: a snapshot is public
only while a published claim cites its source.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.urls import reverse

from claims import links
from claims.models import Claim

from .models import Citation, Snapshot, Source
from .reasons import human_reason

# Fields a list never needs (the extracted text can be megabytes).
_HEAVY_SNAPSHOT_FIELDS = ("text", "headers", "redirects")


def _latest_snapshots(*, ok_only: bool = False) -> QuerySet[Snapshot]:
    """One snapshot per source: the latest (or the latest 2xx one), for ``Prefetch``.

    The window is computed after the prefetch's ``source_id IN (…)`` filter, so this is
    one query whatever the number of sources.
    """
    queryset = Snapshot.objects.all()
    if ok_only:
        queryset = queryset.filter(status_code__gte=200, status_code__lt=300)
    return (
        queryset.defer(*_HEAVY_SNAPSHOT_FIELDS)
        .annotate(
            newest=Window(
                RowNumber(),
                partition_by=[F("source_id")],
                order_by=[F("fetched_at").desc(), F("pk").desc()],
            )
        )
        .filter(newest=1)
    )


def latest_snapshot(source: Source) -> Snapshot | None:
    """The latest snapshot of a source fetched through ``citations_for_claims`` & co."""
    found = getattr(source, "latest_snapshots", None)
    if found is not None:
        return found[0] if found else None
    return source.snapshots.defer(*_HEAVY_SNAPSHOT_FIELDS).order_by("-fetched_at", "-pk").first()


def citations_for_claims(claim_ids: Iterable[int]) -> QuerySet[Citation]:
    """Citations of these claims with their source and its latest snapshot (2 queries).

    Use ``latest_snapshot(citation.source)`` on the results.
    """
    return (
        Citation.objects.filter(claim_id__in=list(claim_ids))
        .select_related("source")
        .prefetch_related(
            Prefetch("source__snapshots", queryset=_latest_snapshots(), to_attr="latest_snapshots")
        )
        .order_by("claim_id", "order", "pk")
    )


def source_detail(source_id: int) -> Source | None:
    """A source with its snapshots (newest first) and the claims citing it."""
    return (
        Source.objects.filter(pk=source_id)
        .prefetch_related(
            Prefetch(
                "snapshots",
                queryset=Snapshot.objects.defer("text").order_by("-fetched_at", "-pk"),
            ),
            Prefetch(
                "citations",
                queryset=Citation.objects.select_related("claim").order_by("claim_id", "order"),
            ),
        )
        .first()
    )


def sources_flagged_q(prefix: str = "") -> Q:
    """Sources the desk should look at again: text changed, dead, or redirected."""
    return (
        Q(**{f"{prefix}is_changed": True})
        | Q(**{f"{prefix}is_dead": True})
        | Q(**{f"{prefix}is_redirected": True})
    )


def claim_sources_flagged() -> Exists:
    """An expression for ``Claim`` querysets: does the verdict cite a flagged source?

    ``Claim.objects.annotate(sources_flagged=claim_sources_flagged())`` – one query for
    the whole list.
    """
    return Exists(
        Citation.objects.filter(claim=OuterRef("pk")).filter(sources_flagged_q("source__"))
    )


def claims_with_flagged_sources(claim_ids: Iterable[int]) -> set[int]:
    """Of these claims, those whose verdict cites a flagged source."""
    return set(
        Citation.objects.filter(claim_id__in=list(claim_ids))
        .filter(sources_flagged_q("source__"))
        .values_list("claim_id", flat=True)
        .distinct()
    )


def _copy_url(snapshot_id: int) -> str:
    return links.public_url(
        reverse("publishing:snapshot-copy", kwargs={"snapshot_id": snapshot_id})
    )


def public_sources_for_claim(claim: Claim) -> list[dict[str, Any]]:
    """The sources of a public claim's verdict, for its page and the partner API.

    Each item: ``url`` (normalised: without tracking parameters), ``title``, ``role``, ``role_label``, ``passage``,
    ``archive_url`` (absolute, "" until a copy exists), ``copy_url`` (our page about the
    copy: screenshot, text, WARC; "" likewise), ``fetched_at`` (datetime or None)
    and ``sha256`` (of the archived body). The archive is the latest copy that was
    answered with 2xx: a later dead link does not replace the copy readers need.
    Two queries whatever the number of sources; call it only for public claims.
    """
    citations = (
        Citation.objects.filter(claim_id=claim.pk)
        .select_related("source")
        .prefetch_related(
            Prefetch(
                "source__snapshots",
                queryset=_latest_snapshots(ok_only=True),
                to_attr="latest_snapshots",
            )
        )
        .order_by("order", "pk")
    )
    items = []
    for citation in citations:
        snapshot = latest_snapshot(citation.source)  # prefetched above: no query
        items.append(
            {
                # The normalised form: no tracking or click-id parameters from the desk.
                "url": citation.source.normalised_url,
                "title": snapshot.title if snapshot else "",
                "role": citation.role,
                "role_label": str(citation.get_role_display()),
                "passage": citation.passage,
                "archive_url": links.snapshot_url(snapshot.pk) if snapshot else "",
                "copy_url": _copy_url(snapshot.pk) if snapshot else "",
                "fetched_at": snapshot.fetched_at if snapshot else None,
                "sha256": snapshot.sha256 if snapshot else "",
            }
        )
    return items


def snapshot_public(snapshot_id: int) -> Snapshot | None:
    """A snapshot readers may see: its source is cited by a published claim."""
    from claims.selectors import claims_published  # claims.selectors may import this module

    cited_publicly = Citation.objects.filter(
        source=OuterRef("source_id"), claim__in=claims_published()
    )
    return (
        Snapshot.objects.filter(pk=snapshot_id).filter(Exists(cited_publicly)).defer("text").first()
    )


def snapshot_public_with_text(snapshot_id: int) -> Snapshot | None:
    """Like :func:`snapshot_public`, with the extracted text and the source (the reader's
    page of the copy)."""
    from claims.selectors import claims_published

    cited_publicly = Citation.objects.filter(
        source=OuterRef("source_id"), claim__in=claims_published()
    )
    return (
        Snapshot.objects.filter(pk=snapshot_id)
        .filter(Exists(cited_publicly))
        .select_related("source")
        .first()
    )


def snapshot_for_desk(snapshot_id: int) -> Snapshot | None:
    return Snapshot.objects.filter(pk=snapshot_id).defer("text").first()


def source_text_versions(source_id: int) -> tuple[Snapshot | None, Snapshot | None]:
    """(previous, latest) snapshots of a source that have a text: what a re-check compared."""
    versions = list(
        Snapshot.objects.filter(source_id=source_id)
        .exclude(text="")
        .only("id", "source_id", "fetched_at", "text", "text_sha256", "title", "final_url")
        .order_by("-fetched_at", "-pk")[:2]
    )
    latest = versions[0] if versions else None
    previous = versions[1] if len(versions) > 1 else None
    return previous, latest


def source_cited_passages(source_id: int) -> list[str]:
    """The passages the desk quoted from a source, in citation order, each once."""
    passages = (
        Citation.objects.filter(source_id=source_id)
        .exclude(passage="")
        .order_by("claim_id", "order", "pk")
        .values_list("passage", flat=True)
    )
    return list(dict.fromkeys(passages))


def snapshots_for_export(*, claim_id: int | None = None, since: Any = None) -> QuerySet[Snapshot]:
    """Snapshots with their evidence for ``export_evidence``: of one claim's sources, or
    fetched since a time; with the source and the claims citing it (3 queries)."""
    queryset = Snapshot.objects.select_related("source").defer("text", "headers")
    if claim_id is not None:
        queryset = queryset.filter(source__citations__claim_id=claim_id)
    if since is not None:
        queryset = queryset.filter(fetched_at__gte=since)
    return (
        queryset.prefetch_related(
            Prefetch(
                "source__citations",
                queryset=Citation.objects.select_related("claim").order_by("claim_id", "pk"),
            )
        )
        .distinct()
        .order_by("source_id", "fetched_at", "pk")
    )


# --- Source states at the moment of decision ------------------------------------------------

#: The states a cited source may be in when an editor publishes or corrects: the source's
#: own state, with "fetching" shown as "pending" and a fetched page whose link died or
#: whose text changed since as "dead" or "changed".
UNRESOLVED_SOURCE_STATES = ("failed", "blocked", "dead", "pending")


def source_desk_state(source: Source) -> str:
    """One word for a source at the moment of decision (see ``UNRESOLVED_SOURCE_STATES``)."""
    if source.state in (Source.State.FAILED, Source.State.BLOCKED):
        return str(source.state)
    if source.state in (Source.State.PENDING, Source.State.FETCHING):
        return "pending"
    if source.is_dead:
        return "dead"
    if source.is_changed:
        return "changed"
    return "fetched"


def claim_source_states(claim_id: int) -> list[dict[str, Any]]:
    """Every source the claim cites with its state: ``id``, ``url``, ``state``,
    ``state_label``, ``unresolved`` (publishing needs an acknowledgement), ``reason``,
    ``citation_id``, ``role_label``. One query."""
    labels = source_state_labels()
    items = []
    for citation in (
        Citation.objects.filter(claim_id=claim_id).select_related("source").order_by("order", "pk")
    ):
        source = citation.source
        state = source_desk_state(source)
        items.append(
            {
                "id": source.pk,
                "url": source.url,
                "state": state,
                "state_label": labels[state],
                "unresolved": state in UNRESOLVED_SOURCE_STATES,
                "reason": source.reason,
                "human_reason": human_reason(source.reason),
                "next_attempt_at": source.next_attempt_at if state == "pending" else None,
                "citation_id": citation.pk,
                "role_label": str(citation.get_role_display()),
            }
        )
    return items


def source_state_labels() -> dict[str, str]:
    from django.utils.translation import gettext as _

    return {
        "fetched": _("archived"),
        "changed": _("text changed"),
        "pending": _("pending"),
        "failed": _("failed"),
        "blocked": _("blocked"),
        "dead": _("dead link"),
    }


def claim_sources_unresolved(
    claim_id: int, *, ignore_citations: Iterable[int] = ()
) -> list[dict[str, Any]]:
    """The cited sources that are failed, blocked, dead or pending: ``id``, ``url``, ``state``."""
    ignored = set(ignore_citations)
    return [
        {"id": item["id"], "url": item["url"], "state": item["state"]}
        for item in claim_source_states(claim_id)
        if item["unresolved"] and item["citation_id"] not in ignored
    ]


#: The badges of a claim's cited sources, most urgent first: each a condition on the
#: cited source (see ``source_desk_state``).
SOURCE_BADGE_CONDITIONS = {
    "failed": Q(source__state="failed"),
    "blocked": Q(source__state="blocked"),
    "dead": Q(source__state="fetched", source__is_dead=True),
    "changed": Q(source__state="fetched", source__is_dead=False, source__is_changed=True),
    "pending": Q(source__state__in=["pending", "fetching"]),
}


def claim_source_badge_annotations() -> dict[str, Exists]:
    """Expressions for ``Claim`` querysets, one per badge (``badge_failed`` …): does the
    claim cite a source in that state? Annotated, the whole list is still one query."""
    return {
        f"badge_{name}": Exists(Citation.objects.filter(claim=OuterRef("pk")).filter(condition))
        for name, condition in SOURCE_BADGE_CONDITIONS.items()
    }


def source_badges(row: Any) -> list[str]:
    """The badges of a claim annotated by ``claim_source_badge_annotations``."""
    return [name for name in SOURCE_BADGE_CONDITIONS if getattr(row, f"badge_{name}", False)]


def claims_source_badges(claim_ids: Iterable[int]) -> dict[int, list[str]]:
    """The badges of several claims, one query (for lists that are not querysets)."""
    found: dict[int, set[str]] = {}
    for claim_id, state, is_dead, is_changed in Citation.objects.filter(
        claim_id__in=list(claim_ids)
    ).values_list("claim_id", "source__state", "source__is_dead", "source__is_changed"):
        source = Source(state=state, is_dead=is_dead, is_changed=is_changed)
        badge = source_desk_state(source)
        if badge != "fetched":
            found.setdefault(claim_id, set()).add(badge)
    return {
        claim_id: [name for name in SOURCE_BADGE_CONDITIONS if name in badges]
        for claim_id, badges in found.items()
    }
