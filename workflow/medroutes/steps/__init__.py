"""One module per output, in a tree that mirrors the release folder (see medroutes.plan)."""
