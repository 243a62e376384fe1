"""One module per ``apiclient`` command, each holding the click command of its name and the helpers
that serve only it. The root group (:mod:`apiclient.cli.app`) imports a module when its command runs.

A new command is a module here whose function of the same name is a ``click.command`` (the root
group finds it), its tests in ``tests/cli/``, and ``docs/cli.md`` regenerated
(``python3 scripts/gen_cli_reference.py``).
"""
