"""IAM wildcard benchmark: the backtracking regex translation (before) against the chunk search (after).

Worst cases: `*a*a*a*b` against runs of "a", and a "block old IE" rule `*Mozilla*MSIE*Trident*`
against a long User-Agent without "Trident"; plus the common shapes (an exact action, a prefix, an
execute-api ARN) so the price of the safe matcher on ordinary policies shows too.
Run: python3 benchmarks/bench_globs.py [--json] [--quick]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _util import interleaved, median, print_table

from apiclient.policy.globs import ONE, STAR, Tokens, compile_arn, compile_glob, tokens_of


def regex_glob(tokens: Tokens) -> re.Pattern[str]:
    """The translation the matcher replaced: `*` -> `.*`, `?` -> `.` (DOTALL)."""
    body = "".join(".*" if t == STAR else "." if t == ONE else re.escape(t) for t in tokens)
    return re.compile(body, re.DOTALL)


def _once(function: Callable[[], object]) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def worst_cases(quick: bool) -> list[dict[str, object]]:
    user_agent = "Mozilla/4.0 (MSIE 6.0) "  # almost an old IE agent: every "Mozilla" and "MSIE", no "Trident"
    cases = [
        ("*a*a*a*b", "a" * 300, "300 x 'a'"),
        ("*a*a*a*b", "a" * 600, "600 x 'a'"),
        ("*Mozilla*MSIE*Trident*", (user_agent * 1200)[:8_000], "8 kB User-Agent"),
    ]
    if not quick:
        cases.append(("*Mozilla*MSIE*Trident*", (user_agent * 1200)[:26_000], "26 kB User-Agent"))
    rows = []
    for pattern, text, label in cases:
        tokens = tokens_of(pattern)
        before = _once(lambda: regex_glob(tokens).fullmatch(text))  # noqa: B023
        glob = compile_glob(tokens, False)
        after = min(_once(lambda: glob.fullmatch(text)) for _ in range(5))  # noqa: B023
        rows.append({"pattern": pattern, "text": label, "before_s": before, "after_s": after})
    return rows


def common_shapes() -> list[dict[str, object]]:
    arn = "arn:aws:execute-api:us-east-1:111122223333:a1b2c3d4e5/prod/GET/products/42"
    cases = {
        "exact action": (tokens_of("execute-api:Invoke"), "execute-api:Invoke", False),
        "prefix action": (tokens_of("execute-api:*"), "execute-api:Invoke", False),
        "execute-api ARN": (tokens_of("arn:aws:execute-api:*:111122223333:a1b2c3d4e5/*/GET/*"), arn, True),
    }
    rows = []
    for name, (tokens, text, is_arn) in cases.items():
        glob = compile_arn(tokens, False) if is_arn else compile_glob(tokens, True)
        regex = regex_glob(tokens)
        samples = interleaved(
            {"regex": lambda: regex.fullmatch(text), "glob": lambda: glob.fullmatch(text)},  # noqa: B023
            rounds=7,
            calls=20_000,
        )
        rows.append(
            {
                "shape": name,
                "regex_us": median(samples["regex"]) * 1e6,
                "glob_us": median(samples["glob"]) * 1e6,
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--quick", action="store_true", help="skip the 26 kB case (about 7 s with the regex)")
    args = parser.parse_args()
    worst, common = worst_cases(args.quick), common_shapes()
    if args.json:
        print(json.dumps({"worst_cases": worst, "common_shapes": common}, indent=2))
        return
    print_table(
        "Worst cases (one call; before = backtracking regex, after = chunk search)",
        [
            [
                str(r["pattern"]),
                str(r["text"]),
                f"{r['before_s']:.3f} s",
                f"{float(r['after_s']) * 1e6:.0f} us",
            ]
            for r in worst
        ],
        ["pattern", "text", "before", "after"],
    )
    print_table(
        "Common shapes (median per call)",
        [[str(r["shape"]), f"{r['regex_us']:.2f} us", f"{r['glob_us']:.2f} us"] for r in common],
        ["shape", "regex", "glob"],
    )


if __name__ == "__main__":
    main()
