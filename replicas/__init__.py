"""Local replicas of the source sites, served over real HTTP on 127.0.0.1 (tests and the demo)."""

from replicas.server import ReplicaServer, Reply, Site

__all__ = ["ReplicaServer", "Reply", "Site"]
