# SoulSpot: one container running the web server and the background worker.
#   docker build -t soulspot .
#   docker run -p 8000:8000 -v soulspot-data:/data -v /path/to/music:/music soulspot
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    SOULSPOT_DATA_DIR=/data \
    SOULSPOT_MUSIC_DIR=/music \
    SOULSPOT_HOST=0.0.0.0 \
    SOULSPOT_PORT=8000

# flac + ffmpeg power the optional deep integrity check of audio files.
RUN apt-get update \
    && apt-get install -y --no-install-recommends flac ffmpeg \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 soulspot \
    && mkdir -p /data /music \
    && chown soulspot:soulspot /data /music

WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install --upgrade pip && pip install .
# The apps, manage.py and fakes/ (which `manage.py demo` runs); tests/ stays out through
# .dockerignore.
COPY --chown=soulspot:soulspot . .

USER soulspot
VOLUME ["/data", "/music"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/api/health', timeout=4).status != 200)"
CMD ["python", "manage.py", "serve"]
