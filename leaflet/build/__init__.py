"""Stage 4, build: what to rebuild, one handout at a time or in worker processes."""
