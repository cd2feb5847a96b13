"""The OpenAPI schema describes every endpoint truthfully; the docs work under the CSP."""

import os
import re
from pathlib import Path

import pytest
import yaml
from django.contrib.staticfiles import finders
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client) -> dict:
    response = client.get("/api/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_the_schema_is_valid_openapi_3(schema):
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)


def test_auth_schemes(schema):
    schemes = schema["components"]["securitySchemes"]
    assert schemes["ApiKeyAuth"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": schemes["ApiKeyAuth"]["description"],
    }
    assert schemes["tokenAuth"]["type"] == "apiKey"
    assert schemes["cookieAuth"]["in"] == "cookie"
    for path, _method, operation in _operations(schema):
        names = {name for requirement in operation["security"] for name in requirement}
        if path.startswith("/api/v1/desk/"):
            assert names == {"tokenAuth", "cookieAuth"}, path
        elif path == "/api/v1/tips/":
            assert names == {"ApiKeyAuth"}, path  # partner keys only
        else:
            assert names == {"ApiKeyAuth", "tokenAuth", "cookieAuth"}, path


def test_every_operation_documents_its_errors(schema):
    operations = list(_operations(schema))
    assert len(operations) == 27
    for path, method, operation in operations:
        codes = set(operation["responses"])
        assert {"401", "403"} <= codes, (method, path)
        if "{id}" in path:
            assert "404" in codes, (method, path)
        if method in ("post", "put"):
            assert {"400", "415"} <= codes, (method, path)
        # A comment changes no version: no 409 (every other change of a claim can).
        changes_claim = path.startswith("/api/v1/desk/claims/{id}/") and method != "get"
        if changes_claim and not path.endswith("/comments/"):
            assert "409" in codes, (method, path)
        # Partner API: per-key rates; both APIs: failed keys and tokens per address.
        assert "429" in codes, (method, path)
        # What the server stack answers in front of any view (schemathesis ST103 otherwise).
        stack = {"400", "401", "403", "404", "405", "406", "411", "413", "414", "429", "500"}
        assert stack <= codes, (method, path, stack - codes)
        for code, response in operation["responses"].items():
            if code == "414":
                # gunicorn's own page: the request never reaches the application.
                assert set(response["content"]) == {"text/html"}, (method, path)
            elif code.startswith(("4", "5")):
                assert response["content"]["application/json"]["schema"] == {
                    "$ref": "#/components/schemas/Error"
                }


def test_claims_list_parameters(schema):
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/claims/"]["get"]["parameters"]}
    assert set(parameters) == {
        "q", "speaker", "rating", "language", "updated_since", "page_size", "cursor",
        "If-None-Match",
    }  # fmt: skip
    assert parameters["updated_since"]["schema"]["format"] == "date-time"
    assert parameters["page_size"]["schema"] == {"type": "integer", "maximum": 100, "minimum": 1}
    assert parameters["If-None-Match"]["in"] == "header"
    assert "304" in schema["paths"]["/api/v1/claims/"]["get"]["responses"]


def test_the_docs_load_their_assets_from_static_under_the_csp(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    csp = response["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]*)", csp).group(1)
    assert script_src.split() == ["'self'"]  # no inline scripts, no CDN

    scripts = re.findall(r'<script src="([^"]+)"', html)
    styles = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert "<script>" not in html  # the init script is a separate, same-origin file
    assets = [s for s in scripts + styles if s.startswith("/static/")]
    assert len(assets) == 3, (scripts, styles)
    for asset in assets:
        assert finders.find(asset.removeprefix("/static/")), asset
    init = [s for s in scripts if not s.startswith("/static/")]
    assert len(init) == 1 and init[0].startswith("/api/docs/?")
    script = client.get(init[0].replace("&amp;", "&"))
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content
    assert b"/api/schema/" in script.content


@pytest.mark.browser
def test_the_docs_render_in_a_browser_without_csp_violations(live_server):
    executable = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not Path(executable).exists():
        pytest.skip(f"no Chromium at {executable}")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            args=["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update"],
        )  # fmt: skip
        page = browser.new_page()
        page.on(
            "console",
            lambda m: problems.append(m.text) if m.type == "error" else None,
        )
        page.on("pageerror", lambda e: problems.append(str(e)))
        requested: list[str] = []
        page.on("request", lambda r: requested.append(r.url))
        page.goto(live_server.url + "/api/docs/")
        page.wait_for_selector(".swagger-ui .info .title", timeout=15_000)
        title = page.inner_text(".swagger-ui .info .title")
        operations = page.locator(".opblock").count()
        browser.close()

    assert "Fact-checking desk API" in title
    assert operations == 27  # as many as the schema has (test_every_operation…)
    assert not [p for p in problems if "Content Security Policy" in p], problems
    assert all(url.startswith(live_server.url) for url in requested), requested
