"""The public surface: what ``import apiclient`` offers, and what it costs."""

import os
import subprocess
import sys

import pytest

import apiclient


def test_all_is_sorted_and_every_name_exists() -> None:
    assert apiclient.__all__ == sorted(apiclient.__all__)
    missing = [name for name in apiclient.__all__ if not hasattr(apiclient, name)]
    assert missing == []


def test_design_contract_names_are_public() -> None:
    # The public contract (README, docs): these names are promised to users.
    for name in ("Client", "SigV4Auth", "Credentials", "AccessDenied", "diagnose"):
        assert name in apiclient.__all__


def test_import_loads_no_boto3_botocore_click_or_policy_engine() -> None:
    # A Lambda cold start must not pay for them (docs/performance.md, cold start).
    code = (
        "import sys, apiclient; "
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('boto3', 'botocore', 'click', 'yaml')"
        " or m.startswith(('apiclient.policy', 'apiclient.gateway', 'apiclient.cli'))); "
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


# -- cold start: what each entry point loads ------------------------------------------------------

# What a Lambda handler module pays for, and nothing more: each path may load only these apiclient
# modules, and none of the heavy libraries below. A module added here must be needed on that path.
_IMPORT_ONLY = {
    "apiclient", "apiclient._version", "apiclient.credentials", "apiclient.credentials._describe",
    "apiclient.credentials.base", "apiclient.credentials.static", "apiclient.endpoint", "apiclient.errors",
}  # fmt: skip
_SIGN_FROM_ENVIRONMENT = _IMPORT_ONLY | {
    "apiclient._redact", "apiclient.credentials.chain", "apiclient.credentials.environment",
    "apiclient.credentials.refresh", "apiclient.sigv4",
}  # fmt: skip
_CLIENT_FROM_ENVIRONMENT = _SIGN_FROM_ENVIRONMENT | {
    "apiclient._botocore_logs", "apiclient._call", "apiclient._client", "apiclient.retry",
    "apiclient.session",
}  # fmt: skip
# Third-party and standard-library packages that no cold-start path needs (requests needs email,
# json, logging and ssl, so the requests paths allow those).
_HEAVY = {"boto3", "botocore", "click", "yaml", "httpx", "httpcore", "anyio", "asyncio", "awscrt", "moto"}
_HEAVY_WITHOUT_REQUESTS = _HEAVY | {
    "requests", "urllib3", "email", "http", "json", "logging", "ssl", "inspect", "dataclasses",
}  # fmt: skip

_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
    "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    "AWS_SESSION_TOKEN": "IQoJb3JpZ2luX2VjEXAMPLETOKEN==",
}
_URL = "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod/products?limit=20"
_PATHS = {
    "import apiclient": ("import apiclient", _IMPORT_ONLY, _HEAVY_WITHOUT_REQUESTS),
    "environment credentials, sign one request": (
        "import apiclient\n"
        "from apiclient import credentials, sigv4\n"
        "provider = credentials.default()\n"
        f"sigv4.sign_request('GET', {_URL!r}, {{}}, None, credentials=provider.get(), region='us-east-1',"
        " service='execute-api')",
        _SIGN_FROM_ENVIRONMENT,
        _HEAVY_WITHOUT_REQUESTS - {"logging"},  # the signer logs its steps at DEBUG
    ),
    "environment credentials, SigV4Auth on requests": (
        "import apiclient, requests\n"
        "from apiclient import credentials\n"
        f"request = requests.Request('GET', {_URL!r}).prepare()\n"
        "apiclient.SigV4Auth(credentials.default(), 'us-east-1')(request)",
        _SIGN_FROM_ENVIRONMENT | {"apiclient.auth"},
        _HEAVY,
    ),
    "environment credentials, Client constructed": (
        f"import apiclient\napiclient.Client({_URL.partition('/products')[0]!r})",
        _CLIENT_FROM_ENVIRONMENT,
        _HEAVY,
    ),
}


def _loaded_by(code: str) -> set[str]:
    """The modules ``code`` adds to those a bare interpreter has loaded, in a fresh process."""
    program = (
        f"import sys\nbefore = set(sys.modules)\n{code}\nprint('\\n'.join(sorted(set(sys.modules) - before)))"
    )
    environment = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")} | _ENVIRONMENT
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True, env=environment
    )
    return set(done.stdout.split())


@pytest.mark.parametrize("path", list(_PATHS))
def test_cold_start_paths_load_only_what_they_use(path: str) -> None:
    code, allowed, heavy = _PATHS[path]
    loaded = _loaded_by(code)
    ours = {name for name in loaded if name.split(".")[0] == "apiclient"}
    assert sorted(ours - allowed) == [], f"{path}: loads apiclient modules it does not use"
    assert sorted(name for name in loaded if name.split(".")[0] in heavy) == [], (
        f"{path}: loads heavy modules"
    )
    assert "apiclient.sigv4" in loaded or path == "import apiclient"
