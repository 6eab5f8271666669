import os
from pathlib import Path

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("roundtable")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The embedded default (no Redis) queues tasks as files: make sure the folders exist.
for key in ("data_folder_in", "processed_folder", "control_folder"):
    folder = (app.conf.broker_transport_options or {}).get(key)
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
