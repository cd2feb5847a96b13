"""Repeat-claim matching: precision and recall of ``intake.matching`` on a set we wrote.

    .venv/bin/python bench/bench_matching.py [--threshold 0.5] [--sweep]

``bench/data/matching_pairs.json`` holds 36 published checks (18 German, 18 English: the
desk's wording and the quote) and 72 new statements: a paraphrase of a check that should
match it, and a near miss on the same topic that must match nothing. The script creates
``factcheck_bench_matching`` (migrated, dropped at the end), loads the checks as
published claims with their search vectors, asks ``published_match`` for every
statement in its language and counts:

- a true positive: a paraphrase matched to its own check;
- a false positive: a near miss matched to anything, or a paraphrase to another check;
- recall = TP / paraphrases, precision = TP / everything matched.

``--sweep`` prints the figures for thresholds 0.40 … 0.80 (the score of each best
candidate is kept, so one pass is enough). Exits 0: it is a measurement; the floor is
asserted by ``tests/intake/test_matching.py`` on the same set.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DATA = ROOT / "bench" / "data" / "matching_pairs.json"


def load_set() -> dict[str, Any]:
    return json.loads(DATA.read_text(encoding="utf-8"))


def load_published_claims(data: dict[str, Any]) -> dict[str, int]:
    """Create each check of the set as a published claim (with a verdict and its search
    vector); returns {key: claim id}. A bench and test loader: the rows are written
    directly, not through the workflow (which the workflow's own tests cover)."""
    from django.utils import timezone

    from claims.models import Article, Claim, Rating, Speaker, Verdict
    from publishing.search import claim_update_search_vector

    rating = Rating.objects.filter(slug="falsch").first() or Rating.objects.first()
    speaker, _ = Speaker.objects.get_or_create(
        slug="matching-bench", defaults={"name": "Matching Bench"}
    )
    ids = {}
    now = timezone.now()
    for number, item in enumerate(data["claims"]):
        article = Article.objects.create(
            title=f"Matching {item['key']}", text=item["quote"], language=item["language"]
        )
        claim = Claim.objects.create(
            article=article,
            speaker=speaker,
            start=0,
            end=len(item["quote"]),
            exact=item["quote"],
            claim=item["claim"],
            slug=f"matching-{number}-{item['key']}",
            status=Claim.Status.PUBLISHED,
            published_at=now,
        )
        Verdict.objects.create(
            claim=claim, rating=rating, headline=f"Checked: {item['claim']}", published_at=now
        )
        claim_update_search_vector(claim.pk)
        ids[item["key"]] = claim.pk
    return ids


def evaluate(data: dict[str, Any], ids: dict[str, int]) -> list[tuple[dict, int | None, float]]:
    """(pair, id of the best candidate or None, its score) for every pair, at threshold 0."""
    from intake import matching

    results = []
    saved = matching.MATCH_THRESHOLD
    matching.MATCH_THRESHOLD = 0.0
    try:
        for pair in data["pairs"]:
            language = pair["claim"].split("-")[0]
            best = matching.published_match(pair["text"], language=language)
            results.append((pair, best.claim.pk if best else None, best.score if best else 0.0))
    finally:
        matching.MATCH_THRESHOLD = saved
    return results


def figures(
    results: list[tuple[dict, int | None, float]], ids: dict[str, int], threshold: float
) -> dict[str, float]:
    tp = fp = 0
    positives = sum(1 for pair, _, _ in results if pair["match"])
    for pair, found, score in results:
        if found is None or score < threshold:
            continue
        if pair["match"] and found == ids[pair["claim"]]:
            tp += 1
        else:
            fp += 1
    return {
        "tp": tp,
        "fp": fp,
        "positives": positives,
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / positives if positives else 1.0,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threshold", type=float, default=None)
    parser.add_argument("--sweep", action="store_true")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    from bench import harness

    with harness.bench_database("factcheck_bench_matching", keep=args.keep) as url:
        os.environ.update(harness.production_env(url))
        import django

        django.setup()
        from intake import matching

        data = load_set()
        ids = load_published_claims(data)
        results = evaluate(data, ids)
        threshold = args.threshold if args.threshold is not None else matching.MATCH_THRESHOLD
        thresholds = [round(0.4 + 0.05 * i, 2) for i in range(9)] if args.sweep else []
        for value in [*thresholds, threshold]:
            f = figures(results, ids, value)
            print(
                f"threshold {value:.2f}: precision {f['precision']:.3f} recall {f['recall']:.3f} "
                f"(TP {f['tp']}, FP {f['fp']}, paraphrases {f['positives']}, "
                f"pairs {len(results)})"
            )
        if os.environ.get("BENCH_MATCHING_VERBOSE"):
            for pair, found, score in results:
                ok = (found == ids[pair["claim"]]) if pair["match"] else score < threshold
                print(f"{'ok ' if ok else 'BAD'} {score:.2f} {pair['match']!s:5} {pair['text']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
