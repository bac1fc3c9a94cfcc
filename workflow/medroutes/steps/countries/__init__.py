"""Step modules of the release's countries/ folder."""
