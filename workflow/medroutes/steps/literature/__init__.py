"""Step modules of the release's literature/ folder."""
