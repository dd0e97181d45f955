"""One spider per source; each covers all of its languages and routes requests only."""
