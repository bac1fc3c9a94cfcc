"""Step modules of the restricted working folder (<restricted.out_dir>/<release>/): never published."""
