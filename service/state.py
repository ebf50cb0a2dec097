"""What the running service holds: settings, the database, the model registry, the active model, the account store
and resolver, metrics and the per-key rate limiter.

Built in ``lifespan`` and kept on ``app.state``; swapping the model is one assignment, so a request that already
took the old model finishes with it.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

from pydantic import SecretStr
from sqlalchemy import Engine

from detector.coordination import CoordinationIndex, CoordinationParams
from detector.declared import DeclaredStateAccounts, load_declared_accounts
from detector.embeddings import load_embedder
from detector.errors import DetectorError, EmbedderUnavailableError, ModelNotFoundError
from detector.registry import LoadedModel, ModelRegistry
from detector.semantic_links import SemanticEncoder
from ingest.database import open_database
from ingest.resolve import AccountResolver
from ingest.sources.base import Source
from ingest.store import AccountStore
from service.catalog_overlay import CatalogOverlay
from service.config import Settings
from service.db.api_keys import KeyCache, ensure_key
from service.db.coordination import RowPersister, load_table, resign_stored_rows, save_table
from service.db.jobs import pending_count
from service.metrics import Metrics
from service.rate_limit import RateLimiter
from service.score_memo import ScoreMemo
from service.x_budget import XSpendLedger

__all__ = [
    "SemanticPass",
    "ServiceState",
    "build_resolver",
    "build_state",
    "live_sources",
    "semantic_pass",
    "warm_coordination_index",
]

logger = logging.getLogger(__name__)


@dataclass
class ServiceState:
    settings: Settings
    registry: ModelRegistry
    model: LoadedModel | None
    model_error: DetectorError | None
    store: AccountStore
    resolver: AccountResolver
    declared: DeclaredStateAccounts
    coordination: CoordinationIndex
    engine: Engine
    metrics: Metrics
    rate_limiter: RateLimiter
    keyless_refusal_audit: RateLimiter  # budgets audit rows of 401s per client address
    x_spend: XSpendLedger
    score_memo: ScoreMemo = field(default_factory=lambda: ScoreMemo(0))
    key_cache: KeyCache = field(default_factory=lambda: KeyCache(0))
    overlay: CatalogOverlay | None = None  # accepted talking points laid over the model's catalog
    semantic_problem: str | None = None  # why semantic coordination links are off although the settings ask for them
    _swap_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _refused_version: str | None = None

    def current_model(self) -> LoadedModel | None:
        """The model serving now when the registry's ACTIVE pointer still names it, else ``None`` (then call
        ``require_model``, which may load from disk). Reads only the pointer file: cheap enough for the event loop."""
        current = self.model
        if current is not None and self.registry.active_version() in (current.version, None, self._refused_version):
            return self.overlay.fresh(current) if self.overlay is not None else current
        return None

    def require_model(self) -> LoadedModel:
        """The active model, following the registry's ACTIVE pointer without a restart.

        A changed pointer loads the new version once and swaps it in with one assignment; requests that already hold
        the old model finish with it. A version that fails its integrity check is refused once and not retried, and
        the model already serving keeps serving. The model returned matches and records the accepted talking points
        laid over its catalog (``service.catalog_overlay``).
        """
        active = self.registry.active_version()
        current = self.model
        if active is not None and active != self._refused_version and (current is None or current.version != active):
            with self._swap_lock:
                if self.model is None or self.model.version != active:
                    try:
                        self.model = self.registry.load(active)
                        self.model_error = None
                        logger.info("model activated", extra={"model_version": active})
                    except DetectorError as exc:
                        self._refused_version = active
                        self.model_error = exc
                        logger.error("active model refused", extra={"model_version": active, "error": str(exc)})
        if self.model is None:
            raise self.model_error or ModelNotFoundError(None)
        return self.overlay.apply(self.model) if self.overlay is not None else self.model


def live_sources(settings: Settings) -> list[Source]:
    """The live sources the settings turn on: Bluesky's public AppView and Mastodon instances (free), Telegram and
    Reddit when their credentials are all set (a source lacking one is off; the others work as before)."""
    sources: list[Source] = []
    if settings.bluesky_live:
        from ingest.sources.bluesky import BlueskySource

        sources.append(
            BlueskySource(
                base_url=settings.bluesky_appview_url, max_posts=settings.live_max_posts, timeout_s=settings.x_timeout_s
            )
        )
    if settings.mastodon_live:
        from ingest.sources.mastodon import MastodonSource

        sources.append(MastodonSource(max_posts=settings.live_max_posts, timeout_s=settings.x_timeout_s))
    telegram = (settings.telegram_api_id, _secret(settings.telegram_api_hash), _secret(settings.telegram_session))
    if all(telegram):
        from ingest.sources.telegram import TelegramSource

        sources.append(TelegramSource(*telegram, max_posts=settings.live_max_posts, timeout_s=settings.x_timeout_s))
    reddit = (settings.reddit_client_id, _secret(settings.reddit_client_secret), settings.reddit_user_agent)
    if all(reddit):
        from ingest.sources.reddit import RedditSource

        max_posts = min(settings.live_max_posts, RedditSource.max_depth)
        sources.append(RedditSource(*reddit, max_posts=max_posts, timeout_s=settings.x_timeout_s))
    return sources


def _secret(value: SecretStr | None) -> str | None:
    return value.get_secret_value() if value is not None else None


def build_resolver(settings: Settings, store: AccountStore, metrics: Metrics | None = None) -> AccountResolver:
    """The store, backed by the X API when a bearer token is configured (counted in ``metrics`` when given), and by
    the free sources the settings turn on (``live_sources``)."""
    x_source = None
    if settings.x_bearer_token is not None and settings.x_bearer_token.get_secret_value():
        from ingest.x_api import XApiSource

        x_source = XApiSource(
            settings.x_bearer_token.get_secret_value(),
            max_posts=settings.x_max_posts,
            max_wait_s=settings.x_max_wait_s,
            retries=settings.x_retries,
            backoff_s=settings.x_backoff_s,
            timeout_s=settings.x_timeout_s,
            on_response=metrics.x_api_calls.inc if metrics is not None else None,
            on_rate_limit_wait=metrics.record_rate_limit_wait if metrics is not None else None,
        )
    sources = {source.platform: source for source in live_sources(settings)}
    return AccountResolver(store, x_source, max_age_s=settings.x_cache_max_age_s, sources=sources)


@dataclass(frozen=True)
class SemanticPass:
    """The coordination index's sentence encoder, or why there is none although ``coordination_semantic`` asks for
    one (``/healthz`` reports it)."""

    encoder: SemanticEncoder | None = None
    problem: str | None = None


def semantic_pass(settings: Settings) -> SemanticPass:
    """The encoder, loaded now: a missing or altered one is reported here, once (a warning, and ``problem``), and
    leaves the other links working; nothing when ``coordination_semantic`` is off."""
    if not settings.coordination_semantic:
        return SemanticPass()
    try:
        return SemanticPass(SemanticEncoder(load_embedder("use-m3")))
    except EmbedderUnavailableError as exc:
        logger.warning(  # the reason in the line itself: the plain log format drops the extra fields
            "semantic coordination links off (the other links work): the sentence encoder cannot be loaded: %s",
            exc,
            extra={"error": str(exc)},
        )
        return SemanticPass(
            problem=f"semantic coordination links (paraphrase, translation) are off, the sentence encoder cannot be "
            f"loaded: {exc}. The other coordination links work; PARROTWATCH_COORDINATION_SEMANTIC=false runs "
            "without them on purpose."
        )


def warm_coordination_index(
    engine: Engine, store: AccountStore, settings: Settings, semantic: SemanticPass | None = None
) -> CoordinationIndex:
    """The index of posts seen so far, so that an account scored now links to accounts scored in earlier requests,
    before a restart included; with ``semantic``'s encoder (``semantic_pass(settings)`` when not given).

    Its rows are persisted as they are added (``coordination_posts``) and read back here, newest first up to
    ``coordination_max_posts``. A database whose posts predate that table is indexed from the stored posts once; rows
    stored before they kept word sets (migration 0013) are re-signed from the stored posts once.
    """
    started = time.perf_counter()
    params = CoordinationParams()
    index = CoordinationIndex(params, semantic=(semantic or semantic_pass(settings)).encoder)
    resigned, dropped = resign_stored_rows(engine, store, params)  # rows stored before 0013: once
    if resigned or dropped:
        logger.info("coordination rows re-signed by word sets", extra={"n_resigned": resigned, "n_dropped": dropped})
    stored = load_table(engine, params, max_posts=settings.coordination_max_posts)
    if index.semantic is None:
        stored.semantic = None  # vectors stored while the pass was on: not held in memory while it is off
    index.add_table(stored)
    source = "stored signatures"
    n_stored_posts = 0 if len(index) else store.count()[1]  # counting a large store is not free: only when empty
    if n_stored_posts:
        # Once per database: a minute or two for the demo's 108,000 posts on 2 cores with the semantic pass on.
        logger.info(
            "indexing the stored posts for coordination (first start: once per database)",
            extra={"n_posts": n_stored_posts, "semantic": index.semantic is not None},
        )
        index.add(store.iter_accounts(store.handles()))
        save_table(engine, index.table())
        source = "stored posts (first start with a persisted index)"
    index.on_add = RowPersister(engine)
    logger.info(
        "coordination index ready",
        extra={"n_posts": len(index), "source": source, "duration_ms": round((time.perf_counter() - started) * 1000)},
    )
    return index


def build_state(settings: Settings) -> ServiceState:
    """Migrate the database and load what can be loaded; a missing model is reported by health checks, not a crash
    at start. ``PARROTWATCH_ADMIN_KEY``, when set, is stored (hashed) as an admin key."""
    registry = ModelRegistry(settings.models_dir)
    model = model_error = None
    try:
        model = registry.load()
        logger.info("model loaded", extra={"model_version": model.version})
    except DetectorError as exc:
        model_error = exc
        logger.warning("no usable model", extra={"error": str(exc)})
    engine = open_database(settings.resolved_database_url, busy_timeout_s=settings.db_busy_timeout_s)
    if settings.admin_key is not None and settings.admin_key.get_secret_value():
        ensure_key(engine, settings.admin_key.get_secret_value(), name="bootstrap-admin", role="admin")
    store = AccountStore(engine, limits=settings.store_limits, cache_size=settings.account_cache_size)
    n_accounts, n_posts = store.count()
    logger.info("account store ready", extra={"n_accounts": n_accounts, "n_posts": n_posts})
    declared = load_declared_accounts(settings.declared_accounts_file)
    semantic = semantic_pass(settings)
    coordination = warm_coordination_index(engine, store, settings, semantic)
    metrics = Metrics()
    metrics.observe_queue_depth(lambda: pending_count(engine))
    state = ServiceState(
        settings=settings,
        registry=registry,
        model=model,
        model_error=model_error,
        store=store,
        resolver=build_resolver(settings, store, metrics),
        declared=declared,
        coordination=coordination,
        engine=engine,
        metrics=metrics,
        rate_limiter=RateLimiter(settings.rate_limit_per_minute),
        keyless_refusal_audit=RateLimiter(settings.audit_keyless_refusals_per_minute),
        x_spend=XSpendLedger(engine, settings.x_prices, monthly_cap_usd=settings.x_monthly_budget_usd, metrics=metrics),
        score_memo=ScoreMemo(settings.score_memo_size),
        key_cache=KeyCache(settings.key_cache_s),
        overlay=CatalogOverlay(engine),
        semantic_problem=semantic.problem,
    )
    if model is None and model_error is not None:
        state._refused_version = registry.active_version()
    return state
