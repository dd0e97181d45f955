"""The Scrapyd crawl launcher: each crawl is a job on one of the ``[[crawl.nodes]]``, with the
contract of :class:`scheduler.launcher.CrawlLauncher`.

A crawl is scheduled (``schedule.json``, its job id the launch id) on the next node in turn; a
node that does not answer is skipped for the one after it. The job is followed
(``status.json``, else ``listjobs.json``) until it finishes; a node that stops answering for
``lost_after`` seconds while the job runs is lost: the run is closed as killed ("node X lost")
and the crawl starts again on the next node, under a new launch id. The hard timeout cancels
the job (``cancel.json``, SIGTERM), then after the grace period kills it (``signal=KILL``).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import Engine

from core.config import Config
from core.sections import NodeConfig
from scheduler.launcher import (
    CrawlOutcome,
    LauncherClosed,
    close_lost_runs,
    new_launch_id,
    record_run,
)

logger = logging.getLogger(__name__)
TIMEOUT = 5.0  # seconds for one request to a node
SCHEDULE_TIMEOUT = 30.0  # the first schedule of a version runs ``scrapy list`` on the node
LOST_POLLS = 3  # failed polls in a row, and at least ``lost_after`` seconds, make a node lost
NO_NODE = "no Scrapyd node answered"
KILLED_BY_LENGTH = 64  # crawl_runs.killed_by


class ScrapydError(RuntimeError):
    """A node answered ``status: error`` (its message)."""


@contextmanager
def node_client(node: NodeConfig, timeout: float = TIMEOUT) -> Iterator[httpx.Client]:
    """An HTTP client for one node (basic auth when it has credentials)."""
    credentials = node.auth()
    auth = httpx.BasicAuth(*credentials) if credentials else None
    with httpx.Client(base_url=node.url, auth=auth, timeout=timeout) as client:
        yield client


def answer(response: httpx.Response) -> dict[str, Any]:
    """A node's JSON answer; HTTPStatusError on an HTTP error, ScrapydError on ``error``."""
    response.raise_for_status()
    data = response.json()
    if not isinstance(data, dict):
        raise ScrapydError(f"not a JSON object: {type(data).__name__}")
    if data.get("status") != "ok":
        raise ScrapydError(str(data.get("message") or data))
    return data


def describe(exc: Exception) -> str:
    """One line about a failed request, without URLs' credentials or request data."""
    if isinstance(exc, httpx.HTTPStatusError):
        return f"HTTP {exc.response.status_code}"
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    if isinstance(exc, httpx.TransportError):
        return f"cannot connect ({type(exc).__name__})"
    lines = str(exc).strip().splitlines()
    return lines[-1] if lines else type(exc).__name__


@dataclass
class Job:
    """One crawl's current job on a node."""

    source: str
    args: dict[str, str]  # the spider arguments, without the launch id
    node: int  # index in the launcher's nodes
    launch_id: str
    started: float = field(default_factory=time.monotonic)  # this job's own start
    moves: int = 0


class ScrapydLauncher:
    """Runs crawls as Scrapyd jobs spread over the configured nodes; ``close`` cancels them."""

    def __init__(
        self,
        engine: Engine,
        config: Config,
        timeout: float,
        grace: float = 10,
        *,
        poll: float = 1.0,
        lost_after: float = 10.0,
    ) -> None:
        self.engine = engine
        self.nodes = list(config.crawl.nodes)
        self.project = config.crawl.project
        self.database_url = config.database_url
        self.host_overrides = dict(config.crawl.host_overrides)
        self.timeout = timeout
        self.grace = grace
        self.poll = poll
        self.lost_after = lost_after
        self.closed = False
        self.running: dict[str, Job] = {}  # by launch id
        self._turn = 0
        self._lock = threading.Lock()

    def run(self, source: str, args: Mapping[str, str] | None = None) -> CrawlOutcome:
        """Run one crawl to its end, on whichever node takes it."""
        started = time.monotonic()
        job = self.start(source, args)
        if job is None:
            return self._outcome(source, started, None, NO_NODE)
        return self.follow(job, started)

    def run_all(
        self, sources: Sequence[str], args: Mapping[str, str] | None = None, parallel: int = 2
    ) -> list[CrawlOutcome]:
        """Run crawls, ``parallel`` at a time, in the order of ``sources``."""
        with ThreadPoolExecutor(max(1, parallel), thread_name_prefix="scrapyd") as pool:
            return list(pool.map(lambda source: self.run(source, args), sources))

    def start(
        self, source: str, args: Mapping[str, str] | None = None, after: int | None = None
    ) -> Job | None:
        """Schedule a crawl on the next node that takes it (the one after node ``after`` when
        given); None when none does."""
        with self._lock:
            if self.closed:
                raise LauncherClosed(f"not starting {source}: shutting down")
            first = self._turn if after is None else after + 1
            self._turn = first + 1
        plain = {k: v for k, v in (args or {}).items() if k != "launch_id"}
        for step in range(len(self.nodes)):
            index = (first + step) % len(self.nodes)
            launch_id = new_launch_id()
            if self._schedule(self.nodes[index], source, {**plain, "launch_id": launch_id}):
                job = Job(source, plain, index, launch_id)
                with self._lock:
                    self.running[launch_id] = job
                    closing = self.closed
                if closing:  # close() ran while the job was being scheduled: it missed it
                    self._cancel(job, "KILL")
                return job
        logger.error("%s: %s; not crawled", source, NO_NODE)
        return None

    def follow(self, job: Job, started: float) -> CrawlOutcome:
        """Wait for a job to finish (moving it when its node is lost, cancelling it at the
        timeout); the outcome of the crawl."""
        while True:
            state = self._wait(job)
            with self._lock:
                self.running.pop(job.launch_id, None)
            if state != "lost":
                killed_by = "timeout" if state == "timeout" else None
                if killed_by is None and self.closed:
                    killed_by = "shutdown"  # recorded only when the run has no end
                return self._outcome(job.source, started, job, killed_by)
            node = self.nodes[job.node].label
            lost = f"node {node} lost"[:KILLED_BY_LENGTH]
            record_run(self.engine, job.source, job.launch_id, lost, create=False)
            if self.closed or job.moves >= len(self.nodes):
                return self._outcome(job.source, started, job, lost)
            logger.warning("%s: node %s lost; moving the crawl to the next node", job.source, node)
            moved = self.start(job.source, job.args, after=job.node)
            if moved is None:
                return self._outcome(job.source, started, job, lost)
            moved.moves = job.moves + 1
            job = moved

    def close(self) -> None:
        """Start no more crawls; cancel the running ones (SIGTERM, the grace period, SIGKILL)."""
        with self._lock:
            self.closed = True
            jobs = list(self.running.values())
        for job in jobs:
            self._cancel(job, "TERM")
        deadline = time.monotonic() + self.grace
        for job in jobs:
            self._kill_unless_ended(job, deadline)

    def close_lost_runs(self) -> int:
        """End the runs that never finished and started longer ago than any crawl may last."""
        return close_lost_runs(self.engine, self.timeout, self.grace)

    def _wait(self, job: Job) -> str:
        """Poll until the job ends: "finished", "timeout" or "lost"."""
        answered, failures = time.monotonic(), 0
        while True:
            if time.monotonic() - job.started > self.timeout:
                self._stop(job)
                return "timeout"
            state = self._state(job)
            if state == "finished" or (state is None and self.closed):  # cancelled while pending
                return "finished"
            if state in ("pending", "running"):
                answered, failures = time.monotonic(), 0
            else:
                failures += 1
                if failures >= LOST_POLLS and time.monotonic() - answered >= self.lost_after:
                    return "lost"
            time.sleep(self.poll)

    def _stop(self, job: Job) -> None:
        """The hard timeout: cancel (SIGTERM), wait the grace period, cancel with SIGKILL."""
        logger.warning("%s: timeout on node %s; cancelling", job.source, self.nodes[job.node].label)
        self._cancel(job, "TERM")
        self._kill_unless_ended(job, time.monotonic() + self.grace)

    def _kill_unless_ended(self, job: Job, deadline: float) -> None:
        """Wait for a cancelled job to end until ``deadline``; then cancel it with SIGKILL."""
        while self._state(job) not in ("finished", None):
            if time.monotonic() >= deadline:
                self._cancel(job, "KILL")
                return
            time.sleep(min(self.poll, 0.5))

    def _schedule(self, node: NodeConfig, source: str, args: dict[str, str]) -> bool:
        settings = [f"{name}={value}" for name, value in self._settings(node).items()]
        data = {"project": self.project, "spider": source, "jobid": args["launch_id"], **args,
                "node": node.label, "setting": settings}  # fmt: skip
        try:
            with node_client(node, SCHEDULE_TIMEOUT) as client:
                answer(client.post("schedule.json", data=data))
        except (httpx.HTTPError, ScrapydError, ValueError, OSError) as exc:
            logger.warning("node %s: cannot schedule %s: %s", node.label, source, describe(exc))
            return False
        logger.info("%s: scheduled on node %s as %s", source, node.label, args["launch_id"])
        return True

    def _settings(self, node: NodeConfig) -> dict[str, str]:
        own = node.database_url.get_secret_value() if node.database_url else None
        settings = {"AKIMWATCH_DATABASE_URL": own or self.database_url}
        if self.host_overrides:
            settings["HOST_OVERRIDES"] = json.dumps(self.host_overrides)
        return settings

    def _state(self, job: Job) -> str | None:
        """pending, running or finished; None when the node does not answer or knows no such
        job."""
        node = self.nodes[job.node]
        try:
            with node_client(node) as client:
                reply = client.get("status.json", params={"job": job.launch_id})
                if reply.status_code == httpx.codes.NOT_FOUND:  # before Scrapyd 1.5
                    return _listed_state(answer(client.get("listjobs.json")), job.launch_id)
                state: str | None = answer(reply).get("currstate")
                return state
        except (httpx.HTTPError, ScrapydError, ValueError, OSError) as exc:
            logger.debug("node %s: no status of %s: %s", node.label, job.launch_id, describe(exc))
            return None

    def _cancel(self, job: Job, signal: str) -> None:
        node = self.nodes[job.node]
        data = {"project": self.project, "job": job.launch_id, "signal": signal}
        try:
            with node_client(node) as client:
                answer(client.post("cancel.json", data=data))
        except (httpx.HTTPError, ScrapydError, ValueError, OSError) as exc:
            logger.warning("node %s: cannot cancel %s: %s", node.label, job.source, describe(exc))

    def _outcome(
        self, source: str, started: float, job: Job | None, killed_by: str | None
    ) -> CrawlOutcome:
        """The crawl's outcome from its run (closed as killed when ``killed_by``)."""
        launch_id = job.launch_id if job else new_launch_id()
        run = record_run(self.engine, source, launch_id, killed_by)
        node = self.nodes[job.node].label if job else None
        finished = job is not None and killed_by is None and run is not None
        returncode = 0 if finished else None
        return CrawlOutcome(source, returncode, time.monotonic() - started, killed_by, run, node)


def _listed_state(listed: dict[str, Any], job_id: str) -> str | None:
    for state in ("pending", "running", "finished"):
        entries = listed.get(state) or ()
        if any(isinstance(e, dict) and e.get("id") == job_id for e in entries):
            return state
    return None
