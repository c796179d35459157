"""Commands registered on the `tracker` app (filled in by its feature)."""
