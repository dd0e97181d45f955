"""akimwatch: alerts on meetings of the President of Kazakhstan with regional akims."""

from core import __version__

__all__ = ["__version__"]
