"""Database URLs: which store an engine opens, and how to reach it.

Three kinds are accepted:

- ``memory://``: a store that lives as long as the engine, for tests and
  simulations: an SQLite file in a fresh folder on the memory file system
  (``/dev/shm`` where there is one), removed when the engine closes. A
  file, not SQLite's shared in-memory mode, so the event store and the
  view readers use ordinary connections and locking;
- ``sqlite:///relative/path.db`` or ``sqlite:////absolute/path.db``;
- ``postgresql+psycopg://user:password@host:port/dbname`` with an
  optional ``?schema=name`` to keep several stores in one database.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from faircasso.domain.errors import InvalidValueError

DEFAULT_URL = "sqlite:///faircasso.db"

_EXPECTED = (
    "memory://, sqlite:///path/to/file.db or "
    "postgresql+psycopg://user@host:5432/dbname[?schema=name]"
)


@dataclass(frozen=True, slots=True)
class StoreURL:
    """A parsed database URL."""

    kind: str
    sqlite_path: str = ""
    host: str = ""
    port: int = 5432
    user: str = ""
    password: str = ""
    dbname: str = ""
    schema: str = ""

    @property
    def is_postgres(self) -> bool:
        """True for a PostgreSQL server."""
        return self.kind == "postgres"

    @property
    def is_memory(self) -> bool:
        """True for a store that lives in this process only."""
        return self.kind == "memory"

    def sqlalchemy_url(self) -> str:
        """The URL SQLAlchemy opens for the same database."""
        if self.is_postgres:
            auth = self.user + (f":{self.password}" if self.password else "")
            return f"postgresql+psycopg://{auth}@{self.host}:{self.port}/{self.dbname}"
        return f"sqlite:///{self.sqlite_path}"

    def describe(self) -> str:
        """The URL without its password, for messages and logs."""
        if self.is_postgres:
            schema = f"?schema={self.schema}" if self.schema else ""
            where = f"{self.host}:{self.port}/{self.dbname}"
            return f"postgresql+psycopg://{self.user}@{where}{schema}"
        if self.is_memory:
            return "memory://"
        return f"sqlite:///{self.sqlite_path}"


def parse_url(url: str) -> StoreURL:
    """Parse a database URL, or refuse it naming what is accepted."""
    if not isinstance(url, str) or "://" not in url:
        raise InvalidValueError("database URL", url, _EXPECTED)
    scheme = url.split("://", 1)[0].lower()
    if scheme == "memory":
        shm = Path("/dev/shm")
        folder = tempfile.mkdtemp(
            prefix="faircasso-", dir=shm if shm.is_dir() else None
        )
        return StoreURL("memory", sqlite_path=str(Path(folder) / "store.db"))
    if scheme == "sqlite":
        return _parse_sqlite(url)
    if scheme in ("postgresql", "postgresql+psycopg", "postgres"):
        return _parse_postgres(url)
    raise InvalidValueError("database URL", url, _EXPECTED)


def _parse_sqlite(url: str) -> StoreURL:
    rest = url.split("://", 1)[1]
    if not rest.startswith("/") or rest == "/":
        raise InvalidValueError("database URL", url, _EXPECTED)
    path = rest[1:]
    if path in ("", ":memory:"):
        raise InvalidValueError("database URL", url, "a file path; use memory://")
    parent = Path(path).parent
    if not parent.exists():
        raise InvalidValueError(
            "database URL", url, f"a file in an existing folder; {parent} is missing"
        )
    return StoreURL("sqlite", sqlite_path=path)


def _parse_postgres(url: str) -> StoreURL:
    parts = urlsplit(url)
    dbname = parts.path.lstrip("/")
    if not parts.hostname or not dbname:
        raise InvalidValueError("database URL", url, _EXPECTED)
    schema = parse_qs(parts.query).get("schema", [""])[0]
    if schema and not schema.replace("_", "").isalnum():
        raise InvalidValueError("schema", schema, "letters, digits and '_' only")
    return StoreURL(
        "postgres",
        host=parts.hostname,
        port=parts.port or 5432,
        user=unquote(parts.username or "postgres"),
        password=unquote(parts.password or ""),
        dbname=dbname,
        schema=schema,
    )
