"""The dispatcher: events -> outbox entries -> channels, with claims, retries, dead letters,
digests (the outbox's states and routing are ``notify.outbox``).

Each run first routes the events saved since the last run with the configuration in force now,
then claims due entries.

At-least-once delivery: an entry is claimed by one run, sent, and marked sent in its own commit
right after the send. A crash between the send and the mark leaves a claim that a later run takes
back (at once when the claimer was a process of this host that is gone, else after ``lease``) and
sends again, with the same delivery key (webhook header ``X-Akimwatch-Delivery``, email
``Message-ID``) so that the receiver can drop the repeat.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from core.config import Config
from notify import outbox, workers
from notify.channels import Channel, DeliveryError, make_channel
from notify.document import MissingSubject, build, build_digest, name_language
from notify.health import raise_admin_alert
from notify.plan import Job, plan
from storage.clock import utcnow
from storage.engine import session_factory
from storage.models import Outbox

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=5)
_Clock = Callable[[], datetime]


@dataclass
class DispatchReport:
    """What one run did, counted in outbox entries (``routed``: events routed into them)."""

    routed: int = 0
    claimed: int = 0
    sent: int = 0
    retrying: int = 0
    dead: int = 0
    held: int = 0
    skipped: int = 0
    reclaimed: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: DispatchReport) -> None:
        """Accumulate another run's counts."""
        for name in (
            "routed",
            "claimed",
            "sent",
            "retrying",
            "dead",
            "held",
            "skipped",
            "reclaimed",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors.extend(other.errors)

    def summary(self) -> str:
        """One line for humans."""
        return (
            f"sent {self.sent}, retrying {self.retrying}, dead {self.dead}, "
            f"held for digest or update window {self.held}, skipped (nothing new) "
            f"{self.skipped}, stale claims recovered {self.reclaimed}"
        )


class Dispatcher:
    """Sends due outbox entries through the configured channels; safe to run in parallel.

    ``term`` is the leader's term of a daemon or ``run-once`` that won the election: its claims
    take nothing once that term is stale (fencing, ``docs/failover.md``); None claims always.
    """

    def __init__(
        self,
        config: Config,
        engine: Engine,
        *,
        lease: timedelta = LEASE,
        rng: random.Random | None = None,
        term: int | None = None,
    ) -> None:
        self.config = config
        self.term = term
        self.route = outbox.router(config)
        self.sessions = session_factory(engine)
        self.lease = lease
        self.rng = rng or random.Random()
        self.worker_id = workers.worker_id()
        self._runs = 0

    def run_once(self, now: datetime | None = None) -> DispatchReport:
        """Route new events, claim one batch of due entries, send them, record the outcome;
        ``now`` for tests."""
        now = now or utcnow()
        self._runs += 1
        token = f"{self.worker_id}/{self._runs}"
        report = DispatchReport()
        with self.sessions() as session, session.begin():  # route and claim: one write
            report.routed, _ = outbox.route_events(session, self.route, now)
            orphans = [token for token in outbox.claimers(session) if workers.gone(token)]
            report.reclaimed = outbox.take_back(session, orphans)
            report.reclaimed += outbox.reclaim_stale(session, now, self.lease)
            entries = outbox.claim(
                session, token, now, self.config.notify.batch_size, term=self.term
            )
        report.claimed = len(entries)
        with self.sessions() as session:
            jobs = plan(session, self.config, entries, token, now, report)
        channels: dict[str, Channel] = {}
        clock = _clock_from(now)
        try:
            for job in jobs:
                self._run_job(job, token, clock, channels, report)
        finally:
            for channel in channels.values():
                channel.close()
        return report

    def run_until_idle(self, now: datetime | None = None, max_rounds: int = 1000) -> DispatchReport:
        """Run batches until nothing more is due (what ``akimwatch notify`` does)."""
        total = DispatchReport()
        for _ in range(max_rounds):
            report = self.run_once(now)
            total.add(report)
            if report.claimed < self.config.notify.batch_size:
                break
        return total

    def _run_job(
        self,
        job: Job,
        token: str,
        clock: _Clock,
        channels: dict[str, Channel],
        report: DispatchReport,
    ) -> None:
        with self.sessions() as session:
            try:
                if job.channel is None:
                    raise DeliveryError(
                        f"channel {job.channel_name!r} is not configured", permanent=True
                    )
                channel = channels.get(job.channel.name) or make_channel(job.channel)
                channels[job.channel.name] = channel
                self._deliver(session, job, channel, token, clock)
                report.sent += len(job.entries)
            except MissingSubject as exc:
                self._fail(
                    session, job, DeliveryError(str(exc), permanent=True), token, clock(), report
                )
            except DeliveryError as exc:
                self._fail(session, job, exc, token, clock(), report)
            except _ClaimLost:
                log.warning("delivery %s: claim lost to another dispatcher", job.key)
            except Exception as exc:  # a bug must not stall the rest of the batch
                log.exception("delivery %s failed unexpectedly", job.key)
                error = DeliveryError(f"{type(exc).__name__}: {exc}")
                self._fail(session, job, error, token, clock(), report)

    def _deliver(
        self, session: Session, job: Job, channel: Channel, token: str, clock: _Clock
    ) -> None:
        with session.begin():
            language = name_language(job.channel)
            document = (
                build_digest(session, job.entries, job.key, language)
                if job.digest
                else build(session, job.entries[0], job.key, language, job.added)
            )
        targets = channel.targets()
        if not targets:
            raise DeliveryError("the channel has no targets configured", permanent=True)
        delivered = set(job.entries[0].payload.get("delivered", []))
        for index in range(len(targets)):
            if index in delivered:
                continue
            with session.begin():
                if not outbox.renew(session, job.entries, token, clock()):
                    raise _ClaimLost
            channel.send(document, channel.target_key(job.key, index), index)
            delivered.add(index)
            changes = {"delivered": sorted(delivered)}
            with session.begin():
                if len(delivered) < len(targets):
                    outbox.save_payload(session, job.entries, token, changes)
                else:
                    outbox.mark_sent(
                        session, job.entries, token, clock(), {**changes, "sent": document}
                    )

    def _fail(
        self,
        session: Session,
        job: Job,
        error: DeliveryError,
        token: str,
        now: datetime,
        report: DispatchReport,
    ) -> None:
        report.errors.append(f"{job.key}: {error}")
        session.rollback()
        settings = self.config.notify
        attempts = job.entries[0].attempts + 1
        delay = outbox.backoff(settings, attempts, self.rng, error.retry_after)
        with session.begin():
            for entry in job.entries:
                dead = error.permanent or outbox.given_up(settings, entry, now)
                outbox.mark_failed(session, entry, token, str(error), None if dead else now + delay)
                if dead:
                    report.dead += 1
                    self._alert_dead(session, entry, str(error))
                else:
                    report.retrying += 1

    def _alert_dead(self, session: Session, entry: Outbox, error: str) -> None:
        if entry.event_type == "health":
            log.error("admin alert %s is dead: %s", entry.delivery_key, error)
            return
        raise_admin_alert(
            session,
            f"dead:{entry.delivery_key}",
            f"notification to {entry.channel} failed for good",
            f"Outbox entry {entry.id} ({entry.event_type}, key {entry.delivery_key}) to channel "
            f"{entry.channel} was given up after {entry.attempts + 1} attempt(s).\n"
            f"Last error: {error}\nRe-queue it with: akimwatch outbox retry {entry.id}",
        )


class _ClaimLost(Exception):
    """Another dispatcher took the entry back (our claim outlived its lease)."""


def _clock_from(now: datetime) -> _Clock:
    """A clock starting at ``now`` (possibly simulated) and advancing in real time."""
    start = time.monotonic()
    return lambda: now + timedelta(seconds=time.monotonic() - start)
