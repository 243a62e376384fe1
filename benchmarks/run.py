"""Every benchmark, one table: metric, ours, peer, ratio, goal, met; then the machine it ran on.

Each ``bench_*.py`` runs in its own interpreter, one after another, with ``--json``; this script only
reads their results and compares them with the goals in docs/performance.md. The table is Markdown,
so that it can go into docs/performance.md as printed.

Run: python3 benchmarks/run.py [--quick]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
LIBRARIES = (
    "execute-api-client", "requests", "urllib3", "botocore", "requests-aws4auth", "awscrt", "httpx",
    "httpx-auth", "moto", "click",
)  # fmt: skip


@dataclass(frozen=True)
class Row:
    """One line of the table; ``met`` is None where there is no goal."""

    metric: str
    ours: str
    peer: str = "-"
    ratio: str = "-"
    goal: str = "-"
    met: bool | None = None


def _us(value: float) -> str:
    return f"{value:.1f} µs"


def _ms(value: float) -> str:
    return f"{value:.2f} ms"


def signing_rows(result: dict[str, Any]) -> list[Row]:
    """bench_signing.py: microseconds per signature; sign_request <= 1.0x awscrt, SigV4Auth <= 0.35x."""
    us, ratios, goals = result["us_per_call"], result["ratios"], result["goals"]
    crt_goal, auth_goal = goals["sign_request / awscrt"], goals["SigV4Auth() / AWS4Auth()"]
    sign, crt, crt_ratio = (
        us["apiclient sign_request"],
        us["awscrt aws_sign_request"],
        ratios["sign_request / awscrt"],
    )
    ours, theirs = us["apiclient SigV4Auth()"], us["requests-aws4auth AWS4Auth()"]
    botocore = us["botocore SigV4Auth.add_auth"]
    return [
        Row("signing: sign_request vs awscrt (C)", _us(sign), _us(crt),
            f"{crt_ratio:.3f}", f"<= {crt_goal}", crt_ratio <= crt_goal),
        Row("signing: sign_request vs botocore add_auth", _us(sign), _us(botocore),
            f"{ratios['sign_request / botocore']:.3f}"),
        Row("requests auth: SigV4Auth() vs AWS4Auth(), fresh requests", _us(ours), _us(theirs),
            f"{ratios['SigV4Auth() / AWS4Auth()']:.3f}", f"<= {auth_goal}",
            ratios["SigV4Auth() / AWS4Auth()"] <= auth_goal),
    ]  # fmt: skip


def signed_get_rows(result: dict[str, Any]) -> list[Row]:
    """bench_signed_get.py: a signed keep-alive GET (Client; SigV4Auth) vs an unsigned one; goal <= 1.03."""
    us, goal = result["us_per_call"], result["goal"]
    unsigned = us["unsigned GET"]
    return [
        Row("keep-alive GET: Client (signed) vs unsigned requests", _us(us["signed GET (Client)"]),
            _us(unsigned), f"{result['ratio']:.3f}", f"<= {goal}", result["ratio"] <= goal),
        Row("keep-alive GET: requests + SigV4Auth vs unsigned", _us(us["signed GET (SigV4Auth)"]),
            _us(unsigned), f"{result['ratio_sigv4auth']:.3f}"),
    ]  # fmt: skip


def coldstart_rows(result: dict[str, Any]) -> list[Row]:
    """bench_coldstart.py: a Lambda-style cold start vs ``import requests``; goal <= 1.10."""
    ms, ratio, goal = result["ms"], result["ratio"], result["goal"]
    ours, peer = ms["apiclient: import, credentials, sign"], ms["requests: import only"]
    met = ratio <= goal
    metric = "cold start (regular install): import, env credentials, sign vs import requests"
    return [Row(metric, f"{ours:.1f} ms", f"{peer:.1f} ms", f"{ratio:.3f}", f"<= {goal}", met)]


def async_rows(result: dict[str, Any]) -> list[Row]:
    """bench_async.py: AsyncClient vs static-header httpx, the loop's worst stall, the httpx auth's cost."""
    goals, rate, stall = result["goals"], result["requests_per_second"], result["worst_stall_ms"]
    busy, auth, paced = result["worst_busy_cpu_ms"], result["auth"], result["paced_worst_stall_ms"]
    ours, peer = auth["us_per_call"]["apiclient.httpx.SigV4Auth"], auth["us_per_call"]["httpx-auth AWS4Auth"]
    size = f"{result['requests']} GETs, concurrency {result['concurrency']}"
    return [
        Row(f"async: AsyncClient vs httpx + static header ({size}; time)", f"{rate['AsyncClient']:.0f}/s",
            f"{rate['httpx, static header']:.0f}/s", f"{result['ratio']:.3f}", f"<= {goals['throughput']}",
            result["ratio"] <= goals["throughput"] and not result["failures"]),
        Row("async: worst loop stall, 1 ms ticker, one forced refresh (httpx alone)",
            f"{stall['AsyncClient']:.1f} ms", f"{stall['httpx, static header']:.1f} ms", "-",
            f"< {goals['stall_ms']} ms",
            stall["AsyncClient"] < goals["stall_ms"] and result["refreshes_with_new_keys"] > 0),
        Row("async: most loop CPU within one 1 ms tick (httpx alone)", f"{busy['AsyncClient']:.1f} ms",
            f"{busy['httpx, static header']:.1f} ms"),
        Row("async: worst loop stall, paced (0.2 s between calls), forced refresh (httpx alone)",
            f"{paced['AsyncClient']:.1f} ms", f"{paced['httpx, static header']:.1f} ms"),
        Row("httpx auth: SigV4Auth vs httpx-auth AWS4Auth", _us(ours), _us(peer), f"{auth['ratio']:.3f}",
            f"<= {goals['auth']}", auth["ratio"] <= goals["auth"]),
    ]  # fmt: skip


def _number(cell: str) -> float:
    """A figure from bench_refresh.py's table cells: "1,234", "2.59 µs"."""
    return float(cell.split(maxsplit=1)[0].replace(",", ""))


def refresh_rows(result: dict[str, Any]) -> list[Row]:
    """bench_refresh.py: 32 threads across refreshes; one STS call per refresh."""
    needed, columns = result["refreshes_needed"], result["columns"]
    rows = []
    for column in ("busy", "paced"):
        calls = int(_number(columns[column]["STS AssumeRole calls"]))
        where = f"refresh, {result['threads']} threads, {column}"
        ratio = f"{calls / needed:.2f}" if needed else "-"
        met = calls <= round(needed) + 1
        rows.append(
            Row(
                f"{where}: STS calls vs refreshes needed",
                str(calls),
                f"{needed:g}",
                ratio,
                "1 per refresh",
                met,
            )
        )
    # In the busy loop a static provider's get() is the floor: the interpreter's own GIL hand-offs.
    p99, floor = _number(columns["busy"]["get() p99"]), _number(columns["static"]["get() p99"])
    rows.append(
        Row(
            f"refresh, {result['threads']} threads, busy: get() p99 vs a static provider",
            _us(p99),
            _us(floor),
            f"{p99 / floor:.1f}",
        )
    )
    paced_p99 = _number(columns["paced"]["get() p99"])
    rows.append(Row(f"refresh, {result['threads']} threads, paced: get() p99", _us(paced_p99)))
    return rows


def policy_rows(result: dict[str, Any]) -> list[Row]:
    """bench_policy.py: authorize() at 10/100/1000 statements; <= 1 ms at 100, linear."""
    # Cells are "median/best" milliseconds; the median is what a caller meets on a shared machine.
    ms = {int(row["statements"]): float(row["authorize(dict)"].split("/")[0]) for row in result["rows"]}
    # Linear: 1000 statements cost at most 1.5x ten times the 100-statement figure. (10 statements
    # are mostly fixed cost, so their per-statement figure says nothing about growth.)
    growth = ms[1000] / (10 * ms[100])
    return [
        Row("policy authorize(), 10 statements", _ms(ms[10])),
        Row("policy authorize(), 100 statements", _ms(ms[100]), goal="<= 1 ms", met=ms[100] <= 1),
        Row(
            "policy authorize(), 1000 statements (vs 10x the 100's)",
            _ms(ms[1000]),
            _ms(10 * ms[100]),
            f"{growth:.2f}",
            "linear (<= 1.5)",
            growth <= 1.5,
        ),
    ]


def gateway_rows(result: dict[str, Any]) -> list[Row]:
    """bench_gateway.py: verified requests per second with keep-alive; goals >= 1,200/s with two
    client threads and <= 0.6 ms of server CPU per verified request.

    One client thread measures a round trip (its own signing plus the gateway's work, in turn). The
    throughput goal is judged with two threads of a lean client (``--client http``): two requests
    clients spend more CPU than the gateway and share one interpreter lock, so they measure requests.
    """
    rate = result["requests_per_second"]
    clients = result["clients"]
    cpu_ms = result["server_cpu_ms"]
    client = result.get("client", "requests")
    if clients == 1:
        return [
            Row("gateway: requests/s, 1 client (round-trip bound)", f"{rate:.0f}/s"),
            Row(
                "gateway: server CPU per verified request",
                f"{_ms(cpu_ms)} ({1000 / cpu_ms:.0f}/s per core)",
                goal="<= 0.6 ms",
                met=cpu_ms <= 0.6,
            ),
        ]
    label = f"gateway: verified requests/s, {clients} {client} clients"
    if client == "requests":
        return [Row(label, f"{rate:.0f}/s")]
    return [Row(label, f"{rate:.0f}/s", goal=">= 1200/s", met=rate >= 1200 and result["failures"] == 0)]


@dataclass(frozen=True)
class Benchmark:
    """A script, its arguments for a full and a quick run, and how its JSON becomes rows."""

    script: str
    full: Sequence[str]
    quick: Sequence[str]
    rows: Callable[[dict[str, Any]], list[Row]]
    json_flag: Sequence[str] = ("--json",)  # bench_gateway.py prints its JSON unasked


BENCHMARKS = (
    Benchmark("bench_signing.py", ["--rounds", "21", "--calls", "2000"], ["--rounds", "5", "--calls", "500"],
              signing_rows),
    Benchmark("bench_signed_get.py", ["--rounds", "41", "--calls", "100"],
              ["--rounds", "11", "--calls", "50"], signed_get_rows),
    Benchmark("bench_coldstart.py", ["--runs", "40"], ["--runs", "8"], coldstart_rows),
    Benchmark("bench_async.py", ["--rounds", "5"],
              ["--rounds", "1", "--requests", "300", "--auth-calls", "500"], async_rows),
    Benchmark("bench_refresh.py", ["--threads", "32", "--seconds", "10", "--lifetime", "6"],
              ["--threads", "32", "--seconds", "4", "--lifetime", "2"], refresh_rows),
    Benchmark("bench_policy.py", ["--repeat", "50"], ["--repeat", "10"], policy_rows),
    Benchmark("bench_gateway.py", ["--requests", "2000"], ["--requests", "500"], gateway_rows, ()),
    Benchmark("bench_gateway.py", ["--requests", "2000", "--clients", "2"],
              ["--requests", "500", "--clients", "2"], gateway_rows, ()),
    Benchmark("bench_gateway.py", ["--requests", "2000", "--clients", "2", "--client", "http"],
              ["--requests", "500", "--clients", "2", "--client", "http"], gateway_rows, ()),
)  # fmt: skip


def run(benchmark: Benchmark, quick: bool) -> list[Row]:
    """The benchmark's rows, or one row saying why there are none."""
    sizes = benchmark.quick if quick else benchmark.full
    command = [sys.executable, str(HERE / benchmark.script), *sizes, *benchmark.json_flag]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    # A missed goal exits 1 too: the JSON line, when there is one, is the result either way.
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:
        why = (done.stderr.strip().splitlines() or [f"exit {done.returncode}, no JSON"])[-1]
        return [Row(benchmark.script, f"not run: {why[:120]}", goal="runs", met=False)]
    try:
        return benchmark.rows(json.loads(lines[-1]))
    except (LookupError, TypeError, ValueError) as error:  # the script's JSON changed shape
        return [Row(benchmark.script, f"unreadable result: {error!r}", goal="runs", met=False)]


def machine() -> list[tuple[str, str]]:
    """What the figures depend on: CPU model, cores, system, Python and the libraries compared."""
    model = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        lines = cpuinfo.read_text().splitlines()
        names = [line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")]
        model = names[0] if names else model
    versions = []
    for name in LIBRARIES:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} (not installed)")
    return [
        ("CPU", model),
        ("cores", str(os.cpu_count())),
        ("system", platform.platform()),
        ("Python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("libraries", ", ".join(versions)),
    ]


def markdown(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A Markdown table whose columns also line up in a terminal."""
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows, strict=True)]
    lines = [header, ["-" * width for width in widths], *rows]
    return "\n".join(
        "| " + " | ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)) + " |"
        for line in lines
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes: a smoke test")
    args = parser.parse_args()
    started, load_before = time.perf_counter(), os.getloadavg()[0]
    rows: list[Row] = []
    for benchmark in BENCHMARKS:
        print(f"running {benchmark.script} ...", file=sys.stderr, flush=True)
        rows += run(benchmark, args.quick)
    cells = [
        (r.metric, r.ours, r.peer, r.ratio, r.goal, "-" if r.met is None else ("yes" if r.met else "NO"))
        for r in rows
    ]
    when = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    kind = "quick" if args.quick else "full"
    print(f"## Benchmarks ({kind} run, {when}, {time.perf_counter() - started:.0f} s)\n")
    print(markdown(("metric", "ours", "peer", "ratio", "goal", "met?"), cells))
    load = f"{load_before:.2f} before, {os.getloadavg()[0]:.2f} after"
    print("\n" + markdown(("machine", ""), [*machine(), ("1-minute load average", load)]))
    return 0 if all(r.met is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
