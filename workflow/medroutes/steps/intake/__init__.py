"""Step modules of the release's intake/ folder."""
