# parrotwatch API. Data and models live in volumes; the container trains nothing by itself. The models volume starts
# with the committed default model (models/default-*, named by models/ACTIVE). numba's kernels are compiled at build
# into /cache (PARROTWATCH_CACHE_DIR), owned by the runtime user: not into the installed package, and not under the
# /data volume, whose mount would hide them. `python -P` compiles the installed package's kernels, not those of the
# source copy in /app: numba keys its cache by the source file's path.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PARROTWATCH_DATA_DIR=/data \
    PARROTWATCH_MODELS_DIR=/models \
    PARROTWATCH_CACHE_DIR=/cache \
    PARROTWATCH_HOST=0.0.0.0 \
    PARROTWATCH_PORT=8000

WORKDIR /app
COPY pyproject.toml README.md ./
COPY detector ./detector
COPY ingest ./ingest
COPY training ./training
COPY service ./service
RUN pip install --no-cache-dir . \
    && python -P -c "from detector.compiled import compile_kernels; compile_kernels()" \
    && useradd --create-home --uid 10001 parrotwatch \
    && mkdir -p /data /models /cache \
    && chown parrotwatch:parrotwatch /data /models \
    && chown -R parrotwatch:parrotwatch /cache
COPY --chown=10001:10001 models /models

USER 10001:10001
VOLUME ["/data", "/models"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"]
CMD ["parrotwatch", "serve"]
