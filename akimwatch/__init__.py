"""akimwatch: alerts on meetings of the President of Kazakhstan with regional akims."""

__version__ = "0.1.0"
