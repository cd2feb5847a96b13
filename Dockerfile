# Production image: gunicorn serves the app (static files through WhiteNoise);
# the same image runs the Celery worker and beat.
FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DEBUG=false \
    SNAPSHOT_CHROMIUM_PATH=/usr/lib/chromium/chromium-headless-shell

# chromium-headless-shell: Debian's Chromium built without the browser's UI, for the
# worker's browser snapshots (sources/browser.py drives it over the DevTools protocol on a
# pipe; no browser is ever downloaded, no Node.js driver). A third less memory than the
# full chromium package (bench/RESULTS-fetch.md, issue 18).
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext curl chromium-headless-shell fonts-liberation \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 desk

WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install --no-cache-dir .
COPY --chown=desk:desk . .

# collectstatic needs settings that start: a throwaway key and host for this build step only.
RUN SECRET_KEY=build-only ALLOWED_HOSTS=build python manage.py collectstatic --noinput -v 0 \
    && SECRET_KEY=build-only ALLOWED_HOSTS=build python manage.py compilemessages --ignore "*site-packages*" -v 0 \
    && mkdir -p /app/var/media && chown -R desk:desk /app/var

USER desk
EXPOSE 8000
CMD ["gunicorn", "factcheck.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--access-logfile", "-", "--timeout", "30"]
