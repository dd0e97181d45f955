"""scheduler package of akimwatch."""
