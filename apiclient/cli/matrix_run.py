"""Running an access matrix: every cell judged on a thread pool, and what both judges share."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from apiclient.cli.matrix import Actual, Case, IdentitySpec, Matrix
from apiclient.errors import ConfigError

if TYPE_CHECKING:
    from apiclient.gateway.config import GatewayConfig, User

__all__ = ["Judge", "Result", "gateway_config", "run_cases", "sample_user"]

Judge = Callable[[Case], Actual]
Result = tuple[Case, Actual, bool]


def run_cases(
    cases: Sequence[Case],
    judge: Judge,
    *,
    workers: int,
    offline: bool,
    on_done: Callable[[], None] = lambda: None,
) -> list[Result]:
    """Judge every case on a thread pool; results keep the matrix's order."""

    def one(case: Case) -> Result:
        actual = judge(case)
        on_done()
        return case, actual, case.expectation.met_by(actual, judge_status_as_outcome=offline)

    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="apiclient-check") as pool:
        return list(pool.map(one, cases))


def gateway_config(matrix: Matrix) -> GatewayConfig:
    """The gateway configuration the matrix names (``sample`` or a file beside it)."""
    # The gateway package pulls in botocore's verifier: only matrices naming gateway users pay for it.
    from apiclient.gateway import load_config, sample_config  # noqa: PLC0415

    if matrix.gateway_config in (None, "sample"):
        return sample_config()
    return load_config(matrix.base_dir / matrix.gateway_config)


def sample_user(config: GatewayConfig, identity: IdentitySpec) -> User:
    """The configured user a ``sample:`` identity names."""
    user = next((u for u in config.users if u.name == identity.sample), None)
    if user is None:
        known = ", ".join(u.name for u in config.users)
        raise ConfigError(
            f"no user {identity.sample!r} in the gateway configuration (known: {known})",
            f"identities.{identity.name}.sample",
        )
    return user
