"""Demo data (filled below)."""
