"""Step modules of the release's harmonised/ folder."""
