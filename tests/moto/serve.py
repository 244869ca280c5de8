"""Serve moto's AWS emulator one request at a time.

moto's own `moto_server` is threaded, and its DynamoDB TransactWriteItems backs a table up with a deep copy and
restores that copy when a condition fails. Under concurrent requests a failing transaction can therefore wipe out
writes that other transactions made meanwhile, which real DynamoDB never does: its transactions are atomic and
isolated. Serving requests one at a time gives the emulator the guarantees of the real service, which the budget
concurrency tests rely on. Everything else is moto's server as it is.
"""
import argparse

from werkzeug.serving import run_simple

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, default=5000)
    args = parser.parse_args()
    app = DomainDispatcherApplication(create_backend_app)
    run_simple(args.host, args.port, app, threaded=False, use_reloader=False)


if __name__ == "__main__":
    main()
