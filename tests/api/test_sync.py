"""Incremental sync as a partner does it: pull with ``updated_since`` = the newest
``updated_at`` seen, follow ``next``, revalidate with ``If-None-Match``."""

from dataclasses import dataclass, field

import pytest

from claims import workflow
from tests import factories

pytestmark = pytest.mark.django_db


@dataclass
class Partner:
    """A partner's sync client: a high-water mark, a local copy, and the last ETag."""

    client: object
    since: str | None = None
    etag: str | None = None
    copy: dict[int, dict] = field(default_factory=dict)

    def pull(self, *, page_size: int = 2) -> list[dict]:
        """One sync run; returns the items received, in order."""
        params = {"page_size": page_size}
        if self.since:
            params["updated_since"] = self.since
        headers = {"HTTP_IF_NONE_MATCH": self.etag} if self.etag else {}
        response = self.client.get("/api/v1/claims/", params, **headers)
        if response.status_code == 304:
            return []
        assert response.status_code == 200, response.json()
        self.etag = response["ETag"]
        received = []
        page = response.json()
        while True:
            received.extend(page["results"])
            if not page["next"]:
                break
            page = self.client.get(page["next"]).json()
        for item in received:
            if item["status"] == "retracted":
                self.copy.pop(item["id"], None)  # take it down
            else:
                self.copy[item["id"]] = item
        if received:
            self.since = max(item["updated_at"] for item in received)
        return received

    def revalidate(self) -> int:
        params = {"page_size": 2}
        if self.since:
            params["updated_since"] = self.since
        return self.client.get("/api/v1/claims/", params, HTTP_IF_NONE_MATCH=self.etag).status_code


def _ids(items: list[dict]) -> list[int]:
    return [item["id"] for item in items]


def test_sync_sees_publication_correction_and_retraction_each_exactly_once(
    partner, checker, editor, make_published, django_capture_on_commit_callbacks
):
    existing = [make_published() for _ in range(3)]
    factories.ClaimFactory()  # a draft: never synced
    sync = Partner(partner)

    first = sync.pull()
    assert sorted(_ids(first)) == sorted(c.pk for c in existing)  # across two pages, once each

    # Nothing changed: an empty pull, and a 304 for the same request.
    assert sync.pull() == []
    assert sync.revalidate() == 304

    # A new publication, committed (the commit starts a new cache generation; make_published
    # runs what follows the commit).
    new = make_published()
    assert sync.revalidate() == 200
    pulled = sync.pull()
    assert _ids(pulled) == [new.pk]
    assert pulled[0]["status"] == "published"
    assert sync.pull() == []

    # A correction of an older claim.
    corrected = existing[0]
    corrected.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.claim_correct(
            claim=corrected,
            user=editor,
            version=corrected.version,
            note="Zahl korrigiert",
            changes={"summary": "Die korrigierte Zusammenfassung."},
        )
    pulled = sync.pull()
    assert _ids(pulled) == [corrected.pk]
    assert pulled[0]["corrections"][0]["note"] == "Zahl korrigiert"
    assert pulled[0]["verdict"]["summary"] == "Die korrigierte Zusammenfassung."
    assert sync.pull() == []

    # A retraction: it comes back once, marked, and the partner takes it down.
    retracted = existing[1]
    retracted.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.claim_retract(
            claim=retracted, user=editor, version=retracted.version, reason="Irrtum"
        )
    pulled = sync.pull()
    assert _ids(pulled) == [retracted.pk]
    assert pulled[0]["status"] == "retracted"
    assert retracted.pk not in sync.copy

    # Quiet again: nothing new, 304.
    assert sync.pull() == []
    assert sync.revalidate() == 304
    assert sorted(sync.copy) == sorted([existing[0].pk, existing[2].pk, new.pk])


def test_changes_in_one_pull_come_newest_first(partner, editor, make_published):
    a, b = make_published(), make_published()
    sync = Partner(partner)
    sync.pull()
    a.refresh_from_db()
    workflow.claim_correct(claim=a, user=editor, version=a.version, note="Präzisiert")
    c = make_published()

    assert _ids(sync.pull(page_size=1)) == [c.pk, a.pk]
    assert b.pk not in _ids(sync.pull())


def test_sync_sees_claims_moved_by_a_speaker_merge_once(
    partner, editor, make_published, django_capture_on_commit_callbacks
):
    from claims import services

    keep = services.speaker_create(name="Jen Psaki")
    old = services.speaker_create(name="Jenn Psaky")
    moved = make_published(speaker=old)
    untouched = make_published(speaker=keep)
    sync = Partner(partner)
    assert sorted(_ids(sync.pull())) == sorted([moved.pk, untouched.pk])
    assert sync.pull() == []
    assert sync.revalidate() == 304
    with django_capture_on_commit_callbacks(execute=True):
        services.speaker_merge(keep=keep, remove=old, user=editor)
    assert sync.revalidate() == 200  # the cached listing was refreshed
    pulled = sync.pull()
    assert _ids(pulled) == [moved.pk]
    assert pulled[0]["speaker"]["name"] == "Jen Psaki"
    assert sync.pull() == []
