# Vertaisbotti service image: `python -m bot`, every setting from the environment (see .env.example).
#
#   docker build -t vertaisbotti .            (or: podman build --format docker -t vertaisbotti .)
#   docker run -p 3978:3978 --env-file .env -v vertaisbotti-var:/app/var vertaisbotti
#
# BASE_IMAGE must be a Debian-based image with Python 3.11-3.13 as `python3` and its venv module. The default
# is the official slim image; a machine without an image registry passes a local one instead (`make image`
# debootstraps one; see the README's "The container image").
ARG BASE_IMAGE=python:3.11-slim-bookworm

# checkov:skip=CKV_DOCKER_7:the base is the build argument BASE_IMAGE, whose default above has a version tag
FROM ${BASE_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1
WORKDIR /src
# The runtime dependencies first (their ranges come from pyproject.toml), so a code change reuses this layer.
COPY pyproject.toml ./
RUN python3 -m venv /opt/venv \
 && python3 -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]))' > requirements.txt \
 && /opt/venv/bin/pip install --no-cache-dir --requirement requirements.txt \
 && /opt/venv/bin/python -m compileall -q /opt/venv

FROM ${BASE_IMAGE} AS runtime
ARG REVISION=unknown
LABEL org.opencontainers.image.title="Vertaisbotti" \
      org.opencontainers.image.description="Microsoft Teams bot for the peer networks of education providers" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.revision="${REVISION}"
# The service runs as an unprivileged user that owns nothing but var/ (the SQLite file, the Graph sandbox's
# files and, without POLL_SECRET, the poll key).
RUN useradd --uid 10001 --user-group --home-dir /app --no-create-home --shell /usr/sbin/nologin vertaisbotti \
 && mkdir -p /app/var \
 && chown vertaisbotti:vertaisbotti /app/var
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY pyproject.toml ./
COPY config ./config
COPY core ./core
COPY store ./store
COPY graph ./graph
COPY cards ./cards
COPY bot ./bot
RUN /opt/venv/bin/python -m compileall -q /app
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HOST=0.0.0.0 \
    PORT=3978 \
    VAR_DIR=/app/var \
    BUILD_REVISION=${REVISION}
VOLUME ["/app/var"]
USER 10001:10001
EXPOSE 3978
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["python", "-m", "bot.healthcheck"]
# The exec form makes the service PID 1, so the runtime's SIGTERM reaches it: aiohttp then finishes requests
# in flight, stops the outbox worker and closes the database before exiting 0.
STOPSIGNAL SIGTERM
CMD ["python", "-m", "bot"]
