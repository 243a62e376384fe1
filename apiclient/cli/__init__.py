"""The apiclient command line (filled in by issue 5)."""


def main() -> None:
    """Entry point of the ``apiclient`` console script."""
    print("apiclient: the CLI is not built yet")
