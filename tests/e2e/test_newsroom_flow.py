"""The newsroom's whole day in real Chromium, on a production-like stack.

PostgreSQL, Redis, a real Celery worker and gunicorn with the production settings
(``tests/e2e/stack.py``); the cited sources come from a local HTTP server. Nothing here
touches pytest-django's test database: every change goes through the browser (or, for the
users and the partner key, through the management commands an operator runs).

1. Anna (fact-checker) logs in and pastes the seed article into Articles → Add.
2. In the split view she accepts the suggestion for Tokajew's "terror groups" claim and
   selects Psaki's rebuttal herself.
3. On the claim page she cites two sources and reloads until the worker fetched them.
4. She writes the verdicts and submits both claims for review.
5. Ben (editor, not the author) publishes the Tokajew claim and corrects its summary.
6. A reader sees the verdict page with the correction and the archived sources.
7. A partner pulls the claim and the ClaimReview feed with an API key.

Screenshots of every step: artifacts/screenshots/e2e-*.png.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import json
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from claims.services import split_date_line
from tests.e2e import stack as desk
from tests.sources.httpserver import LocalHTTPServer

pytestmark = [pytest.mark.browser, pytest.mark.integration]

ROOT = Path(__file__).resolve().parents[2]
SEED_FILE = ROOT / "claims" / "fixtures" / "kasachstan-2022-01.de.txt"

ARTICLE_TITLE = "Unruhen in Kasachstan: Tokajew bittet Russland um Hilfe"
ARTICLE_OUTLET = "Nachrichtenagentur (Beispiel)"

TOKAJEW = "Kassym-Schomart Tokajew"
TOKAJEW_CLAIM = "Im Ausland ausgebildete Terrorgruppen stecken hinter den Protesten"
PSAKI = "Jen Psaki"
PSAKI_QUOTE = (
    'Diese Vorwürfe seien "absolut falsch und eindeutig Teil des russischen Drehbuchs '
    'für Desinformation"'
)
PSAKI_CLAIM = "Russlands Vorwurf einer US-Rolle in Kasachstan ist Desinformation"

HEADLINE = "Keine Belege für im Ausland ausgebildete Terrorgruppen"
SUMMARY = "Tokajew legte für seine Behauptung keine Belege vor."
CORRECTED_SUMMARY = (
    "Tokajew legte für seine Behauptung keine Belege vor; auch später wurden keine "
    "unabhängigen Belege bekannt."
)
CORRECTION_NOTE = "Wir haben die Zusammenfassung um den späteren Stand ergänzt."

CHECKER = ("anna", "anna-e2e-Passw0rt!")
EDITOR = ("ben", "ben-e2e-Passw0rt!")

SOURCE_PAGES = {
    "/kasachstan/ansprache": (
        "Ansprache des Präsidenten an die Nation (Abschrift)",
        "Terroristische Banden, die im Ausland ausgebildet wurden, greifen das Land an.",
    ),
    "/usa/briefing-2022-01-06": (
        "Press Briefing by Press Secretary Jen Psaki, January 6, 2022",
        "These claims are absolutely false and clearly part of the Russian disinformation "
        "playbook.",
    ),
}

FETCH_TIMEOUT = 60  # seconds until the worker must have archived the cited sources
ADMIN_VIEWPORT = {"width": 1600, "height": 1000}  # the sources table fits without scrolling
READER_VIEWPORT = {"width": 1100, "height": 900}


def _page_body(title: str, text: str) -> bytes:
    return (
        "<!doctype html><html lang='de'><head><meta charset='utf-8'>"
        f"<title>{title}</title></head><body><article><h1>{title}</h1>"
        f"<p>{text}</p><p>{text}</p></article></body></html>"
    ).encode()


# --- The stack ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sources() -> Iterator[LocalHTTPServer]:
    with LocalHTTPServer() as server:
        for path, (title, text) in SOURCE_PAGES.items():
            server.respond(path, body=_page_body(title, text))
        yield server


@pytest.fixture(scope="module")
def stack(tmp_path_factory) -> Iterator[desk.Stack]:
    reason = desk.unavailable()
    if reason:
        pytest.skip(reason)
    with desk.desk_stack(tmp_path_factory.mktemp("e2e-stack")) as running:
        for (username, password), role in ((CHECKER, "fact-checker"), (EDITOR, "editor")):
            running.manage("create_desk_user", username, "--role", role, "--password", password)
        yield running


@pytest.fixture
def shots(screenshots) -> Callable[..., Path]:
    """``shot(page, "name")`` saves artifacts/screenshots/e2e-NN-name.png in step order."""
    for old in screenshots.glob("e2e-*.png"):
        old.unlink()
    counter = iter(range(1, 100))

    def shot(target, name: str, *, full_page: bool = True) -> Path:
        """``target``: a page (full length unless told) or a locator (that element only)."""
        path = screenshots / f"e2e-{next(counter):02d}-{name}.png"
        if hasattr(target, "goto"):
            target.screenshot(path=str(path), full_page=full_page)
        else:
            target.screenshot(path=str(path))
        return path

    return shot


# --- Browser helpers -----------------------------------------------------------------------


class Session:
    """A browser context of one person, with the console errors its pages reported."""

    def __init__(
        self, browser, base_url: str, *, locale: str = "en-GB", viewport: dict | None = None
    ) -> None:
        self.base_url = base_url
        self.context = browser.new_context(viewport=viewport or ADMIN_VIEWPORT, locale=locale)
        self.context.set_default_timeout(15_000)
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda e: self.problems.append(f"{self.page.url}: {e}"))
        self.page.on("response", self._response)

    def _console(self, message) -> None:
        # A failed resource is reported with its address by _response.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(f"{self.page.url}: {message.text}")

    def _response(self, response) -> None:
        # Chromium asks every site for /favicon.ico; the desk has none, which is harmless.
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            self.problems.append(f"{response.status} for {response.url}")

    def goto(self, path: str):
        response = self.page.goto(self.base_url + path)
        assert response is not None and response.status == 200, (
            f"GET {path}: {response.status if response else 'no response'}"
        )
        return response

    def login(self, username: str, password: str) -> None:
        self.goto("/admin/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        with self.page.expect_navigation():
            self.page.click("input[type=submit]")
        assert self.page.url == f"{self.base_url}/admin/", f"login as {username} failed"

    def close(self) -> None:
        self.context.close()


def _messages(page) -> list[str]:
    return page.locator("ul.messagelist li").all_inner_texts()


def _errors(page) -> list[str]:
    return page.locator(".errornote, .errorlist li").all_inner_texts()


def _save_and_continue(page) -> None:
    with page.expect_navigation():
        page.click("input[name=_continue]")
    assert _errors(page) == [], f"the form was refused: {_errors(page)}"


def _select_in_text(page, quote: str) -> None:
    """Select ``quote`` in the split view's text the way a mouse does (it may span marks)."""
    page.evaluate(
        """(quote) => {
            const el = document.getElementById("split-text");
            const nodes = [];
            const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
            let node, text = "";
            while ((node = walker.nextNode())) { nodes.push([node, text.length]); text += node.data; }
            const start = text.indexOf(quote);
            if (start < 0) throw new Error("quote not in text: " + quote);
            const end = start + quote.length;
            const at = (pos, isEnd) => {
                for (const [n, offset] of nodes) {
                    const len = n.data.length;
                    if (pos < offset + len || (isEnd && pos === offset + len)) return [n, pos - offset];
                }
            };
            const range = document.createRange();
            range.setStart(...at(start, false));
            range.setEnd(...at(end, true));
            const selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
            el.dispatchEvent(new MouseEvent("mouseup", {bubbles: true}));
        }""",
        quote,
    )


def _choose_rating(page, field_id: str, search: str, label: str) -> None:
    """Pick a rating in the admin's autocomplete (select2) widget."""
    page.click(f"#{field_id} + .select2 .select2-selection")
    page.fill(".select2-container--open .select2-search__field", search)
    page.locator(".select2-results__option", has_text=label).first.click()
    assert label in page.locator(f"#{field_id} option:checked").inner_text()


def _source_states(page) -> list[str]:
    """The archive column of the citations saved so far (not of the empty extra rows)."""
    cells = page.locator("#citations-group tr.has_original td.field-source_status")
    return [text.strip() for text in cells.all_inner_texts()]


def _wait_for_fetched(page, count: int) -> list[str]:
    """Reload the claim page until ``count`` sources say "Fetched" (or fail after a bound)."""
    deadline = time.monotonic() + FETCH_TIMEOUT
    while True:
        states = _source_states(page)
        fetched = [s for s in states if s.startswith("Fetched")]
        if len(fetched) >= count:
            return states
        assert not any(s.startswith(("Failed", "Blocked")) for s in states), states
        assert time.monotonic() < deadline, f"sources not fetched after {FETCH_TIMEOUT} s: {states}"
        time.sleep(1)
        page.reload()


def _workflow(page, action: str) -> None:
    """Follow a workflow link (submit, publish, correct…) of the claim page."""
    page.click(f"a.desk-workflow--{action}")
    page.wait_for_url(re.compile(rf"/workflow/{action}/$"))


def _confirm(page, button: str) -> list[str]:
    """Press the action's button; back on the claim page, return the admin messages."""
    with page.expect_navigation():
        page.click(f"input[type=submit][value='{button}']")
    assert re.search(r"/admin/claims/claim/\d+/change/$", page.url), (
        f"not back on the claim: {page.url} {_errors(page)} {_messages(page)}"
    )
    return _messages(page)


def _api(stack: desk.Stack, path: str, key: str | None) -> tuple[int, dict[str, str], object]:
    headers = {"Accept": "application/json"}
    if key:
        headers["Authorization"] = f"Api-Key {key}"
    status, response_headers, body = desk.http_get(stack.url + path, headers=headers)
    if "json" in response_headers.get("Content-Type", ""):
        return status, response_headers, json.loads(body)
    return status, response_headers, body.decode(errors="replace")


# --- The flow ----------------------------------------------------------------------------


class Findings:
    """Product defects that do not stop the flow: collected, and asserted at its end, so one
    run reports all of them (a defect that blocks the flow is a plain ``assert``)."""

    def __init__(self) -> None:
        self.defects: list[str] = []

    def expect(self, ok: object, defect: str) -> None:
        if not ok:
            self.defects.append(defect)

    @contextlib.contextmanager
    def soft(self, step: str) -> Iterator[None]:
        try:
            yield
        except (AssertionError, KeyError, TypeError, ValueError) as error:
            self.defects.append(f"{step}: {type(error).__name__}: {error}")


def test_newsroom_flow(chromium, sources, stack, shots):
    started = time.monotonic()
    sessions: list[Session] = []
    findings = Findings()
    defects = findings.defects
    try:
        _run_flow(stack, sources, chromium, shots, sessions, findings)
    except BaseException:
        for session in sessions:
            try:
                shots(session.page, "failure", full_page=True)
            except Exception as error:  # the page may be gone; the logs matter more
                print(f"no failure screenshot: {error}")
        print("defects found before the failure:", *defects, sep="\n- ")
        print(stack.logs())
        raise
    finally:
        for session in sessions:
            session.close()
        print(f"newsroom flow: {time.monotonic() - started:.1f} s")
    assert defects == [], "\n".join(["the flow found product defects:", *defects])


def _run_flow(stack, sources, chromium, shots, sessions: list[Session], findings: Findings) -> None:
    expect = findings.expect
    published_on, seed_text = split_date_line(SEED_FILE.read_text(encoding="utf-8"))
    assert published_on == "2022-01"
    page_urls = {path: sources.url(path) for path in SOURCE_PAGES}
    ansprache, briefing = page_urls.values()

    # 1. The fact-checker logs in and pastes the article ----------------------------------
    anna = Session(chromium, stack.url)
    sessions.append(anna)
    anna.login(*CHECKER)
    page = anna.page
    anna.goto("/admin/claims/article/add/")
    page.fill("#id_title", ARTICLE_TITLE)
    page.fill("#id_outlet", ARTICLE_OUTLET)
    page.fill("#id_language", "de")
    page.fill("#id_published_on", published_on)
    page.fill("#id_text", seed_text)
    shots(page, "article-add")
    _save_and_continue(page)
    match = re.search(r"/admin/claims/article/(\d+)/change/$", page.url)
    assert match, f"not on the new article: {page.url}"
    article_id = int(match.group(1))
    status, _h, article = _session_json(anna, f"/api/v1/desk/articles/{article_id}/")
    assert status == 200, article
    # The text is what claims anchor to: exactly the file's text, whatever the browser sent.
    stored_text = article["text"]
    expect(
        stored_text == seed_text,
        "the article pasted in Articles → Add is stored with different text than the file "
        f"(CRLF line endings from the browser kept: {stored_text.count(chr(13))} CR characters); "
        "claim offsets then differ from `import_article` of the same text",
    )
    assert article["published_on"] == "2022-01"

    # 2. Split it into claims ---------------------------------------------------------------
    # A speaker the desk does not know yet is created only after the fact-checker confirms
    # it (the dialog lists the closest known speakers): she does.
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("link", name="Split into claims").first.click()
    page.wait_for_url(f"{stack.url}/admin/claims/article/{article_id}/split/")
    page.wait_for_selector(".suggestion")
    terror = page.locator(".suggestion", has_text="Terrorgruppen").first
    terror.get_by_role("button", name="Accept").click()
    assert page.locator("#claim-form").is_visible()
    assert "Terrorgruppen" in page.locator("#form-quote").inner_text()
    assert page.input_value("#form-speaker") == TOKAJEW
    page.fill("#form-claim", TOKAJEW_CLAIM)
    page.click("#claim-form button[type=submit]")
    page.wait_for_function("() => document.querySelectorAll('#claims li').length === 1")

    _select_in_text(page, PSAKI_QUOTE)
    assert page.locator("#claim-form").is_visible()
    assert PSAKI_QUOTE in page.locator("#form-quote").inner_text()
    page.fill("#form-speaker", PSAKI)
    page.select_option("#form-attribution", "indirect")
    page.fill("#form-claim", PSAKI_CLAIM)
    page.keyboard.press("Control+Enter")
    page.wait_for_function("() => document.querySelectorAll('#claims li').length === 2")
    assert page.locator("mark.claim").count() >= 2
    assert page.locator("#form-error").inner_text() == ""
    shots(page, "split-view")
    claim_paths = {
        name: page.locator("#claims a", has_text=name).get_attribute("href")
        for name in (TOKAJEW_CLAIM, PSAKI_CLAIM)
    }
    assert all(re.fullmatch(r"/admin/claims/claim/\d+/change/", p) for p in claim_paths.values())
    claim_ids = {name: int(re.search(r"\d+", p).group()) for name, p in claim_paths.items()}
    saved = {
        name: _session_json(anna, f"/api/v1/desk/claims/{claim_id}/")[2]
        for name, claim_id in claim_ids.items()
    }
    for name, speaker in ((TOKAJEW_CLAIM, TOKAJEW), (PSAKI_CLAIM, PSAKI)):
        claim = saved[name]
        assert claim["status"] == "draft" and claim["speaker"]["name"] == speaker, claim
        assert claim["attribution"] == "indirect", claim
        # Anchored to the exact words of the article as stored.
        assert claim["quote"] == stored_text[claim["start"] : claim["end"]], claim
    assert "Terrorgruppen" in saved[TOKAJEW_CLAIM]["quote"]
    assert "Ausland" in saved[TOKAJEW_CLAIM]["quote"]  # "trained abroad"
    assert saved[PSAKI_CLAIM]["quote"] == PSAKI_QUOTE

    # 3. Cite sources on the claim page and see them fetched --------------------------------
    anna.goto(claim_paths[TOKAJEW_CLAIM])
    assert page.locator("#id_citations-0-url").count() == 1, (
        "the claim page has no sources: ClaimAdmin.inlines (newsdesk/admin/claims.py) lacks "
        "newsdesk.admin.sources.CitationInline"
    )
    page.fill("#id_citations-0-url", ansprache)
    page.select_option("#id_citations-0-role", "origin")
    page.fill("#id_citations-0-passage", SOURCE_PAGES["/kasachstan/ansprache"][1])
    page.locator("#citations-group .add-row a").click()
    page.fill("#id_citations-1-url", briefing)
    page.select_option("#id_citations-1-role", "context")
    _save_and_continue(page)
    states = _wait_for_fetched(page, 2)
    assert len(states) == 2, states
    shots(page.locator("#citations-group"), "sources-fetched")
    assert len(sources.requests_to("/kasachstan/ansprache")) == 1
    assert len(sources.requests_to("/usa/briefing-2022-01-06")) == 1

    # 4. Write the verdict and submit ----------------------------------------------------------
    _choose_rating(page, "id_verdict-0-rating", "unbel", "Unproven")
    page.fill("#id_verdict-0-headline", HEADLINE)
    page.fill("#id_verdict-0-summary", SUMMARY)
    page.fill(
        "#id_verdict-0-explanation",
        "Tokajew nannte weder Gruppen noch Herkunftsländer.\n\nDie zitierte Ansprache "
        "enthält die Behauptung, aber keine Belege.",
    )
    _save_and_continue(page)
    assert page.locator("a.desk-workflow--publish").count() == 0, "a fact-checker may not publish"
    _workflow(page, "submit")
    assert _confirm(page, "Submit for review") == ["The claim was submitted for review."]
    assert "In review" in page.locator(".field-status").inner_text()
    shots(page, "claim-in-review")
    view_on_site = page.locator("a.viewsitelink")
    if view_on_site.count():
        response = anna.context.request.get(stack.url + view_on_site.get_attribute("href"))
        expect(
            response.ok,
            f"'View on site' on a claim in review leads to {response.status} ({response.url})",
        )

    # The second claim cites the same briefing: one source, fetched once, shared.
    anna.goto(claim_paths[PSAKI_CLAIM])
    page.fill("#id_citations-0-url", briefing)
    page.select_option("#id_citations-0-role", "supports")
    _choose_rating(page, "id_verdict-0-rating", "mostly", "Mostly true")
    page.fill("#id_verdict-0-headline", "Keine Belege für eine Rolle der USA")
    page.fill("#id_verdict-0-summary", "Russland nannte keine Belege für eine Rolle der USA.")
    _save_and_continue(page)
    assert _wait_for_fetched(page, 1)
    shared = sources.requests_to("/usa/briefing-2022-01-06")
    assert len(shared) == 1, "a source cited by two claims was fetched twice"
    _workflow(page, "submit")
    assert _confirm(page, "Submit for review") == ["The claim was submitted for review."]

    # 5. The editor publishes one and corrects it ---------------------------------------------
    ben = Session(chromium, stack.url)
    sessions.append(ben)
    ben.login(*EDITOR)
    page = ben.page
    ben.goto("/admin/claims/claim/?status__exact=in_review")
    assert page.locator("#result_list tbody tr").count() == 2
    ben.goto(claim_paths[TOKAJEW_CLAIM])
    _workflow(page, "publish")
    assert "Four eyes" in page.locator("#content-main").inner_text()
    page.locator("#content-main details summary").click()  # the ClaimReview to be published
    assert '"ClaimReview"' in page.locator("#content-main details pre").inner_text()
    shots(page, "publish-review")
    messages = _confirm(page, "Publish now")
    assert "The verdict is published." in messages, messages
    assert "Published" in page.locator(".field-status").inner_text()
    _workflow(page, "correct")
    page.fill("#id_note", CORRECTION_NOTE)
    page.fill("#id_summary", CORRECTED_SUMMARY)
    shots(page, "correct-form")
    messages = _confirm(page, "Publish the correction")
    assert "The correction is published." in messages, messages
    assert CORRECTION_NOTE in page.locator("#corrections-group").inner_text()
    shots(page, "claim-published")
    public_path = page.get_by_role("link", name="Public page").get_attribute("href")
    assert public_path and public_path.startswith("/fact-checks/"), public_path

    # 6. A reader sees the verdict page ----------------------------------------------------------
    reader = Session(chromium, stack.url, viewport=READER_VIEWPORT)
    sessions.append(reader)
    page = reader.page
    reader.goto(public_path)
    assert page.locator("h1").inner_text() == HEADLINE
    assert page.locator(".rating__label").inner_text() == "Unproven"
    assert "Terrorgruppen" in page.locator("blockquote mark").inner_text()
    assert page.locator(".summary").inner_text() == CORRECTED_SUMMARY
    assert CORRECTION_NOTE in page.locator("ol.corrections").inner_text()
    json_ld = json.loads(page.locator('script[type="application/ld+json"]').inner_text())
    assert json_ld["@type"] == "ClaimReview" and json_ld["claimReviewed"] == TOKAJEW_CLAIM
    shots(page, "verdict-page")
    listed = page.locator("ol.sources li.source")
    expect(
        listed.count() == 2,
        f"the verdict page lists {listed.count()} sources instead of 2 (it says: "
        f"{page.locator('section[aria-labelledby=sources-title]').inner_text()!r})",
    )
    if listed.count():
        assert "Ansprache des Präsidenten" in listed.nth(0).inner_text()
        archive_links = page.get_by_role("link", name="Archived copy")
        expect(archive_links.count() == 2, "the sources on the verdict page have no archived copy")
        if archive_links.count():
            href = archive_links.first.get_attribute("href")
            status, headers, body = desk.http_get(href if "://" in href else stack.url + href)
            expect(status == 200, f"the archived copy {href} answers {status}")
            expect(body == _page_body(*SOURCE_PAGES["/kasachstan/ansprache"]), "archive ≠ source")
            expect("sandbox" in headers.get("Content-Security-Policy", ""), "archive not sandboxed")
    reader.goto("/fact-checks/")
    assert TOKAJEW_CLAIM in page.locator("main").inner_text()
    assert PSAKI_CLAIM not in page.content(), "a claim in review is public"

    # 7. A partner pulls the claim and the ClaimReview feed --------------------------------------
    key = stack.manage("create_partner_key", "Partner E2E").strip().splitlines()[-1]
    claim_id = claim_ids[TOKAJEW_CLAIM]
    public_url = stack.url + public_path
    status, _h, _body = _api(stack, "/api/v1/claims/", None)
    expect(status in (401, 403), f"/api/v1/claims/ without a key answers {status}")

    with findings.soft("partner API /api/v1/claims/"):
        status, _h, listing = _api(stack, "/api/v1/claims/", key)
        assert status == 200, f"answers {status}: {str(listing)[:300]}"
        assert [(i["id"], i["claim"]) for i in listing["results"]] == [(claim_id, TOKAJEW_CLAIM)]

    with findings.soft(f"partner API /api/v1/claims/{claim_id}/"):
        status, _h, item = _api(stack, f"/api/v1/claims/{claim_id}/", key)
        assert status == 200, f"answers {status}: {str(item)[:300]}"
        assert item["claim"] == TOKAJEW_CLAIM
        assert "Terrorgruppen" in item["quote"] and "Ausland" in item["quote"]
        assert item["speaker"]["name"] == TOKAJEW
        assert item["attribution"] == "indirect"
        assert item["url"] == public_url, item["url"]
        assert item["verdict"]["rating"]["slug"] == "unbelegt"
        assert item["verdict"]["headline"] == HEADLINE
        assert item["verdict"]["summary"] == CORRECTED_SUMMARY
        assert [c["note"] for c in item["corrections"]] == [CORRECTION_NOTE]
        assert item["claim_review"]["claimReviewed"] == TOKAJEW_CLAIM
        by_url = {source["url"]: source for source in item["sources"]}
        assert set(by_url) == set(page_urls.values()), item["sources"]
        for path, (title, text) in SOURCE_PAGES.items():
            source, served = by_url[page_urls[path]], _page_body(title, text)
            assert source["title"] == title, source
            assert source["sha256"] == hashlib.sha256(served).hexdigest(), source
            assert (source["snapshot_url"] or "").startswith(stack.url + "/"), source
            status, _h, archived = desk.http_get(source["snapshot_url"])
            assert status == 200 and archived == served, f"{source['snapshot_url']}: {status}"

    status, _h, _gone = _api(stack, f"/api/v1/claims/{claim_ids[PSAKI_CLAIM]}/", key)
    expect(status == 404, f"a claim in review is served to partners ({status})")

    with findings.soft("partner API /api/v1/claimreview/"):
        status, _h, feed = _api(stack, "/api/v1/claimreview/", key)
        assert status == 200, f"answers {status}: {str(feed)[:300]}"
        assert feed["@type"] == "DataFeed"
        reviews = [
            element.get("item", element) if element.get("@type") == "DataFeedItem" else element
            for element in feed["dataFeedElement"]
        ]
        assert len(reviews) == 1, reviews
        assert reviews[0]["@type"] == "ClaimReview"
        assert reviews[0]["claimReviewed"] == TOKAJEW_CLAIM
        assert reviews[0]["url"] == public_url
        assert reviews[0]["reviewRating"]["alternateName"] in ("Unbelegt", "Unproven")

    partner = Session(chromium, stack.url)
    sessions.append(partner)
    partner.context.set_extra_http_headers({"Authorization": f"Api-Key {key}"})
    response = partner.page.goto(f"{stack.url}/api/v1/claims/{claim_id}/")
    if response is not None and response.ok:
        # Chromium's JSON viewer shows one long line: show the same answer indented.
        pretty = json.dumps(response.json(), indent=2, ensure_ascii=False)
        partner.page.set_content(f"<pre>{html.escape(pretty)}</pre>")  # no inline style: CSP
    shots(partner.page, "partner-api")

    # No page of the flow reported a script error or a CSP violation.
    problems = [p for session in sessions for p in session.problems]
    expect(problems == [], f"the browser reported errors: {problems}")
    stack.check_alive()


def _session_json(session: Session, path: str) -> tuple[int, dict[str, str], dict]:
    """GET a desk API address with the browser's session (cookies included)."""
    response = session.context.request.get(session.base_url + path)
    return response.status, response.headers, response.json()
