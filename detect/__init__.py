"""Detection of meetings of the President of Kazakhstan with regional akims in news articles."""

from detect.detector import KINDS, Meeting, detect
from detect.records import classify_lines, classify_record

__all__ = ["KINDS", "Meeting", "classify_lines", "classify_record", "detect"]
