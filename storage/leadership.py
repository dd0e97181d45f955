"""Leadership terms: every new holder of the scheduler lock takes the next term, and writes made
under an older term are refused (fencing).

A term is ``None`` where there is no election (SQLite, a command run by hand): such writes are
never refused. Every check is part of the write's own statement (:func:`term_holds` in its
``WHERE``), so no other leader can take over between the check and the write.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, insert, select, true, update
from sqlalchemy.orm import Session

from storage.clock import utcnow
from storage.models import Leadership

ROW = 1


def take_term(session: Session, holder: str) -> int:
    """Raise the term by one for ``holder`` and return it (call it holding the scheduler lock)."""
    raised = session.execute(
        update(Leadership)
        .where(Leadership.id == ROW)
        .values(term=Leadership.term + 1, holder=holder, since=utcnow())
        .returning(Leadership.term)
    ).scalar()
    if raised is None:  # a database made before the row existed
        session.execute(insert(Leadership).values(id=ROW, term=1, holder=holder, since=utcnow()))
        raised = 1
    return int(raised)


def current(session: Session) -> Leadership | None:
    """The leadership row: the current term, its holder and since when."""
    return session.get(Leadership, ROW)


def current_term(session: Session) -> int:
    """The current term (0 before any leader)."""
    term = session.scalar(select(Leadership.term).where(Leadership.id == ROW))
    return int(term or 0)


def term_holds(term: int | None) -> ColumnElement[bool]:
    """A condition for a write's ``WHERE``: true when ``term`` is still the current term (always
    true for ``None``)."""
    if term is None:
        return true()
    now = select(Leadership.term).where(Leadership.id == ROW).scalar_subquery()
    return now == term
