"""Step modules of the release's protected/ folder: public tables derived from restricted data,
through disclosure control."""
