"""Step modules of the release's notebooks/ folder."""
