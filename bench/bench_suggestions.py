"""Benchmark: claim suggestions must take time linear in the length of the text.

Times suggest_claims on the seed article and on the article repeated 10 and 40 times,
prints the best seconds per run and the ratios against the single article, and exits
non-zero when the 40× text takes more than 45× the time.

    .venv/bin/python bench/bench_suggestions.py [ROUNDS]

Measuring fairly on a shared machine: every sample runs the function on about the same
amount of text (40 runs of the article, 4 of the 10× text, 1 of the 40× text), so that a
preemption is as likely to hit a small text's sample as a big one's; sizes take turns
round after round; the garbage collector is off while timing, as in `timeit`; the best
of the rounds counts.
"""

from __future__ import annotations

import gc
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from claims.attribution import suggest_claims  # noqa: E402

ARTICLE = ROOT / "claims" / "fixtures" / "kasachstan-2022-01.de.txt"
DATE_LINE_RE = re.compile(r"^\s*date\s+([0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?)\b\s*")
FACTORS = (1, 10, 40)
MAX_RATIO_40 = 45.0


def seconds_per_run(text: str, runs: int) -> float:
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        for _ in range(runs):
            suggest_claims(text)
        return (time.perf_counter() - start) / runs
    finally:
        gc.enable()


def main(rounds: int = 15) -> int:
    seed = DATE_LINE_RE.sub("", ARTICLE.read_text(encoding="utf-8"), count=1).strip()
    texts = {factor: "\n\n".join([seed] * factor) for factor in FACTORS}
    suggest_claims(seed)  # warm up: regex compilation, imports
    best = dict.fromkeys(FACTORS, float("inf"))
    for _ in range(rounds):
        for factor, text in texts.items():
            runs = max(FACTORS) // factor
            best[factor] = min(best[factor], seconds_per_run(text, runs))
    for factor in FACTORS:
        print(
            f"{factor:>3}× ({len(texts[factor]):>7} chars): {best[factor]:.5f} s per run "
            f"(best of {rounds} rounds of {max(FACTORS) // factor} runs)"
        )
    ratio_10 = best[10] / best[1]
    ratio_40 = best[40] / best[1]
    print(f"ratio 10×/1×: {ratio_10:.1f}")
    print(f"ratio 40×/1×: {ratio_40:.1f} (limit {MAX_RATIO_40:.0f})")
    if ratio_40 > MAX_RATIO_40:
        print("FAIL: the time grows faster than the text")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(*(int(arg) for arg in sys.argv[1:2])))
