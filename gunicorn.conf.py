"""gunicorn settings for production: ``gunicorn -c gunicorn.conf.py 'merch:create_app()'``.

Threaded workers (merch.serving.ThreadWorker, gunicorn's gthread): a phone sending a
checklist over a slow uplink holds one thread while its body arrives, never a worker
and never a database lock (the app reads the whole body before any transaction). The
"Limits" note of the README's Security section says what was tested. Behind nginx
(deploy/nginx.conf), which also buffers uploads, the threads simply wait less.
"""

import multiprocessing
import os

bind = os.environ.get("MERCH_BIND", "0.0.0.0:8000")
# Photo decoding is CPU work and a process runs Python on one core at a time: a worker
# per core by default, more with MERCH_WORKERS where decoding waits on storage.
workers = int(os.environ.get("MERCH_WORKERS", str(multiprocessing.cpu_count())))
worker_class = "merch.serving.ThreadWorker"
# Each thread can be one slow upload; 2 workers x 16 threads = 32 phones uploading at once.
threads = int(os.environ.get("MERCH_THREADS", "16"))
# For a threaded worker this is the heartbeat, not a limit on a request's duration.
timeout = 60
graceful_timeout = 30
keepalive = 5
# Request line and headers: gunicorn's defaults; bodies are capped by the app (60 MB).
limit_request_line = 8190
limit_request_fields = 100
# Recycle workers now and then, so a slow leak in a library never grows without end.
max_requests = 1000
max_requests_jitter = 100
accesslog = "-"
# Only the local proxy's X-Forwarded-* headers are believed (the app's MERCH_PROXY_COUNT too).
forwarded_allow_ips = os.environ.get("MERCH_FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_worker_init(worker: object) -> None:
    """Before a worker takes requests: the photo check's compiled loop loaded (or compiled).

    Otherwise the first upload with a close call in each worker's life waits half a second
    (two when nothing is cached yet) while numba holds the interpreter, and every other
    thread of that worker with it (merch/evidence/compiled.py).
    """
    try:
        from merch.evidence import warm_up

        warm_up()
    except Exception:
        # A worker that fails its boot stops the whole server (gunicorn halts): without the
        # warm-up the first close call is only slower, so carry on and say why.
        worker.log.exception("the photo check's warm-up failed; the first close call will do it")  # type: ignore[attr-defined]
