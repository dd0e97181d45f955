"""Exit statuses of the akimwatch commands (the BSD ``sysexits.h`` values).

75 (EX_TEMPFAIL, another daemon or run-once holds the lock) stays defined in ``scheduler.lock``
as ``EXIT_LOCKED``.
"""

EXIT_UNAVAILABLE = 69  # EX_UNAVAILABLE: the database is unreachable or stays locked; try again
EXIT_CANTCREAT = 73  # EX_CANTCREAT: an --output file cannot be written (missing directory, ...)
EXIT_CONFIG = 78  # EX_CONFIG: the configuration is wrong; restarting will not help
