"""Test doubles: fault and hostile replicas and the benchmark corpus (not in the wheel)."""
