"""Serve moto's AWS emulator one request at a time, with TransactWriteItems rolled back item by item.

moto's own `moto_server` is threaded, and its DynamoDB TransactWriteItems backs a table up with a deep copy and
restores that copy when a condition fails. Under concurrent requests a failing transaction can therefore wipe out
writes that other transactions made meanwhile, which real DynamoDB never does: its transactions are atomic and
isolated. Serving requests one at a time gives the emulator the guarantees of the real service, which the budget
concurrency tests rely on. Its listen backlog is raised from werkzeug's 128 so that hundreds of clients connecting at
once (a new connection per call: the single-threaded server speaks HTTP/1.0) wait in the queue, as they would for the
real service, instead of having their connection attempts dropped and timing out in the SDK (2 s connect timeout).

The whole-table deep copy also makes every transaction cost time in proportion to the table (the usage ledger grows
by one item a request), so a soak of thousands of requests slowed to a crawl. `transact_write_items` is therefore
wrapped: the tables are no longer copied; instead the items the transaction names (at most 100) are copied before it
runs and put back, exactly as they were, if it fails for any reason. The outcome is the same all-or-nothing as
moto's (the integration test EmulatorTransactionIntegrationTest proves it); only the cost changes. Everything else
is moto's server as it is.
"""
import argparse
import copy
import functools
from typing import Any

import moto
from werkzeug.serving import BaseWSGIServer, run_simple

import moto.dynamodb.models as dynamodb_models
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.table import Table
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

# The wrapper relies on how this version backs up and restores tables (moto/dynamodb/models/__init__.py,
# transact_write_items); check the source again before moving to another version.
PATCHED_MOTO_VERSION = "5.2.5"
# Connections waiting to be served (capped by the kernel's net.core.somaxconn).
LISTEN_BACKLOG = 1024


class _TablesNotCopied:
    """Stands in for the `copy` module inside moto's DynamoDB backend: a Table is "copied" as itself, so the
    backup-and-restore of transact_write_items costs nothing and restoring it is a no-op; every other deep copy
    (update_item's old image for streams) is the real one."""

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)

    @staticmethod
    def deepcopy(value: Any, memo: Any = None) -> Any:
        return value if isinstance(value, Table) else copy.deepcopy(value, memo)


def _touched_items(backend: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> list[tuple]:
    """(table, hash, range, deep copy of the item or None) for each item a transaction names, before it runs."""
    snapshot = []
    for entry in transact_items:
        for op_type, op in entry.items():
            table = backend.tables.get(op.get("TableName")) if isinstance(op, dict) else None
            if table is None:
                continue  # moto answers this transaction with an error before writing to that table
            attrs = op.get("Item") if op_type == "Put" else op.get("Key")
            try:
                hash_value = DynamoType(attrs[table.hash_key_attr])
                range_value = DynamoType(attrs[table.range_key_attr]) if table.has_range_key else None
            except (KeyError, TypeError):
                continue  # a malformed key: moto rejects the operation without writing it
            current = table.get_item(hash_value, range_value)
            snapshot.append((table, hash_value, range_value, copy.deepcopy(current)))
    return snapshot


def _restore(snapshot: list[tuple], stream_lengths: dict[int, tuple]) -> None:
    # Reversed, so that an item named twice (moto rejects that, after writing the first) ends as it was before.
    for table, hash_value, range_value, item in reversed(snapshot):
        if item is None:
            if range_value is not None:
                table.items.get(hash_value, {}).pop(range_value, None)
            else:
                table.items.pop(hash_value, None)
        elif range_value is not None:
            table.items[hash_value][range_value] = item
        else:
            table.items[hash_value] = item
    for table, length in stream_lengths.values():
        del table.stream_shard.items[length:]  # the stream records of the undone writes, as moto's restore drops them


def _patch_transactions() -> None:
    if moto.__version__ != PATCHED_MOTO_VERSION:
        raise SystemExit(f"tests/moto/serve.py patches moto {PATCHED_MOTO_VERSION}'s transact_write_items; "
                         f"found moto {moto.__version__}: check its source and update the patch")
    dynamodb_models.copy = _TablesNotCopied()
    original = DynamoDBBackend.transact_write_items

    @functools.wraps(original)
    def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
        snapshot = _touched_items(self, transact_items) if len(transact_items) <= 100 else []
        streams = {id(t): (t, len(t.stream_shard.items)) for t, *_ in snapshot if t.stream_shard is not None}
        try:
            original(self, transact_items)
        except BaseException:
            _restore(snapshot, streams)
            raise

    DynamoDBBackend.transact_write_items = transact_write_items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, default=5000)
    args = parser.parse_args()
    _patch_transactions()
    BaseWSGIServer.request_queue_size = LISTEN_BACKLOG
    app = DomainDispatcherApplication(create_backend_app)
    run_simple(args.host, args.port, app, threaded=False, use_reloader=False)


if __name__ == "__main__":
    main()
