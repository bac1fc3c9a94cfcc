"""Restricted working tables: each supplied template file read, validated and typed."""
