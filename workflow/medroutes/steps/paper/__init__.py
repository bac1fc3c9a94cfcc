"""Step modules of the release's paper/ folder: what the paper cites."""
