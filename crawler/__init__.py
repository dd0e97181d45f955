"""crawler package of akimwatch."""
