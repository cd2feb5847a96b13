"""Benchmark, for the record: claim suggestions on real news (the shared evaluation set).

Runs `../shared/eval/attribution/evaluate.py` (relative to the repository's root: the
development split of hand-annotated German and English articles, kept outside the
project because the texts are third-party journalism) on this checkout and prints the
engine's table by slice (all, de, en, direct, indirect, language × kind), its speed, and
the summary line. When the folder is not there (a fresh clone), it says so and exits 0:
nothing to measure, nothing failed.

    .venv/bin/python bench/bench_attribution.py [--per-article] [--errors N]

The figures of record are in bench/RESULTS.md ("Claim suggestions on real news").
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVALUATION = ROOT / ".." / "shared" / "eval" / "attribution" / "evaluate.py"


def main(argv: list[str]) -> int:
    if not EVALUATION.is_file():
        print(f"no evaluation set at {EVALUATION.parent.resolve()}: nothing to measure")
        return 0
    python = ROOT / ".venv" / "bin" / "python"
    command = [
        str(python if python.exists() else sys.executable),
        str(EVALUATION),
        str(ROOT),
        *(["--python", sys.executable] if not python.exists() else []),
        *argv,
    ]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    if done.returncode != 0:
        print(done.stdout + done.stderr, end="")
        return done.returncode
    lines = done.stdout.splitlines()
    extra = bool(argv)  # --per-article / --errors: show everything asked for
    for line in lines:
        if extra or line.startswith(("gold:", "project:", "  project ")):
            print(line)
    if not extra and lines:
        print(lines[-1])  # "attribution: P … R … F1 … speaker …"
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
