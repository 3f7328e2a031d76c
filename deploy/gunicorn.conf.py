"""gunicorn settings for merch: gunicorn -c deploy/gunicorn.conf.py 'merch:create_app()'.

Sync workers behind nginx (deploy/nginx.conf): nginx buffers each upload whole before it
passes it on, so a worker is busy only while it checks, decodes and stores, never while a
phone on a weak line trickles 12 MB in. Photo decoding is CPU work: about two workers per
core keep the cores busy while some workers wait on the database or object storage.
"""

import multiprocessing
import os

bind = os.environ.get("MERCH_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("MERCH_WORKERS", multiprocessing.cpu_count() * 2))
worker_class = "sync"
# A full-size HEIC checklist (3 photos) takes ~3 s of CPU; leave room on a busy box.
timeout = 120
graceful_timeout = 30
keepalive = 5
# Pillow's decoders can leave a worker's memory high after a huge photo: recycle now and then.
max_requests = 1000
max_requests_jitter = 100
accesslog = "-"
forwarded_allow_ips = "127.0.0.1"
