"""benchmarks package of akimwatch."""
