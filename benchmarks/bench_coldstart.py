"""Lambda-style cold start: apiclient with credentials in the environment vs a bare ``import requests``.

Each run is a fresh interpreter. The apiclient process does what a Lambda handler module does at
import: ``import apiclient``, take credentials from the environment (``credentials.default()``,
whose environment branch imports no boto3), and sign one request with ``SigV4Auth``; it then asserts
that boto3, botocore and click were never imported. The baseline process only imports requests.
Runs alternate between the two so that machine noise hits both alike.

apiclient is measured as a regular (non-editable) install: the package is copied to a temporary
directory and byte-compiled, as ``pip install`` does, and both processes run with that directory on
``PYTHONPATH`` (an editable install adds its own import hook, which a deployed function does not have).
Goal (docs/performance.md): median apiclient / median requests <= 1.10.

Run: python3 benchmarks/bench_coldstart.py [--runs N] [--explain] [--json]
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _util import median, print_table

APICLIENT_RUN = """
import apiclient
assert "site-packages" not in apiclient.__file__ and "/work/" not in apiclient.__file__, apiclient.__file__
from apiclient import credentials
provider = credentials.default() if hasattr(credentials, "default") else credentials.from_environment()
import requests
from apiclient.auth import SigV4Auth
request = requests.Request(
    "GET", "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod/products?category=books&limit=20"
).prepare()
SigV4Auth(provider, "us-east-1")(request)
assert request.headers["Authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
leaked = sorted({"boto3", "botocore", "click"} & set(sys.modules))
assert not leaked, f"cold start imported {leaked}"
"""
REQUESTS_RUN = "import requests\n"

ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
    "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    "AWS_SESSION_TOKEN": "IQoJb3JpZ2luX2VjEXAMPLETOKEN==",
    "AWS_REGION": "us-east-1",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def install_copy(target: Path) -> Path:
    """A regular install of this checkout's package under ``target``: copied and byte-compiled."""
    source = Path(__file__).resolve().parent.parent / "apiclient"
    shutil.copytree(source, target / "apiclient", ignore=shutil.ignore_patterns("__pycache__"))
    compileall.compile_dir(target / "apiclient", quiet=1)
    return target


def _environment(site: Path) -> dict[str, str]:
    # Only what a Lambda runtime would have: no profile or config file to chase.
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PYTHON"))}
    return {
        **kept, **ENVIRONMENT, "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "PYTHONPATH": str(site),
    }  # fmt: skip


def run_once(code: str, environment: dict[str, str]) -> float:
    start = time.perf_counter()
    # From the install's directory: ``-c`` puts the working directory first on sys.path.
    subprocess.run(
        [sys.executable, "-c", f"import sys\n{code}"],
        env=environment,
        check=True,
        cwd=environment["PYTHONPATH"],
    )
    return time.perf_counter() - start


def import_costs(code: str, environment: dict[str, str]) -> dict[str, float]:
    """Module -> own import time in ms, from ``python -X importtime``."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import sys\n{code}"],
        env=environment, capture_output=True, text=True, check=True, cwd=environment["PYTHONPATH"],
    )  # fmt: skip
    costs = {}
    for line in result.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+\d+ \|\s*(\S+)", line)
        if match:
            costs[match[2]] = int(match[1]) / 1000
    return costs


def explain(environment: dict[str, str], runs: int = 5) -> None:
    """Print the modules the apiclient process imports beyond requests, costliest first."""
    samples = [
        {name: ms for name, ms in import_costs(APICLIENT_RUN, environment).items() if name not in baseline}
        for baseline in (import_costs(REQUESTS_RUN, environment) for _ in range(runs))
    ]
    names = set().union(*samples)
    costs = {name: median([sample.get(name, 0.0) for sample in samples]) for name in names}
    rows = [(f"{ms:.2f}", name) for name, ms in sorted(costs.items(), key=lambda item: -item[1])[:25]]
    print_table(
        f"Imports beyond requests: {sum(costs.values()):.1f} ms in all (median of {runs}; top 25)",
        rows,
        ("ms", "module"),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40, help="runs of each process (default 40)")
    parser.add_argument("--explain", action="store_true", help="also list the extra imports and their cost")
    parser.add_argument("--json", action="store_true", help="also print the results as one JSON object")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="apiclient-coldstart-") as site:
        return measure(args, _environment(install_copy(Path(site))))


def measure(args: argparse.Namespace, environment: dict[str, str]) -> int:
    """Run the two processes in turn and print (and with --json, dump) their medians and ratio."""
    if args.explain:
        explain(environment)
    contenders = {
        "apiclient: import, credentials, sign": APICLIENT_RUN,
        "requests: import only": REQUESTS_RUN,
    }
    for code in contenders.values():  # warm the OS file cache and byte-code caches
        run_once(code, environment)
    samples: dict[str, list[float]] = {name: [] for name in contenders}
    for index in range(args.runs):
        order = list(contenders) if index % 2 == 0 else list(contenders)[::-1]
        for name in order:
            samples[name].append(run_once(contenders[name], environment))
    medians = {name: median(values) for name, values in samples.items()}
    print_table(
        f"Cold start, median of {args.runs} interleaved runs (Python {sys.version.split()[0]})",
        [(name, f"{seconds * 1000:.1f}") for name, seconds in medians.items()],
        ("process", "ms"),
    )
    ratio = medians["apiclient: import, credentials, sign"] / medians["requests: import only"]
    if args.json:
        ms = {name: round(seconds * 1000, 1) for name, seconds in medians.items()}
        print(json.dumps({"runs": args.runs, "ms": ms, "ratio": round(ratio, 3), "goal": 1.10}))
    print_table(
        "Ratio (goal <= 1.10)", [(f"{ratio:.3f}", "ok" if ratio <= 1.10 else "MISSED")], ("ratio", "goal")
    )
    return 0 if ratio <= 1.10 else 1


if __name__ == "__main__":
    sys.exit(main())
