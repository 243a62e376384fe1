"""pytest fixtures that start the local gateway (filled in by issue 4)."""
