"""Prometheus metrics of one app: request latency by route, scores by band, job queue depth, X API use and spend.

Each app gets its own ``CollectorRegistry`` (not the process-global one), so tests can build many apps.
"""

from __future__ import annotations

from collections.abc import Callable

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

__all__ = ["CONTENT_TYPE_LATEST", "Metrics"]


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.request_duration = Histogram(
            "parrotwatch_request_duration_seconds",
            "HTTP request latency by route template",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.scores = Counter("parrotwatch_scores", "Accounts scored, by band", ["band"], registry=self.registry)
        self.job_queue_depth = Gauge(
            "parrotwatch_job_queue_depth", "Handles still pending in queued or running jobs", registry=self.registry
        )
        self.x_api_calls = Counter(
            "parrotwatch_x_api_calls", "HTTP responses received from the X API", registry=self.registry
        )
        self.keyless_refusals_unaudited = Counter(
            "parrotwatch_keyless_refusals_unaudited",
            "Requests refused for want of a key beyond the audit budget of their client address (logged only)",
            registry=self.registry,
        )
        self.x_spend_usd = Counter(
            "parrotwatch_x_spend_usd", "US dollars spent on X API reads, at the set prices", registry=self.registry
        )
        self.x_users_read = Counter("parrotwatch_x_users_read", "User objects read from X", registry=self.registry)
        self.x_posts_read = Counter("parrotwatch_x_posts_read", "Posts read from X", registry=self.registry)
        self.x_rate_limit_waits = Counter(
            "parrotwatch_x_rate_limit_waits", "Waits for an X API rate-limit reset", registry=self.registry
        )
        self.x_rate_limit_wait_seconds = Counter(
            "parrotwatch_x_rate_limit_wait_seconds",
            "Seconds spent waiting for X API rate-limit resets",
            registry=self.registry,
        )

    def record_x_spend(self, *, users: int, posts: int, usd: float) -> None:
        self.x_spend_usd.inc(usd)
        self.x_users_read.inc(users)
        self.x_posts_read.inc(posts)

    def observe_queue_depth(self, read_depth: Callable[[], float]) -> None:
        """Read the queue depth from the database when scraped, so it is right after a restart too."""
        self.job_queue_depth.set_function(read_depth)

    def count_scores(self, bands: list[str]) -> None:
        for band in bands:
            self.scores.labels(band=band).inc()

    def record_rate_limit_wait(self, seconds: float) -> None:
        self.x_rate_limit_waits.inc()
        self.x_rate_limit_wait_seconds.inc(seconds)

    def render(self) -> bytes:
        return generate_latest(self.registry)
