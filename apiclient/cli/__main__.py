"""``python -m apiclient.cli``: the same as the ``apiclient`` console script."""

from apiclient.cli.app import main

main()
