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
    idempotency_ttl_s: int = 24 * 3600
    public_base_url: str = "http://127.0.0.1:8000"  # where links in notices point (survey links)
    smtp_host: str | None = None  # unset: notices are stored and shown on the case page only ('log')
    smtp_port: int = 25
    smtp_from: str = "noreply@localhost"
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    smtp_ssl: bool = False
    smtp_timeout_s: float = 20.0
    job_timeout_s: float | None = None  # None: workers.main.JOB_TIMEOUT_S; tests/faults set a short one

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
            "smtp_host": env.get("SMTP_HOST") or None,
            "smtp_port": int(env.get("SMTP_PORT", "25")),
            "smtp_from": env.get("SMTP_FROM", "noreply@localhost"),
            "smtp_user": env.get("SMTP_USER") or None,
            "smtp_password": env.get("SMTP_PASSWORD") or None,
            "smtp_starttls": _flag(env.get("SMTP_STARTTLS")),
            "smtp_ssl": _flag(env.get("SMTP_SSL")),
            "smtp_timeout_s": float(env.get("SMTP_TIMEOUT_S", "20")),
            "job_timeout_s": float(env["DISPUTES_JOB_TIMEOUT_S"])
            if env.get("DISPUTES_JOB_TIMEOUT_S")
            else None,
        }
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]


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
