"""Step modules of the release's clean/ folder."""
