# 质量争议处理服务 Quality Disputes — one image for web, worker and migrate (compose.yaml picks the command).
#
# Every dependency ships a manylinux wheel for CPython 3.11 on x86-64, so no compiler is installed.
# pgserver (the embedded PostgreSQL used only in development) has no aarch64 wheel and no source
# distribution, so the image builds for linux/amd64 only (compose.yaml says so; on an arm64 host
# Docker runs it under emulation).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

WORKDIR /app

# Dependencies first, in their own layer: a code change does not reinstall them.
COPY pyproject.toml requirements.lock ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install --no-cache-dir -c requirements.lock -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# The project, installed editable: service/settings.py finds templates/ and migrations/ next to the
# `service` package (ROOT = /app), which a regular install into site-packages would leave behind.
COPY . /app
RUN pip install --no-cache-dir --no-deps -e . \
    && useradd --system --uid 10001 --user-group --home-dir /app --no-create-home app \
    && mkdir -p /data \
    && chown app:app /data

# Evidence files (/data/evidence), shared by every web and worker container through one volume.
# The folder is created owned by `app`, so a new named volume mounted here starts out writable.
ENV DISPUTES_DATA_DIR=/data \
    HOST=0.0.0.0 \
    PORT=8000
VOLUME /data

USER app
EXPOSE 8000

# No curl in the slim image: ask /health (PostgreSQL and Redis both answering) with Python.
# compose.yaml turns this off for the worker and migrate containers, which serve no HTTP.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import os, sys, urllib.request; url = 'http://127.0.0.1:%s/health' % os.environ.get('PORT', '8000'); sys.exit(0 if urllib.request.urlopen(url, timeout=3).status == 200 else 1)"

CMD ["disputes", "serve"]
