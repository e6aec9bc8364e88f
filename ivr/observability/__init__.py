"""Operating the server: Prometheus metrics, structured logs, the gunicorn hooks that make metrics add up."""
