"""The root group: version, help with the exit codes, shell completion, and click kept out of the library."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
from click.testing import CliRunner

import apiclient
from apiclient.cli import ExitCode, cli, commands
from apiclient.cli.app import COMMANDS


def test_version_is_the_package_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"apiclient, version {apiclient.__version__}"


def test_help_documents_every_exit_code_and_completion() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for code in ExitCode:
        assert f"\n    {code.value} " in result.output, code
    assert "_APICLIENT_COMPLETE=bash_source apiclient" in result.output
    for command in ("invoke", "whoami", "explain", "check", "serve", "demo"):
        assert f"\n  {command} " in result.output


def test_shell_completion_completes_command_names() -> None:
    env = {"_APICLIENT_COMPLETE": "bash_complete", "COMP_WORDS": "apiclient inv", "COMP_CWORD": "1"}
    result = CliRunner().invoke(cli, [], prog_name="apiclient", env=env)
    assert result.exit_code == 0
    assert "plain,invoke" in result.output.splitlines()


def test_usage_errors_exit_2_without_a_traceback() -> None:
    result = CliRunner().invoke(cli, ["frobnicate"])
    assert result.exit_code == ExitCode.USAGE
    assert "Traceback" not in result.output


def test_import_apiclient_does_not_import_click() -> None:
    code = "import sys, apiclient; sys.exit('click' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_commands_load_lazily() -> None:
    # Shell completion runs the program on every Tab: beyond the library, it must not pay for the
    # policy engine, the gateway, boto3 or YAML, which only some commands need.
    heavy = "{'apiclient.policy', 'apiclient.gateway', 'boto3', 'yaml'}"
    code = f"import sys, apiclient.cli; sys.exit(bool({heavy} & set(sys.modules)))"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_python_dash_m_runs() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "apiclient.cli", "--version"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0
    assert apiclient.__version__ in done.stdout


def test_each_command_is_the_module_of_its_name() -> None:
    # The layout a new command follows: apiclient/cli/commands/<name>.py defines <name>.
    modules = {p.stem for p in Path(commands.__file__).parent.glob("*.py")} - {"__init__"}
    assert modules == set(COMMANDS)
    for name in COMMANDS:
        command = cli.get_command(click.Context(cli), name)
        assert isinstance(command, click.Command) and command.callback is not None
        assert command.callback.__module__ == f"apiclient.cli.commands.{name}"
