"""Step modules of the release's inventory/ folder."""
