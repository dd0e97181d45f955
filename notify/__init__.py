"""notify package of akimwatch."""
