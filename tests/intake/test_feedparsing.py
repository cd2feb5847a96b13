"""intake.feedparsing: entries from feed bytes, hostile input refused (pure, no network)."""

from __future__ import annotations

import pytest

from intake.feedparsing import NotAFeed, parse_feed
from tests.intake.pages import BILLION_LAUGHS, atom, rss


def test_rss_entries_in_order_with_guid_link_title_and_date():
    parsed = parse_feed(
        rss([("g1", "https://bote.example/1", "Eins"), ("g2", "https://bote.example/2", "Zwei")])
    )
    assert parsed.title == "Birkenfelder Bote"
    assert [(e.guid, e.url, e.title) for e in parsed.entries] == [
        ("g1", "https://bote.example/1", "Eins"),
        ("g2", "https://bote.example/2", "Zwei"),
    ]
    assert parsed.entries[0].published_at is not None
    assert parsed.entries[0].published_at.tzinfo is not None


def test_atom_entries():
    parsed = parse_feed(atom([("urn:1", "https://courier.example/a", "A")]))
    assert [(e.guid, e.url) for e in parsed.entries] == [("urn:1", "https://courier.example/a")]


def test_a_missing_guid_falls_back_to_the_link_and_duplicates_are_dropped():
    body = (
        b"<rss version='2.0'><channel><title>t</title>"
        b"<item><link>https://x.example/1</link><title>a</title></item>"
        b"<item><link>https://x.example/1</link><title>a again</title></item>"
        b"<item><title>only a title</title></item></channel></rss>"
    )
    entries = parse_feed(body).entries
    assert entries[0].guid == "https://x.example/1"
    assert len(entries) == 2
    assert entries[1].url == "" and entries[1].guid.startswith("title:")


def test_relative_links_are_resolved_against_the_feed_address():
    body = b"<rss version='2.0'><channel><title>t</title><item><guid>1</guid><link>/a/1</link></item></channel></rss>"
    entry = parse_feed(body, url="https://bote.example/feed.xml").entries[0]
    assert entry.url == "https://bote.example/a/1"


@pytest.mark.parametrize(
    "body, kind",
    [
        (BILLION_LAUGHS, "entities"),  # billion laughs: refused before any parser
        (
            b"<?xml version='1.0'?><!DOCTYPE r [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
            b"<rss version='2.0'><channel><title>&x;</title></channel></rss>",
            "entities",
        ),  # an external entity
        (b"<!doctype html><html><body><p>Hallo</p></body></html>", "not_feed"),
        (b"\x00\x01\x02 garbage \xff\xfe", "not_feed"),
        (b"", "not_feed"),
        # A URL as the body: feedparser must never fetch it.
        (b"http://127.0.0.1:1/feed.xml", "not_feed"),
    ],
    ids=["billion-laughs", "external-entity", "html", "binary", "empty", "a-url"],
)
def test_hostile_or_not_a_feed(body, kind, loopback_only):
    with pytest.raises(NotAFeed) as raised:
        parse_feed(body)
    assert raised.value.kind == kind
