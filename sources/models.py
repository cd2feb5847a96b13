"""Sources, citations and snapshots (see the sources issue)."""
