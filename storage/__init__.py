"""storage package of akimwatch."""
