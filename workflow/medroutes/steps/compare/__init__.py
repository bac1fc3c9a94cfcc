"""Step modules of the release's compare/ folder."""
