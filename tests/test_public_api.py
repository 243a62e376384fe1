"""The public surface: what ``import apiclient`` offers, and what it costs."""

import subprocess
import sys

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
