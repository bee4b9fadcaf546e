"""Milvus vector store (``pymilvus``): a Milvus Lite file or a Milvus server, one collection per snapshot.

The URI selects the deployment: a local path ending in ``.db`` runs Milvus Lite inside this
process (``pip install milvus-lite``); ``http(s)://host:19530``, ``tcp://…`` or ``unix:…`` reach a
Milvus server or cluster, authenticated by ``$PLANQA_MILVUS_TOKEN`` ("user:password" or an API key)
when set. Each index snapshot gets its own collection, named after the index folder and the
snapshot folder, so building a new snapshot never touches the live one and the atomic swap of
``CURRENT`` still decides which collection is searched. ``milvus.json`` in the snapshot records
the URI (relative to the index folder when the ``.db`` lies inside it), the collection and its
index parameters; the token is never written anywhere. See docs/milvus.md.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

from planqa.errors import MissingDependencyError, PlanqaError
from planqa.index.base import VectorStore
from planqa.index.store import read_json, write_json

log = logging.getLogger(__name__)

CONFIG_FILE = "milvus.json"
TOKEN_ENV = "PLANQA_MILVUS_TOKEN"
ID_FIELD, VECTOR_FIELD, DOC_FIELD = "id", "vector", "doc_id"
DOC_ID_MAX = 512  # VARCHAR max_length of doc_id
METRIC = "IP"
HNSW_FROM = 50_000  # rows; same threshold as FAISS: exact search below it
HNSW_M, HNSW_EF_CONSTRUCTION, HNSW_EF = 32, 200, 128
IVF_NPROBE = 32
MAX_TOPK = 16_384  # Milvus' limit on search limit and query window
INSERT_BATCH = 2_000
READ_BATCH = 10_000
VISIBLE_TIMEOUT = 60.0  # seconds to wait until a new collection shows all rows to Bounded readers
NOT_LOADED = 101  # Milvus error code: collection not loaded
KINDS = {"flat": "FLAT", "hnsw": "HNSW", "ivf": "IVF_FLAT", "autoindex": "AUTOINDEX"}


def _pymilvus() -> Any:
    try:
        import pymilvus
    except ImportError as exc:
        raise MissingDependencyError("pymilvus", "The Milvus vector store (--vector-store)") from exc
    return pymilvus


def is_local(uri: str) -> bool:
    """True for a Milvus Lite file, False for a server URL."""
    return "://" not in uri and not uri.startswith("unix:")


def check_uri(uri: str) -> str:
    """The URI itself, or a PlanqaError that says what a Milvus URI looks like."""
    if is_local(uri) and not uri.endswith(".db"):
        raise PlanqaError(f"not a Milvus URI: {uri!r}; use a Milvus Lite file ending in .db (e.g. index/milvus.db) "
                          "or a server URL such as http://localhost:19530")
    return uri


def public_uri(uri: str) -> str:
    """The URI without credentials (user:password@), fit for a manifest or a message."""
    return re.sub(r"://[^/@]*@", "://", uri)


def collection_name(folder: Path) -> str:
    """The collection of the snapshot ``folder``: index-folder hash + snapshot name, in Milvus' alphabet.

    The hash keeps two index folders (or a copy of one) on the same server from sharing names,
    so pruning one never drops the other's collections."""
    owner = hashlib.sha256(str(folder.parent.resolve()).encode("utf-8")).hexdigest()[:8]
    return f"planqa_{owner}_{re.sub(r'[^0-9A-Za-z_]', '_', folder.name)}"


# ------------------------------------------------------------------ connections

_clients: dict[str, Any] = {}
_clients_lock = threading.Lock()


def connect(uri: str) -> Any:
    """A MilvusClient for ``uri`` (absolute path or URL), shared within the process."""
    check_uri(uri)
    pymilvus = _pymilvus()
    with _clients_lock:
        client = _clients.get(uri)
        if client is not None:
            return client
        if is_local(uri):
            try:
                import milvus_lite  # noqa: F401
            except ImportError as exc:
                raise MissingDependencyError("milvus-lite", f"The Milvus Lite file {uri}") from exc
            Path(uri).parent.mkdir(parents=True, exist_ok=True)
        try:
            client = pymilvus.MilvusClient(uri=uri, token=os.environ.get(TOKEN_ENV, ""))
        except Exception as exc:  # MilvusException, ConnectionConfigException, DataDirLockedError, grpc errors
            hint = (" (a Milvus Lite file is open in one process at a time; to share it, serve it with "
                    "`milvus-lite server --data-dir FILE.db --port 19530` and use http://127.0.0.1:19530)"
                    if is_local(uri) else "")
            raise PlanqaError(f"cannot connect to Milvus at {public_uri(uri)}: {exc}{hint}") from exc
        _clients[uri] = client
        return client


def close_clients() -> None:
    """Close every client of this process and stop the Milvus Lite servers it started."""
    with _clients_lock:
        clients = dict(_clients)
        _clients.clear()
    for uri, client in clients.items():
        try:
            client.close()
        except Exception:  # noqa: BLE001 - closing is best effort
            log.debug("closing the Milvus client of %s failed", public_uri(uri), exc_info=True)
        if is_local(uri):
            try:
                from milvus_lite.server_manager import server_manager_instance

                server_manager_instance.release_server(uri)
            except Exception:  # noqa: BLE001
                log.debug("stopping Milvus Lite for %s failed", uri, exc_info=True)


# ------------------------------------------------------------------ index parameters


def choose_kind(rows: int, override: str | None = None, local: bool = False) -> str:
    """``override`` (flat, hnsw, ivf, autoindex) if given; else flat for Milvus Lite (exact, and the one
    type every Milvus Lite version has) and on a server below ``HNSW_FROM`` rows, hnsw from there on."""
    if override:
        if override not in KINDS:
            raise PlanqaError(f"the Milvus vector store has no index type {override!r} (choose {', '.join(KINDS)})")
        return override
    return "hnsw" if rows >= HNSW_FROM and not local else "flat"


def index_spec(kind: str, rows: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """(build parameters, search parameters) for an index kind over ``rows`` vectors."""
    if kind == "hnsw":
        return {"M": HNSW_M, "efConstruction": HNSW_EF_CONSTRUCTION}, {"ef": HNSW_EF}
    if kind == "ivf":
        return {"nlist": max(1, min(65_536, int(4 * np.sqrt(max(rows, 1)))))}, {"nprobe": IVF_NPROBE}
    return {}, {}


def _resolve(uri: str, index_dir: Path) -> str:
    """The connectable form of a recorded URI: relative .db paths are relative to the index folder."""
    if is_local(uri) and not Path(uri).is_absolute():
        return str((index_dir / uri).resolve())
    return uri


def _recorded(uri: str, index_dir: Path) -> str:
    """The form written to milvus.json: a .db inside the index folder relative to it, so the folder can move."""
    if is_local(uri):
        path = Path(uri).resolve()
        try:
            return str(path.relative_to(index_dir.resolve()))
        except ValueError:
            return str(path)
    return public_uri(uri)


# ------------------------------------------------------------------ the store


class MilvusStore(VectorStore):
    """Inner-product search in a Milvus collection whose primary key is the row number.

    ``build`` only holds the vectors; ``save(folder)`` creates the snapshot's collection, inserts,
    indexes and loads it. ``row_docs`` (doc_id per row) lets a per-document mask become a
    ``doc_id in [...]`` filter instead of a list of row ids.
    """

    def __init__(self, uri: str, kind: str, dimension: int, size: int, collection: str | None = None,
                 row_docs: np.ndarray | None = None, pending: np.ndarray | None = None):
        self.uri = uri  # absolute path or URL
        self.kind = kind
        self._dimension = dimension
        self._size = size
        self.collection = collection
        self.location: str | None = None  # the URI as milvus.json records it
        self.row_docs = None if row_docs is None else np.asarray(row_docs, dtype=object)
        self._pending = pending

    @classmethod
    def build(cls, vectors: np.ndarray, uri: str, kind: str | None = None,
              doc_ids: list[str] | np.ndarray | None = None) -> MilvusStore:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        uri = check_uri(uri)
        if is_local(uri):
            uri = str(Path(uri).resolve())
        if doc_ids is not None and len(doc_ids) != len(vectors):
            raise ValueError(f"{len(doc_ids)} doc_ids for {len(vectors)} vectors")
        _pymilvus()  # fail before embedding work is thrown away at save time
        return cls(uri, choose_kind(len(vectors), kind, is_local(uri)), vectors.shape[1], len(vectors),
                   row_docs=None if doc_ids is None else np.asarray(doc_ids, dtype=object), pending=vectors)

    @classmethod
    def load(cls, folder: Path, row_docs: np.ndarray | None = None) -> MilvusStore:
        """The store recorded in ``folder/milvus.json``; checks that its collection exists."""
        config = read_json(folder / CONFIG_FILE)
        uri = _resolve(config["uri"], folder.parent)
        store = cls(uri, config["type"], int(config["dimension"]), int(config["rows"]), config["collection"], row_docs)
        store.location = config["uri"]
        client = store._client()
        try:
            exists = client.has_collection(store.collection)
            if exists:
                state = str(client.get_load_state(store.collection).get("state", ""))
                if "Loaded" not in state:
                    log.info("loading Milvus collection %s (%s)", store.collection, state)
                    client.load_collection(store.collection)
                store._size = store.count()
        except Exception as exc:  # noqa: BLE001 - MilvusException, grpc errors: say where
            raise PlanqaError(f"{folder}: Milvus at {public_uri(uri)} failed on collection "
                              f"{store.collection!r}: {exc}") from exc
        if not exists:
            raise PlanqaError(f"{folder}: the Milvus collection {store.collection!r} does not exist at "
                              f"{public_uri(uri)}; rebuild with: python -m planqa index --full --index {folder.parent}")
        return store

    def _client(self) -> Any:
        return connect(self.uri)

    # -------------------------------------------------------------- writing

    def save(self, folder: Path) -> None:
        """Write milvus.json, then create and fill the collection of ``folder`` (if not already there)."""
        name = collection_name(folder)
        if self._pending is None:
            if name == self.collection:
                self._write_config(folder)
                return
            self._pending = self.vectors()  # another snapshot: a collection of its own
        self.collection = name
        self._write_config(folder)  # first, so a failed build's cleanup can find the collection
        client = self._client()
        if client.has_collection(name):
            log.warning("dropping the leftover Milvus collection %s", name)
            client.drop_collection(name)
        self._create(client, name)
        self._insert(client, name, self._pending)
        client.flush(name)
        index_params = client.prepare_index_params()
        build, _ = index_spec(self.kind, self._size)
        index_params.add_index(field_name=VECTOR_FIELD, index_type=KINDS[self.kind], metric_type=METRIC, params=build)
        client.create_index(name, index_params)
        client.load_collection(name)
        self._wait_visible(client, name)
        self._pending = None
        log.info("Milvus collection %s at %s: %d rows, %s", name, public_uri(self.uri), self._size, KINDS[self.kind])

    def _write_config(self, folder: Path) -> None:
        self.location = _recorded(self.uri, folder.parent)
        write_json(folder / CONFIG_FILE, self.params)

    def _create(self, client: Any, name: str) -> None:
        DataType = _pymilvus().DataType
        schema = client.create_schema(auto_id=False, enable_dynamic_field=False,
                                      description="planqa chunk vectors; id = row in chunks.jsonl")
        schema.add_field(ID_FIELD, DataType.INT64, is_primary=True)
        schema.add_field(VECTOR_FIELD, DataType.FLOAT_VECTOR, dim=self._dimension)
        schema.add_field(DOC_FIELD, DataType.VARCHAR, max_length=DOC_ID_MAX)
        client.create_collection(name, schema=schema, consistency_level="Bounded")

    def _insert(self, client: Any, name: str, vectors: np.ndarray) -> None:
        docs = self.row_docs if self.row_docs is not None else np.full(len(vectors), "", dtype=object)
        too_long = [d for d in set(docs) if len(str(d).encode("utf-8")) > DOC_ID_MAX]
        if too_long:
            raise PlanqaError(f"doc_id longer than {DOC_ID_MAX} bytes cannot go into Milvus: {too_long[0][:60]}…")
        for start in range(0, len(vectors), INSERT_BATCH):
            stop = min(start + INSERT_BATCH, len(vectors))
            client.insert(name, [{ID_FIELD: row, VECTOR_FIELD: vectors[row], DOC_FIELD: str(docs[row])}
                                 for row in range(start, stop)])

    def _wait_visible(self, client: Any, name: str) -> None:
        """Wait until Bounded-consistency readers (other processes) see every row."""
        deadline = time.monotonic() + VISIBLE_TIMEOUT
        while True:
            seen = self.count(client, name)
            if seen == self._size:
                return
            if time.monotonic() > deadline:
                raise PlanqaError(f"Milvus collection {name}: {seen} of {self._size} rows visible after "
                                  f"{VISIBLE_TIMEOUT:.0f}s")
            time.sleep(0.5)

    def drop(self) -> None:
        """Drop this store's collection (if it exists)."""
        client = self._client()
        if self.collection and client.has_collection(self.collection):
            client.drop_collection(self.collection)
            log.info("dropped Milvus collection %s at %s", self.collection, public_uri(self.uri))

    # -------------------------------------------------------------- reading

    def _loaded(self, call: Any) -> Any:
        """``call(client)``; if the collection was released meanwhile (server restart), load it and retry."""
        client = self._client()
        try:
            return call(client)
        except Exception as exc:  # noqa: BLE001 - pymilvus raises MilvusException with a code
            if getattr(exc, "code", None) != NOT_LOADED and "load" not in str(exc).lower():
                raise
            log.info("Milvus collection %s is not loaded (%s); loading it", self.collection, exc)
            client.load_collection(self.collection)
            return call(client)

    def count(self, client: Any = None, name: str | None = None) -> int:
        client = client or self._client()
        rows = client.query(name or self.collection, filter="", output_fields=["count(*)"])
        return int(rows[0]["count(*)"])

    def vectors(self) -> np.ndarray:
        """All stored vectors in row order."""
        if self._pending is not None:
            return self._pending
        out = np.zeros((self._size, self._dimension), np.float32)
        for start in range(0, self._size, READ_BATCH):
            expression = f"{ID_FIELD} >= {start} and {ID_FIELD} < {start + READ_BATCH}"
            rows = self._loaded(lambda client: client.query(  # noqa: B023 - called at once
                self.collection, filter=expression, output_fields=[ID_FIELD, VECTOR_FIELD], limit=READ_BATCH))
            for row in rows:
                out[int(row[ID_FIELD])] = np.asarray(row[VECTOR_FIELD], dtype=np.float32)
        return out

    def filter_expression(self, allowed: np.ndarray) -> str:
        """A Milvus boolean expression equivalent to the row mask ``allowed`` ('' = every row)."""
        allowed = np.asarray(allowed, dtype=bool)
        if allowed.all():
            return ""
        if self.row_docs is not None and len(self.row_docs) == len(allowed):
            docs = sorted(set(self.row_docs[allowed]))
            if np.array_equal(np.isin(self.row_docs, docs), allowed):
                return f"{DOC_FIELD} in [{', '.join(json.dumps(str(d), ensure_ascii=False) for d in docs)}]"
        keep = np.flatnonzero(allowed)
        if len(keep) <= len(allowed) // 2:
            return f"{ID_FIELD} in [{', '.join(map(str, keep))}]"
        return f"{ID_FIELD} not in [{', '.join(map(str, np.flatnonzero(~allowed)))}]"

    def search(self, queries: np.ndarray, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        queries = np.ascontiguousarray(np.atleast_2d(queries), dtype=np.float32)
        k = max(1, min(k, self._size, MAX_TOPK)) if self._size else 1
        scores = np.full((len(queries), k), -np.inf, np.float32)
        ids = np.full((len(queries), k), -1, np.int64)
        if self._size == 0 or (allowed is not None and not np.any(allowed)):
            return scores, ids
        expression = "" if allowed is None else self.filter_expression(allowed)
        _, search = index_spec(self.kind, self._size)
        if self.kind == "hnsw":
            search = {"ef": max(HNSW_EF, k)}
        results = self._loaded(lambda client: client.search(
            self.collection, data=list(queries), anns_field=VECTOR_FIELD, limit=k, filter=expression,
            search_params={"metric_type": METRIC, "params": search}))
        for qi, hits in enumerate(results):
            for j, hit in enumerate(list(hits)[:k]):
                ids[qi, j] = int(hit["id"])
                scores[qi, j] = float(hit["distance"])
        return scores, ids

    # -------------------------------------------------------------- description

    @property
    def size(self) -> int:
        return self._size

    @property
    def dimension(self) -> int:
        return self._dimension

    @property
    def params(self) -> dict[str, Any]:
        build, search = index_spec(self.kind, self._size)
        return {"backend": "milvus", "type": self.kind, "uri": self.location or public_uri(self.uri), "collection": self.collection,
                "index_type": KINDS[self.kind], "metric": METRIC, "index_params": build, "search_params": search,
                "dimension": self._dimension, "rows": self._size}


def drop_snapshot_collection(folder: Path) -> None:
    """Drop the collection of a snapshot that is being deleted, if this index folder owns it.

    Owned = named after this folder (see ``collection_name``) or kept in a .db inside the index
    folder. A collection recorded by a copied index folder belongs to the original: it is left alone."""
    config_path = folder / CONFIG_FILE
    if not config_path.exists():
        return
    try:
        config = read_json(config_path)
        recorded = config["uri"]
        inside = is_local(recorded) and not Path(recorded).is_absolute()
        if config.get("collection") != collection_name(folder) and not inside:
            log.info("not dropping Milvus collection %s: it was not made for %s", config.get("collection"), folder)
            return
        uri = _resolve(recorded, folder.parent)
        if is_local(uri) and not Path(uri).exists():
            return
        MilvusStore(uri, config["type"], int(config["dimension"]), int(config["rows"]), config["collection"]).drop()
    except Exception as exc:  # noqa: BLE001 - pruning must not fail a build that is already live
        log.warning("could not drop the Milvus collection of %s: %s", folder, exc)
