"""A tiny round-robin TCP load balancer for the two-server run of bench/load.py (a stand-in for nginx or HAProxy).

Each new client connection goes to the next backend in turn and bytes are copied both ways until either side
closes. Run as its own process so its CPU is counted apart from the servers' and the generator's:

    python bench/load_proxy.py --listen 8000 --to 127.0.0.1:8001,127.0.0.1:8002
"""
from __future__ import annotations

import argparse
import asyncio
import itertools

BUFFER = 65536


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(BUFFER):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        try:
            writer.close()
        except (ConnectionError, OSError):
            pass


def handler(backends: list[tuple[str, int]]):
    turn = itertools.cycle(backends)

    async def connect(client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        host, port = next(turn)
        try:
            backend_reader, backend_writer = await asyncio.open_connection(host, port)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(_pipe(client_reader, backend_writer), _pipe(backend_reader, client_writer))

    return connect


def parse_backend(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not HOST:PORT")
    return host, int(port)


async def serve(port: int, backends: list[tuple[str, int]]) -> None:
    server = await asyncio.start_server(handler(backends), "127.0.0.1", port, backlog=4096)
    async with server:
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", type=int, required=True, help="port on 127.0.0.1")
    parser.add_argument("--to", required=True, help="backends, HOST:PORT,HOST:PORT")
    args = parser.parse_args()
    backends = [parse_backend(item) for item in args.to.split(",") if item]
    if not backends:
        parser.error("--to names no backend")
    asyncio.run(serve(args.listen, backends))


if __name__ == "__main__":
    main()
