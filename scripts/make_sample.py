#!/usr/bin/env python3
"""Regenerate ``configs/samples/example.msgpack``, the stream ``statengine replay`` plays.

The sample is two hours of traffic on the packaged ``example`` center, made by
the seeded generator of :mod:`statengine.testing`. Everything that goes into
the file is fixed here (seed, duration, start time, ``created_ms``), so the
same statengine writes the same bytes: run it after changing the generator,
the events or the stream format, and commit the result.

Usage::

    python scripts/make_sample.py            # rewrite configs/samples/example.msgpack
    python scripts/make_sample.py --check    # exit 1 if the committed file is stale
    python scripts/make_sample.py -o x.msgpack
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from statengine.config import load_packaged
from statengine.streams import write_stream
from statengine.testing import DEFAULT_START_MS, generate_stream

CONFIG = "example"
SEED = 21
DURATION_S = 2 * 3600
#: the header's created_ms: the start of the generated traffic, not the wall clock
CREATED_MS = DEFAULT_START_MS
SAMPLE = Path(__file__).resolve().parent.parent / "configs" / "samples" / "example.msgpack"


def make_sample(path: Path) -> int:
    """Write the sample stream to ``path``; returns the number of events."""
    center = load_packaged(CONFIG).center
    events = generate_stream(center, seed=SEED, duration_s=DURATION_S, start_ms=DEFAULT_START_MS)
    meta = {"config": CONFIG, "seed": SEED, "generator": "statengine.testing"}
    return write_stream(path, events, meta=meta, created_ms=CREATED_MS, fmt="msgpack")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=SAMPLE, help="where to write")
    parser.add_argument(
        "--check", action="store_true", help="compare with the existing file instead of writing"
    )
    args = parser.parse_args(argv)
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            fresh = Path(tmp) / "sample.msgpack"
            make_sample(fresh)
            if not args.output.is_file() or fresh.read_bytes() != args.output.read_bytes():
                print(f"{args.output} is stale: run scripts/make_sample.py", file=sys.stderr)
                return 1
        print(f"{args.output} is up to date")
        return 0
    count = make_sample(args.output)
    size = args.output.stat().st_size
    print(f"wrote {args.output}: {count} events, {size:,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
