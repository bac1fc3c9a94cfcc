"""Step modules of the release's figures/ folder."""
