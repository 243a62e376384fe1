"""The ``apiclient`` command line (click): invoke, whoami, explain, check, serve, demo.

``import apiclient`` never imports this package, so the library does not pay for click. Each
command's module is imported when that command runs. Exit codes are documented in
:mod:`apiclient.cli.errors` and in ``apiclient --help``.
"""

from apiclient.cli.app import cli, main

__all__ = ["cli", "main"]
