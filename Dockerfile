# Caseline's image: web (gunicorn), worker and beat (Celery) and the one-shot migrate all run it.
# See docker-compose.yml; every setting comes from the environment (see .env.example).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# A serif font with every Latin letter for the violation report PDFs (names such as Nguyễn, Łukasz).
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

# A non-root user runs everything; it owns only var/ (the embedded-mode folder settings.py creates, and
# var/audit-archive/, where compose mounts the volume that manage.py audit_archive writes to, and
# var/private-media/, the photos of people: PRIVATE_MEDIA_ROOT, a volume in compose).
RUN groupadd --system caseline \
    && useradd --system --gid caseline --home-dir /app --no-create-home --shell /usr/sbin/nologin caseline

# The runtime dependencies from pyproject.toml (wheels only: psycopg2-binary, argon2-cffi …).
COPY . /app
RUN pip install /app

# Static files, fingerprinted and compressed, served by WhiteNoise from gunicorn. The settings need a
# secret key, a PostgreSQL URL and a non-filesystem broker to load with DEBUG off; collectstatic connects
# to none of them, and none is kept in the image.
RUN SECRET_KEY=collectstatic-only-not-a-real-key \
    DATABASE_URL=postgres://collectstatic@localhost/none \
    CELERY_BROKER_URL=memory:// \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/var/audit-archive /app/var/private-media \
    && chown -R caseline:caseline /app/var

USER caseline

EXPOSE 8000

CMD ["gunicorn", "agency.wsgi", "--bind=0.0.0.0:8000", "--workers=3", "--access-logfile=-"]
