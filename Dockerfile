# Production image: one image, three roles (web, worker, beat) chosen by the command.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production ROUNDTABLE_VAR_DIR=/app/var

WORKDIR /app
COPY requirements.lock pyproject.toml ./
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
# collectstatic needs settings but no secrets or database: give it throwaway values.
RUN SECRET_KEY=build-only-$(python -c "print('x'*60)") DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput \
 && useradd --create-home --uid 10001 roundtable && mkdir -p /app/var && chown -R roundtable /app/var
USER roundtable
EXPOSE 8000
# Bind, workers and the access log (which masks feed tokens and reset keys) in config/gunicorn.py.
CMD ["gunicorn", "-c", "python:config.gunicorn", "config.wsgi:application"]
