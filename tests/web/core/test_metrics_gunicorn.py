"""Under the real server (the committed gunicorn.conf.py: gevent, --preload, 4 workers; SQLite and PostgreSQL) /metrics adds up every worker's
counts, whichever worker answers the scrape, and a worker that dies takes its live gauge with it but not its
counts. No call gets the fallback: no worker uses a database connection the preloading master opened."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from helpers import TOKEN, new_call_sid, twilio_params
from metrics_scrape import samples, value
from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parents[3]
WEBHOOKS, WORKERS, START_TIMEOUT_S, STOP_TIMEOUT_S = 40, 4, 90, 40


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path, database_url):
    port, metrics_dir = free_port(), tmp_path / "metrics"
    metrics_dir.mkdir()
    (metrics_dir / "counter_1.db").write_bytes(b"left by the last run")  # a fresh start must not read it
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DATABASE_URL": database_url, "TWILIO_AUTH_TOKEN": TOKEN,
           "IVR_API_TOKEN": "api-token", "PUBLIC_BASE_URL": base, "SPEECH": "off", "PROMPTS": "say",
           "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir), "PYTHONPATH": str(ROOT),
           "WEB_CONCURRENCY": str(WORKERS), "BIND": f"127.0.0.1:{port}"}
    log = open(tmp_path / "gunicorn.log", "w")
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "app:create_app()"], cwd=ROOT,
                               env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_until_up(base, process, tmp_path / "gunicorn.log")
        yield base, metrics_dir, process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()  # the master only: its workers notice it is gone and exit
            process.wait()
        log.close()


def _wait_until_up(base: str, process, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited: {log.read_text()}")
        try:
            if requests.get(f"{base}/api/health", timeout=2).status_code in (200, 503):
                return
        except requests.RequestException:
            time.sleep(0.2)
    pytest.fail(f"gunicorn did not answer within {START_TIMEOUT_S} s: {log.read_text()}")


def incoming_call(base: str) -> int:
    params = twilio_params(new_call_sid(), CallStatus="ringing")
    signature = RequestValidator(TOKEN).compute_signature(f"{base}/voice", params)
    return requests.post(f"{base}/voice", data=params, headers={"X-Twilio-Signature": signature}, timeout=30).status_code


def scrape(base: str) -> dict:
    response = requests.get(f"{base}/metrics", headers={"Authorization": "Bearer api-token"}, timeout=30)
    assert response.status_code == 200, response.text
    return samples(response.text)


def writers(metrics_dir: Path, kind: str) -> set[int]:
    """The pids that wrote files of `kind` (counter, histogram, gauge_livesum ...)."""
    return {int(p.stem.rsplit("_", 1)[1]) for p in metrics_dir.glob(f"{kind}_*.db")}


@pytest.mark.slow
def test_forty_webhooks_over_four_workers_add_up_to_forty_whichever_worker_is_scraped(server):
    base, metrics_dir, master = server
    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(lambda _: incoming_call(base), range(WEBHOOKS))) == [200] * WEBHOOKS
    assert len(writers(metrics_dir, "histogram") - {master.pid}) >= 2  # the calls really spread over workers
    scrapes = [scrape(base) for _ in range(12)]
    assert {value(found, "ivr_webhook_requests_total", route="/voice", status="200") for found in scrapes} == {WEBHOOKS}
    assert {value(found, "ivr_fallback_answers_total", route="/voice") for found in scrapes} == {0}
    assert {value(found, "ivr_calls_in_progress") for found in scrapes} == {WEBHOOKS}


@pytest.mark.slow
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # the hook does not depend on the database
def test_a_dead_worker_leaves_its_counts_and_takes_its_live_gauge_away(server):
    base, metrics_dir, master = server
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda _: incoming_call(base), range(WEBHOOKS)))
    live = writers(metrics_dir, "gauge_livesum") - {master.pid}
    victim = sorted(live)[0]
    os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while victim in writers(metrics_dir, "gauge_livesum") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert victim not in writers(metrics_dir, "gauge_livesum")  # child_exit marked it dead
    found = scrape(base)
    assert value(found, "ivr_webhook_requests_total", route="/voice", status="200") == WEBHOOKS
    assert value(found, "ivr_webhooks_in_progress") == 0
