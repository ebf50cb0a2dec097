# parrotwatch API. Data and models live in volumes; the container trains nothing by itself. The models volume starts
# with the committed default model (models/default-*, named by models/ACTIVE).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PARROTWATCH_DATA_DIR=/data \
    PARROTWATCH_MODELS_DIR=/models \
    PARROTWATCH_HOST=0.0.0.0 \
    PARROTWATCH_PORT=8000

WORKDIR /app
COPY pyproject.toml README.md ./
COPY detector ./detector
COPY ingest ./ingest
COPY training ./training
COPY service ./service
RUN pip install --no-cache-dir . \
    && python -c "from detector.compiled import compile_kernels; compile_kernels()" \
    && useradd --create-home --uid 10001 parrotwatch \
    && mkdir -p /data /models \
    && chown parrotwatch:parrotwatch /data /models
COPY --chown=10001:10001 models /models

USER 10001:10001
VOLUME ["/data", "/models"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"]
CMD ["parrotwatch", "serve"]
