# The one image of the portal: web (gunicorn), Celery worker and beat, Spark master/worker.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DJANGO_ENV=production HDH_VAR_DIR=/var/lib/hdh STATIC_ROOT=/app/staticfiles \
    SPARK_HOME=/usr/local/lib/python3.11/site-packages/pyspark

# Java 17 for Spark; gettext to compile translations; libpq for psycopg.
RUN apt-get update \
    && apt-get install -y --no-install-recommends openjdk-17-jre-headless gettext procps \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock

COPY . .
RUN useradd --system --home /var/lib/hdh --create-home hdh \
    && mkdir -p /var/lib/hdh/media /var/lib/hdh/private /var/lib/hdh/data \
    && chown -R hdh /var/lib/hdh \
    && SECRET_KEY=build ALLOWED_HOSTS=build DATABASE_URL=sqlite:////tmp/build.db \
       python manage.py collectstatic --noinput

USER hdh
EXPOSE 8000
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "120"]
