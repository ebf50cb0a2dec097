"""The one configuration object, read from ``PARROTWATCH_*`` environment variables by the entry points only."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from detector.false_discovery import DEFAULT_MAX_FDR
from ingest.store import StoreLimits
from ingest.x_cost import XPrices
from service.db.retention import RetentionPolicy

__all__ = ["Settings"]


class Settings(BaseSettings):
    """Where data and models live, how to serve, and how to reach X.

    Defaults make ``make run`` work from the repository root: data in ``./var``, models in ``./models``.
    """

    model_config = SettingsConfigDict(env_prefix="PARROTWATCH_", extra="ignore")

    data_dir: Path = Field(default=Path("var"), description="Database, caches and demo data.")
    models_dir: Path = Field(default=Path("models"), description="The model registry.")
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    database_url: str | None = Field(default=None, description="SQLAlchemy URL; SQLite under data_dir when unset.")
    db_busy_timeout_s: float = Field(
        default=5.0, gt=0, description="How long a SQLite write waits for another writer's lock before it is retried."
    )
    job_record_retry_s: float = Field(
        default=60.0,
        ge=0,
        description="How long a job worker keeps retrying to record a scored batch while the "
        "database is busy; after that the batch stays pending and is scored again later.",
    )
    x_bearer_token: SecretStr | None = Field(default=None, description="X API v2 bearer token (app-only auth).")
    x_max_posts: int = Field(default=200, ge=1, le=3200, description="Recent posts fetched per account from X.")
    x_max_wait_s: float = Field(
        default=0.0, ge=0, description="Longest wait for an X rate-limit reset; longer waits report rate_limited."
    )
    x_retries: int = Field(
        default=3, ge=0, le=10, description="Retries of an X call that failed with a 5xx, a timeout or a network error."
    )
    x_backoff_s: float = Field(
        default=1.0, gt=0, description="Wait before the first retry of a failed X call; doubles each retry (+jitter)."
    )
    x_timeout_s: float = Field(default=10.0, gt=0, description="Deadline of each HTTP request to X (connect, read).")
    x_cache_max_age_s: float = Field(
        default=86_400.0,
        ge=0,
        description="Refetch accounts fetched live (X, Bluesky, Mastodon, Telegram, Reddit) older than this.",
    )
    bluesky_live: bool = Field(
        default=True, description="Fetch Bluesky handles the store lacks from the public AppView (free, no login)."
    )
    bluesky_appview_url: str = Field(
        default="https://public.api.bsky.app", description="The Bluesky AppView read without credentials."
    )
    mastodon_live: bool = Field(
        default=True, description="Fetch Mastodon handles (user@instance) the store lacks from their instance."
    )
    live_max_posts: int = Field(
        default=200, ge=1, le=3200, description="Recent posts fetched per account from Bluesky, Mastodon and Telegram."
    )
    # Telegram and Reddit are read live only when all three of their settings are set.
    telegram_api_id: int | None = Field(default=None, description="Telegram app's api_id (my.telegram.org).")
    telegram_api_hash: SecretStr | None = Field(default=None, description="Telegram app's api_hash.")
    telegram_session: SecretStr | None = Field(default=None, description="A signed-in Telethon StringSession string.")
    reddit_client_id: str | None = Field(default=None, description="Reddit app's client id (reddit.com/prefs/apps).")
    reddit_client_secret: SecretStr | None = Field(default=None, description="Reddit app's secret.")
    reddit_user_agent: str | None = Field(default=None, description="Says who asks (e.g. 'parrotwatch/1.0 by u/you').")
    x_price_per_post_usd: float = Field(
        default=0.005, ge=0, description="What X charges per post read (pay per use; check the Developer Console)."
    )
    x_price_per_user_usd: float = Field(default=0.01, ge=0, description="What X charges per user object read.")
    x_job_budget_usd: float | None = Field(
        default=None,
        ge=0,
        description="Most a job may spend on X reads (a job's own budget_usd overrides it); a job whose next read "
        "would pass it pauses (state paused, reason budget). None: no cap.",
    )
    x_monthly_budget_usd: float | None = Field(
        default=None,
        ge=0,
        description="Most this service may spend on X reads in a calendar month (UTC), jobs and requests together; "
        "a read that would pass it is not made. None: no cap.",
    )
    catalog_file: Path | None = Field(
        default=None,
        description="Talking-point catalog: a YAML file, or a folder laid out as the bundled one; the bundled one when "
        "unset.",
    )
    declared_accounts_file: Path | None = Field(
        default=None, description="Declared state accounts YAML; the bundled list when unset."
    )
    max_handles_per_request: int = Field(default=100, ge=1)
    coordination_max_posts: int = Field(
        default=2_000_000,
        ge=1,
        description="Newest posts the coordination index loads at start (memory: ~200 B each, ~720 B with a "
        "sentence vector).",
    )
    coordination_semantic: bool = Field(
        default=True,
        description="Link paraphrased and translated posts too (multilingual sentence vectors, ~512 B more a post); "
        "off, or without the encoder, the other coordination links work as before.",
    )
    coordination_fdr: float = Field(
        default=DEFAULT_MAX_FDR,
        gt=0,
        le=1,
        description="False-discovery rate (Benjamini-Hochberg) under which coordinated account pairs count in the "
        "features of models trained from now on; a model keeps the rate it was trained with.",
    )
    score_memo_size: int = Field(
        default=10_000,
        ge=0,
        description="Scores remembered by their exact inputs (model, account, coordination index); 0 disables.",
    )
    key_cache_s: float = Field(
        default=5.0,
        ge=0,
        description="Seconds a verified API key skips the database lookup; a key revoked by another process (the "
        "CLI) stops working within this time, one revoked through this API at once. 0 disables.",
    )
    account_cache_size: int = Field(
        default=2_000,
        ge=0,
        description="Accounts the service keeps assembled in memory, each until the store changes it; 0 disables.",
    )
    max_handles_per_job: int = Field(default=100_000, ge=1)
    max_posts_per_account: int = Field(
        default=3200,
        ge=1,
        description="Newest posts of an account that scoring and training read (X's timelines reach 3,200); the "
        "store keeps them all.",
    )
    max_post_chars: int = Field(
        default=25_000,
        ge=1,
        description="Longest post text an import accepts (X's longest posts have 25,000 characters); a longer one "
        "is a skipped row (fatal with --strict).",
    )
    max_body_bytes: int = Field(
        default=8 * 1024 * 1024, ge=1024, description="Largest request body accepted (a 100,000-handle CSV fits)."
    )
    admin_key: SecretStr | None = Field(
        default=None, description="An API key given the admin role at start (stored hashed), for scripts and make run."
    )
    metrics_public: bool = Field(
        default=False,
        description="Serve /metrics without a key (for a Prometheus on a trusted network); by default it needs an "
        "admin key, since route latencies and job counts tell an outsider how the service is used.",
    )
    rate_limit_per_minute: int = Field(
        default=600, ge=1, description="Requests per minute per API key (token bucket; bursts up to the same number)."
    )
    audit_keyless_refusals_per_minute: int = Field(
        default=60,
        ge=1,
        description="Audit rows per minute per client address for requests refused for want of a valid key (401); "
        "beyond it they are logged and counted, not stored, so that no one without a key can grow the database.",
    )
    job_workers: int = Field(default=2, ge=1, le=32, description="Threads scoring batch jobs.")
    blas_threads: int = Field(
        default=1,
        ge=1,
        le=64,
        description="BLAS/OpenMP threads of the server process. One: a request's matrix products are small, and a "
        "second BLAS thread mostly spins, costing a fresh score 2-10x its CPU on two cores "
        "(bench/results/api-latency.md).",
    )
    job_batch_size: int = Field(
        default=20, ge=1, le=1000, description="Accounts a job worker scores and commits in one transaction."
    )
    dask_scheduler: str | None = Field(
        default=None,
        description="Dask scheduler address (tcp://host:8786) for --dask; a LocalCluster when unset and asked for.",
    )
    dask_workers: int = Field(default=2, ge=1, description="Worker processes of a LocalCluster started by --dask.")
    promotion_tolerance: float = Field(
        default=0.02, ge=0, le=1, description="How much lower a candidate's PR-AUC may be than the active model's."
    )
    labels_dir: Path | None = Field(
        default=None, description="Folder of labels CSVs that `retrain` reads; data_dir/labels when unset."
    )
    cache_dir: Path | None = Field(
        default=None,
        description="Files that can be rebuilt, such as numba's compiled kernels (in cache_dir/numba); data_dir/cache "
        "when unset. Taken from the environment when the detector is first imported (detector/kernel_cache.py), so "
        "set it as PARROTWATCH_CACHE_DIR, not in code.",
    )
    # Retention (``parrotwatch db prune``, and the server every ``prune_interval_s``); 0 days keeps those rows forever.
    score_retention_days: float = Field(
        default=90.0, ge=0, description="Days a superseded score is kept after it was last served (see README)."
    )
    audit_retention_days: float = Field(default=90.0, ge=0, description="Days an audit row is kept.")
    job_retention_days: float = Field(default=30.0, ge=0, description="Days a finished job and its items are kept.")
    prune_interval_s: float = Field(default=3600.0, ge=0, description="Seconds between the server's prunes; 0: none.")
    log_level: str = "INFO"
    log_json: bool = Field(default=True, description="Structured JSON log lines (set false for plain text).")

    @property
    def x_prices(self) -> XPrices:
        return XPrices(per_post_usd=self.x_price_per_post_usd, per_user_usd=self.x_price_per_user_usd)

    @property
    def store_limits(self) -> StoreLimits:
        return StoreLimits(max_posts_per_account=self.max_posts_per_account, max_post_chars=self.max_post_chars)

    @property
    def retention(self) -> RetentionPolicy:
        return RetentionPolicy(
            score_days=self.score_retention_days,
            audit_days=self.audit_retention_days,
            job_days=self.job_retention_days,
        )

    @property
    def demo_dir(self) -> Path:
        return self.data_dir / "demo"

    @property
    def resolved_labels_dir(self) -> Path:
        return self.labels_dir or self.data_dir / "labels"

    @property
    def resolved_cache_dir(self) -> Path:
        return self.cache_dir or self.data_dir / "cache"

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'parrotwatch.db').as_posix()}"
