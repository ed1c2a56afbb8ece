"""Settings: read once from the environment into one frozen struct and passed in (never module-level)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path

import msgspec

from domain import evidence

ROOT = Path(__file__).resolve().parents[1]


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    database_url: str | None = None  # None: start an embedded PostgreSQL under data_dir
    database_read_url: str | None = None  # a streaming replica for statistics and indicators; None: primary
    redis_url: str | None = None  # None: start an embedded Redis under data_dir
    data_dir: Path = ROOT / ".data"
    templates_dir: Path = ROOT / "templates"
    migrations_dir: Path = ROOT / "migrations"
    secret_key: str = ""
    host: str = "127.0.0.1"
    port: int = 8000
    queue_name: str = "disputes:queue"
    db_pool_min: int = 1
    db_pool_max: int = 10
    log_json: bool | None = None  # None: JSON off a TTY, console on a TTY
    log_level: str = "INFO"
    json_body_limit: int = 256 * 1024
    evidence_max_files: int = evidence.MAX_FILES
    evidence_max_bytes: int = evidence.MAX_BYTES
    track_max_failures: int = 5  # wrong access codes for one number per window before answers slow down
    track_max_failures_per_client: int = 30  # per client address: a whole office may share one
    track_failure_window_s: int = 900
    signin_max_per_client: int = 20  # sign-in failures from one client address per window (429 past it)
    signin_max_per_username: int = 10  # sign-in failures for one username, known or not, per window
    signin_window_s: int = 900
    signin_threads: int = 2  # argon2 runs in this many threads, never in the event loop
    signin_max_in_flight: int = 8  # password checks running or waiting per process; more answer 429
    track_slowdown_base_s: float = 1.0  # past track_max_failures a number's wrong answers wait 1, 2, 4 … s
    track_slowdown_max_s: float = 30.0
    filing_max_per_client: int = 20  # complaints filed from one client address per window (0: off)
    filing_client_window_s: int = 3600
    filing_max_per_phone: int = 5  # complaints filed with one consumer phone per window (0: off)
    filing_phone_window_s: int = 24 * 3600
    idempotency_ttl_s: int = 24 * 3600
    public_base_url: str = "http://127.0.0.1:8000"  # where links in notices point (survey links)
    # the e-mail channel (service/adapters/channels/email.py); unset: notices are recorded only ('log')
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_from: str = "noreply@localhost"
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    smtp_ssl: bool = False
    smtp_timeout_s: float = 20.0
    # the SMS channel (service/adapters/channels/sms.py: Kannel's sendsms); unset URL: not configured
    sms_gateway_url: str | None = None  # e.g. http://127.0.0.1:13013/cgi-bin/sendsms
    sms_user: str = ""
    sms_password: str = ""
    sms_sender: str = ""  # the sender id shown on the phone (empty: the gateway's default)
    sms_dlr_base_url: str | None = None  # where Kannel reaches our delivery-report endpoint; None: public
    sms_reachable_regions: tuple[str, ...] = ("CN",)  # ISO regions of the numbers the gateway reaches
    sms_timeout_s: float = 10.0
    notify_both: bool = True  # a consumer with e-mail and phone gets both; False: the preferred one only
    job_timeout_s: float | None = None  # None: workers.main.JOB_TIMEOUT_S; tests/faults set a short one
    trusted_proxies: tuple[str, ...] = ()  # addresses/CIDRs whose X-Forwarded-* we believe (web/client.py)
    allowed_hosts: tuple[str, ...] = ()  # empty: any Host; set: other Host headers answer 400
    header_timeout_s: float = 10.0  # a client must finish sending its request head within this
    body_timeout_s: float = 30.0  # longest wait for the next piece of a request body
    max_connections_per_client: int = 64  # open connections per client address (0: no cap)
    notify_senders: int = 4  # notices sent side by side by each worker (each holds a pooled connection)
    notify_rate_per_s: dict[str, float] = msgspec.field(default_factory=lambda: {"email": 20.0, "sms": 10.0})
    metrics_token: str | None = None  # unset: GET /metrics answers 404

    @property
    def evidence_dir(self) -> Path:
        return self.data_dir / "evidence"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        env = os.environ if env is None else env
        data_dir = Path(env.get("DISPUTES_DATA_DIR", str(ROOT / ".data")))
        log_json = env.get("LOG_JSON")
        values: dict[str, object] = {
            "database_url": env.get("DATABASE_URL") or None,
            "database_read_url": env.get("DATABASE_READ_URL") or None,
            "redis_url": env.get("REDIS_URL") or None,
            "data_dir": data_dir,
            "secret_key": env.get("SECRET_KEY") or _local_secret(data_dir),
            "host": env.get("HOST", "127.0.0.1"),
            "port": int(env.get("PORT", "8000")),
            "queue_name": env.get("DISPUTES_QUEUE", "disputes:queue"),
            "db_pool_max": int(env.get("DB_POOL_MAX", "10")),
            "log_json": None if log_json is None else log_json.lower() in {"1", "true", "yes"},
            "log_level": env.get("LOG_LEVEL", "INFO").upper(),
            "public_base_url": env.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000"),
            "signin_max_per_client": int(env.get("SIGNIN_MAX_PER_CLIENT", "20")),
            "signin_max_per_username": int(env.get("SIGNIN_MAX_PER_USERNAME", "10")),
            "signin_window_s": int(env.get("SIGNIN_WINDOW_S", "900")),
            "signin_threads": int(env.get("SIGNIN_THREADS", "2")),
            "signin_max_in_flight": int(env.get("SIGNIN_MAX_IN_FLIGHT", "8")),
            "filing_max_per_client": int(env.get("FILING_MAX_PER_CLIENT", "20")),
            "filing_client_window_s": int(env.get("FILING_CLIENT_WINDOW_S", "3600")),
            "filing_max_per_phone": int(env.get("FILING_MAX_PER_PHONE", "5")),
            "filing_phone_window_s": int(env.get("FILING_PHONE_WINDOW_S", str(24 * 3600))),
            "smtp_host": env.get("SMTP_HOST") or None,
            "smtp_port": int(env.get("SMTP_PORT", "25")),
            "smtp_from": env.get("SMTP_FROM", "noreply@localhost"),
            "smtp_user": env.get("SMTP_USER") or None,
            "smtp_password": env.get("SMTP_PASSWORD") or None,
            "smtp_starttls": _flag(env.get("SMTP_STARTTLS")),
            "smtp_ssl": _flag(env.get("SMTP_SSL")),
            "smtp_timeout_s": float(env.get("SMTP_TIMEOUT_S", "20")),
            "sms_gateway_url": env.get("SMS_GATEWAY_URL") or None,
            "sms_user": env.get("SMS_USER", ""),
            "sms_password": env.get("SMS_PASSWORD", ""),
            "sms_sender": env.get("SMS_SENDER", ""),
            "sms_dlr_base_url": env.get("SMS_DLR_BASE_URL") or None,
            "sms_reachable_regions": _list(env.get("SMS_REACHABLE_REGIONS", "CN")),
            "sms_timeout_s": float(env.get("SMS_TIMEOUT_S", "10")),
            "notify_both": env.get("NOTIFY_BOTH", "true").lower() in {"1", "true", "yes"},
            "job_timeout_s": float(env["DISPUTES_JOB_TIMEOUT_S"])
            if env.get("DISPUTES_JOB_TIMEOUT_S")
            else None,
            "trusted_proxies": _list(env.get("TRUSTED_PROXIES")),
            "allowed_hosts": _list(env.get("ALLOWED_HOSTS")),
            "header_timeout_s": float(env.get("HEADER_TIMEOUT_S", "10")),
            "body_timeout_s": float(env.get("BODY_TIMEOUT_S", "30")),
            "max_connections_per_client": int(env.get("MAX_CONNECTIONS_PER_CLIENT", "64")),
            "notify_senders": int(env.get("NOTIFY_SENDERS", "4")),
            "notify_rate_per_s": _notify_rates(env),
            "metrics_token": env.get("METRICS_TOKEN") or None,
        }
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]


def _notify_rates(env: Mapping[str, str]) -> dict[str, float]:
    """NOTIFY_RATE_<CHANNEL>: notices a second per worker and channel (0: unlimited); e-mail 20, SMS 10."""
    rates = {"email": 20.0, "sms": 10.0, "log": 0.0}
    prefix = "NOTIFY_RATE_"
    rates.update({k.removeprefix(prefix).lower(): float(v) for k, v in env.items() if k.startswith(prefix)})
    return rates


def _list(value: str | None) -> tuple[str, ...]:
    """A comma- or space-separated list ("10.0.0.0/8, 10.1.2.3")."""
    return tuple(v for v in (value or "").replace(",", " ").split() if v)


def _flag(value: str | None) -> bool:
    return value is not None and value.lower() in {"1", "true", "yes"}


def _local_secret(data_dir: Path) -> str:
    """A development secret kept beside the embedded data, so restarts keep sessions and access codes valid.

    Production sets SECRET_KEY (compose.yaml does); every web and worker process must share it.
    """
    path = data_dir / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        data_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        path.write_text(key)
        path.chmod(0o600)
        return key


def _seconds(value: str | None) -> float | None:
    return float(value) if value else None
