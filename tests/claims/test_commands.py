"""The contract commands: load_demo, import_article, create_desk_user."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from claims.models import Article

pytestmark = pytest.mark.django_db


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in {"claims", "sources", "auth"}
    }


def test_load_demo_prints_logins_and_is_idempotent():
    out = StringIO()
    call_command("load_demo", stdout=out)
    first = _row_counts()
    assert "Demo login: checker / " in out.getvalue()
    assert "Demo login: editor / " in out.getvalue()
    call_command("load_demo", stdout=StringIO())
    assert _row_counts() == first
    article = Article.objects.get()
    assert article.published_on == "2022-01"
    assert article.language == "de"
    assert article.text.startswith("Angesichts beispielloser Unruhen")
    assert article.text.endswith('Drehbuchs für Desinformation".')


def test_load_demo_logins_work(client):
    out = StringIO()
    call_command("load_demo", stdout=out)
    line = next(x for x in out.getvalue().splitlines() if x.startswith("Demo login: checker"))
    password = line.split(" / ")[1]
    # Through the login page: the lockout backend (django-axes) needs the request.
    response = client.post("/admin/login/", {"username": "checker", "password": password})
    assert response.status_code == 302
    assert client.get("/admin/claims/claim/").status_code == 200


def _write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.txt", b"", "is empty"),  # nothing at all
        ("blank.txt", b"  \n\t\n", "is empty"),  # only whitespace
        ("binary.bin", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),  # an image
        ("latin1.txt", "Straße und Übermut".encode("latin-1"), "not valid UTF-8"),
        ("date-only.txt", b"date 2022-01\n", "no text"),  # a date line and nothing else
    ],
)
def test_import_article_refuses_bad_files(tmp_path, name, data, message):
    with pytest.raises(CommandError, match=message):
        call_command("import_article", _write(tmp_path, name, data), stdout=StringIO())
    assert Article.objects.count() == 0


def test_import_article_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("import_article", str(tmp_path / "nope.txt"), stdout=StringIO())
    assert Article.objects.count() == 0


def test_import_article_reads_the_date_line_and_options(tmp_path):
    path = _write(tmp_path, "a.txt", "date 2021-12-24\nHe said \u201cit is fine\u201d.\n".encode())
    out = StringIO()
    call_command("import_article", path, "--language", "en", "--title", "Fine", stdout=out)
    article = Article.objects.get()
    assert (article.title, article.language, article.published_on) == ("Fine", "en", "2021-12-24")
    assert article.text == "He said \u201cit is fine\u201d."
    assert f"Imported article {article.pk}" in out.getvalue()


def test_import_article_defaults_the_title_to_the_first_sentence(tmp_path):
    path = _write(tmp_path, "a.txt", b"Erster Satz. Zweiter Satz.")
    call_command("import_article", path, stdout=StringIO())
    assert Article.objects.get().title == "Erster Satz."


def test_create_desk_user_roles():
    out = StringIO()
    call_command(
        "create_desk_user", "anna", "--role", "editor", "--password", "s3cret-Pass!", stdout=out
    )
    call_command("create_desk_user", "ben", "--role", "fact-checker", stdout=out)
    assert "Password: " in out.getvalue()
    from django.contrib.auth.models import User

    anna = User.objects.get(username="anna")
    assert anna.is_staff and anna.check_password("s3cret-Pass!")
    assert list(anna.groups.values_list("name", flat=True)) == ["Editor"]
    assert list(User.objects.get(username="ben").groups.values_list("name", flat=True)) == [
        "Fact-checker"
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["anna", "--role", "editor"], "exists already"),
        (["", "--role", "editor"], "required"),
    ],
)
def test_create_desk_user_errors(args, message):
    call_command("create_desk_user", "anna", "--role", "editor", stdout=StringIO())
    with pytest.raises(CommandError, match=message):
        call_command("create_desk_user", *args, stdout=StringIO())


def test_import_article_takes_many_files_with_progress_and_keeps_the_good_ones(tmp_path):
    good = [
        _write(tmp_path, f"{n}.txt", f"Artikel {n}. Er sagte etwas.".encode()) for n in range(3)
    ]
    bad = _write(tmp_path, "bad.txt", b"")
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="1 of 4 files were not imported"):
        call_command("import_article", good[0], bad, good[1], good[2], stdout=out, stderr=err)
    assert Article.objects.count() == 3
    assert "[4/4] Imported article" in out.getvalue()
    assert "[2/4]" in err.getvalue() and "is empty" in err.getvalue()
