"""The ``apiclient`` command line (click): invoke, whoami, explain, check, serve, demo.

``import apiclient`` never imports this package, so the library does not pay for click. The root
group, exit codes and rendering are in :mod:`apiclient.cli.app`, the options several commands share
in :mod:`apiclient.cli.options`, and each command in its module of :mod:`apiclient.cli.commands`,
imported when that command runs.
"""

from apiclient.cli.app import ExitCode, cli, main

__all__ = ["ExitCode", "cli", "main"]
