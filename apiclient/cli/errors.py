"""Exit codes of the ``apiclient`` command and the mapping of errors onto them.

====  ==========================================================================
code  meaning
====  ==========================================================================
0     success (for ``explain``: the request would be allowed)
1     error: network failure, unexpected server answer, redirect refused, a file that cannot be read/written
2     usage: a bad option, argument, request item or URL
3     access denied: a 401/403 (``invoke``) or a deny decision (``explain``)
4     credentials: none found, incomplete, or refused by STS
5     ``check``: at least one expectation of the access matrix failed
6     invalid document: a malformed policy, gateway configuration or access matrix
22    ``invoke --fail``: HTTP status >= 400 (curl's code for the same option)
====  ==========================================================================

Every error ends the command with one line on stderr (``apiclient: error: ...``), and with
``--output json`` also a JSON object on stdout; the traceback appears only with ``--debug``.
"""

from __future__ import annotations

import enum

from apiclient.errors import (
    AccessDenied,
    ApiClientError,
    ConfigError,
    CredentialsError,
    EndpointError,
    PolicyError,
    SigningError,
)

__all__ = ["EXIT_CODES_EPILOG", "ExitCode", "exit_code_for", "one_line"]


class ExitCode(enum.IntEnum):
    """The documented exit codes (see the module docstring)."""

    OK = 0
    ERROR = 1
    USAGE = 2
    ACCESS_DENIED = 3
    CREDENTIALS = 4
    EXPECTATION_FAILED = 5
    INVALID_DOCUMENT = 6
    HTTP_ERROR = 22


# Shown by ``apiclient --help``; \b keeps click from rewrapping the lines.
EXIT_CODES_EPILOG = """\b
Exit codes:
  0   success (explain: allowed)
  1   error (network, server, files)
  2   usage (bad option, item or URL)
  3   access denied (401/403; explain: denied)
  4   credentials missing or refused
  5   check: an expectation failed
  6   invalid policy, config or matrix
  22  invoke --fail: HTTP status >= 400

\b
Shell completion (bash, zsh, fish):
  eval "$(_APICLIENT_COMPLETE=bash_source apiclient)"
"""


def exit_code_for(error: BaseException) -> ExitCode:
    """The exit code that ``error`` ends the command with."""
    if isinstance(error, AccessDenied):
        return ExitCode.ACCESS_DENIED
    if isinstance(error, CredentialsError):
        return ExitCode.CREDENTIALS
    if isinstance(error, (PolicyError, ConfigError)):
        return ExitCode.INVALID_DOCUMENT
    if isinstance(error, (EndpointError, SigningError)):
        return ExitCode.USAGE
    return ExitCode.ERROR


def one_line(error: BaseException) -> str:
    """A single line that names the problem, without a traceback."""
    # Imported on the error path only: shell completion and --version need not load requests.
    import requests  # noqa: PLC0415

    if isinstance(error, requests.ConnectionError):
        target = error.request.url if error.request is not None else "the server"
        message = f"cannot connect to {target}"
    elif isinstance(error, requests.Timeout):
        message = "the request timed out"
    elif isinstance(error, OSError) and error.filename is not None:
        message = f"{error.filename}: {error.strerror or error}"
    elif isinstance(error, ApiClientError):
        message = str(error)
    else:
        message = f"{type(error).__name__}: {error}"
    return " ".join(message.split())
