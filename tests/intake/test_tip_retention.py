"""Tips are kept ``TIPS_RETENTION_DAYS`` days: the daily beat task and ``purge_tips``
delete older ones with their inbox entries. And tips are staff-only in the admin."""

from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from intake.models import InboxItem, Tip
from intake.tasks import tips_purge_task
from intake.tips import tip_submit

pytestmark = pytest.mark.django_db


def tip_aged(days: int, text: str) -> Tip:
    tip = tip_submit(text=text, channel="form")
    Tip.objects.filter(pk=tip.pk).update(created_at=timezone.now() - timedelta(days=days))
    return tip


@pytest.fixture
def tips():
    return {
        "old": tip_aged(200, "Alter Hinweis"),
        "edge": tip_aged(179, "Fast abgelaufen"),
        "new": tip_aged(0, "Neuer Hinweis"),
    }


def test_the_beat_purges_daily_with_the_default_retention(settings, tips):
    entry = django_settings.CELERY_BEAT_SCHEDULE["purge-tips"]
    assert entry["task"] == "intake.tasks.tips_purge_task"
    assert entry["schedule"] == 24 * 3600.0
    settings.TIPS_RETENTION_DAYS = 180
    assert tips_purge_task() == 1
    assert set(Tip.objects.values_list("text", flat=True)) == {"Fast abgelaufen", "Neuer Hinweis"}
    assert InboxItem.objects.filter(kind="tip").count() == 2
    assert not InboxItem.objects.filter(quote="Alter Hinweis").exists()


def test_zero_keeps_tips(settings, tips):
    settings.TIPS_RETENTION_DAYS = 0
    assert tips_purge_task() == 0
    assert Tip.objects.count() == 3


def test_the_command_with_days_and_dry_run(tips):
    out = StringIO()
    call_command("purge_tips", "--days", "100", "--dry-run", stdout=out)
    assert "2 tips older than 100 days would be deleted" in out.getvalue()
    assert Tip.objects.count() == 3
    out = StringIO()
    call_command("purge_tips", "--days", "100", stdout=out)
    assert "Deleted 2 tips" in out.getvalue()
    assert list(Tip.objects.values_list("text", flat=True)) == ["Neuer Hinweis"]
    assert InboxItem.objects.filter(kind="tip").count() == 1


def test_the_command_refuses_zero_days(tips):
    with pytest.raises(CommandError):
        call_command("purge_tips", "--days", "0")
    assert Tip.objects.count() == 3


# --- The admin --------------------------------------------------------------------------------

HOSTILE = '<script>alert("tip")</script><b onmouseover=alert(1)>Hinweis</b>'


@pytest.fixture
def hostile_tip():
    return tip_submit(text=HOSTILE, url="https://x.example/?q=<script>", channel="form")


def test_staff_read_and_search_tips_escaped(client, checker, hostile_tip):
    client.force_login(checker)
    listing = client.get("/admin/intake/tip/", {"q": "Hinweis"})
    assert listing.status_code == 200
    body = listing.content.decode()
    assert "&lt;script&gt;alert(&quot;tip&quot;)&lt;/script&gt;" in body
    assert '<script>alert("tip")' not in body and "<b onmouseover" not in body
    detail = client.get(f"/admin/intake/tip/{hostile_tip.pk}/change/")
    assert detail.status_code == 200
    assert '<script>alert("tip")' not in detail.content.decode()


def test_fact_checkers_cannot_delete_or_add_tips(client, checker, hostile_tip):
    client.force_login(checker)
    assert client.get("/admin/intake/tip/add/").status_code == 403
    assert (
        client.post(f"/admin/intake/tip/{hostile_tip.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert Tip.objects.filter(pk=hostile_tip.pk).exists()


def test_editors_delete_a_tip_with_its_inbox_entry(client, editor, hostile_tip):
    client.force_login(editor)
    response = client.post(f"/admin/intake/tip/{hostile_tip.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Tip.objects.exists()
    assert not InboxItem.objects.exists()


def test_no_one_outside_the_staff_sees_tips(client, hostile_tip):
    response = client.get("/admin/intake/tip/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
