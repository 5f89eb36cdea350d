"""Recorded CTI event streams on disk.

A stream file is what ``statengine replay`` feeds to the engine, and what the
replay simulator and ``simulate --record`` read and write: a header followed by
events, each in the plain-data form of :func:`statengine.core.events.to_record`.
Two encodings exist because they serve different people:

* **msgpack** (the default; ``.msgpack`` / ``.sestream``): a plain sequence of
  msgpack objects, compact and fast for long machine-made recordings. The
  first object is the header map, every further object one event map.
* **JSON Lines** (``.jsonl``): the same header as the first line, then one JSON
  object per line, so that people can read, diff and hand-write test
  scenarios. Blank lines and lines starting with ``#`` are comments.

The header is ``{"format": "statengine-stream", "version": 1,
"created_ms": int | None, "meta": {...}}``. ``format`` and ``version`` are
required; ``created_ms`` and ``meta`` may be left out of hand-written files.
Unknown header keys are refused so that typos do not pass silently; a writer
that needs new keys bumps :data:`STREAM_FORMAT_VERSION`, which older readers
refuse with a clear "written by a newer statengine" message.

Reading detects the encoding from the content, never from the file name: a
file whose first non-whitespace byte is ``{`` or ``#`` is JSON Lines (no
msgpack header can start with those bytes), anything else is msgpack. Writing
picks the encoding from the suffix unless ``fmt`` says otherwise.

Reading is lazy and bounded in memory: events are decoded as they are asked
for, from fixed-size chunks (msgpack) or lines (JSON Lines), so a recording of
any length can be replayed. A single record may not exceed
:data:`MAX_RECORD_BYTES`.

The reader does **not** check that events are in non-decreasing ``time``
order: real links deliver late events, and handling them is the engine's job
(it must cope with them live anyway), so a recording keeps them as they came.

Every problem with a file being read raises
:class:`~statengine.errors.RemoteProtocolError` whose message names the file,
the record index (0 is the header, events count from 1; JSON Lines also gives
the line number) and what was wrong. Misuse of the writer API raises
:class:`~statengine.errors.LocalProtocolError`; operating-system failures while
writing (disk full...) are left as :class:`OSError`.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Generator, Iterable, Iterator, Mapping
from types import MappingProxyType, TracebackType
from typing import IO, Any, Final, Literal, Self

import attrs
import msgpack

from statengine.core.events import Event, from_record, to_record
from statengine.errors import LocalProtocolError, RemoteProtocolError

__all__ = [
    "MAX_RECORD_BYTES",
    "STREAM_FORMAT",
    "STREAM_FORMAT_VERSION",
    "StreamFormat",
    "StreamHeader",
    "StreamReader",
    "StreamWriter",
    "open_stream_writer",
    "read_header",
    "read_stream",
    "write_stream",
]

STREAM_FORMAT_VERSION: Final = 1
"""The newest stream version this statengine reads and the one it writes."""

STREAM_FORMAT: Final = "statengine-stream"
"""The ``format`` value of every header: tells a stream from any other map."""

MAX_RECORD_BYTES: Final = 16 * 1024 * 1024
"""Upper bound on the size of one record (msgpack ``max_buffer_size``, JSON line length).

Events are small; the bound only exists so that a corrupt or hostile file
cannot make the reader allocate without limit.
"""

READ_CHUNK_SIZE: Final = 64 * 1024
"""How many bytes the msgpack reader takes from the file at a time."""

_WRITE_BUFFER_SIZE: Final = 256 * 1024

StreamFormat = Literal["msgpack", "jsonl"]
PathArg = str | os.PathLike[str]

_HEADER_KEYS: Final = frozenset({"format", "version", "created_ms", "meta"})
_WHITESPACE: Final = b" \t\r\n"
_BOM: Final = b"\xef\xbb\xbf"


def _freeze_meta(value: Mapping[str, Any] | None) -> Mapping[str, Any]:
    """Copy ``meta`` into a read-only mapping so a header cannot change after the fact."""
    return MappingProxyType(dict(value or {}))


@attrs.frozen(kw_only=True)
class StreamHeader:
    """What a stream says about itself before its first event.

    Attributes:
        version: the stream format version the file was written with.
        created_ms: when the recording started (POSIX ms), as given by the
            writer's caller; ``None`` when unknown. The stream module never
            reads the wall clock itself: the caller owns the clock, which
            keeps simulated and replayed recordings reproducible.
        meta: free-form plain data about the recording (source, scenario,
            seed...). Round-trips as msgpack/JSON does: tuples come back as
            lists.
    """

    version: int
    created_ms: int | None
    meta: Mapping[str, Any] = attrs.field(converter=_freeze_meta)


def _header_record(header: StreamHeader) -> dict[str, Any]:
    return {
        "format": STREAM_FORMAT,
        "version": header.version,
        "created_ms": header.created_ms,
        "meta": dict(header.meta),
    }


# --------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------


def _format_for(path: PathArg, fmt: str | None) -> StreamFormat:
    """The encoding to write: ``fmt`` if given, else by suffix (``.jsonl`` or msgpack)."""
    if fmt is None:
        return "jsonl" if os.fspath(path).lower().endswith(".jsonl") else "msgpack"
    if fmt == "msgpack":
        return "msgpack"
    if fmt == "jsonl":
        return "jsonl"
    raise LocalProtocolError(f"unknown stream format {fmt!r} (expected 'msgpack' or 'jsonl')")


class StreamWriter:
    """Writes a stream incrementally, for recordings made while they happen.

    The data goes through a buffered file to ``<path>.tmp``; only a clean
    :meth:`close` (or leaving the ``with`` block normally) flushes, syncs and
    renames it to ``path``. Thus a file under the final name is always
    complete, and an existing file there is replaced atomically.

    When an exception leaves the ``with`` block (or :meth:`abort` is called)
    the recording is incomplete: the ``.tmp`` file is deleted and ``path`` is
    left untouched, so no half stream survives under either name. Only a hard
    crash (the process killed) can leave a ``.tmp`` behind; it is readable up
    to its last complete record, after which the reader reports it truncated.

    Two writers must not target the same path at once (they share ``.tmp``).
    """

    def __init__(
        self,
        path: PathArg,
        *,
        meta: Mapping[str, Any] | None = None,
        created_ms: int | None = None,
        fmt: str | None = None,
    ) -> None:
        self.path: Final = os.fspath(path)
        self.tmp_path: Final = self.path + ".tmp"
        self.fmt: Final[StreamFormat] = _format_for(path, fmt)
        if created_ms is not None and (
            not isinstance(created_ms, int) or isinstance(created_ms, bool)
        ):
            raise LocalProtocolError(
                f"created_ms: expected an integer or None, found {created_ms!r}"
            )
        if meta is not None and not isinstance(meta, Mapping):
            raise LocalProtocolError(f"meta: expected a mapping, found {meta!r}")
        bad_keys = [k for k in (meta or {}) if not isinstance(k, str)]
        if bad_keys:
            raise LocalProtocolError(f"meta: keys must be strings, found {bad_keys[0]!r}")
        self.header: Final = StreamHeader(
            version=STREAM_FORMAT_VERSION, created_ms=created_ms, meta=meta
        )
        self._packer = msgpack.Packer(use_bin_type=True)
        self._count = 0
        # Encode the header before touching the disk: bad meta leaves no file.
        data = self._encode(_header_record(self.header), "meta")
        self._file: IO[bytes] | None = open(self.tmp_path, "wb", buffering=_WRITE_BUFFER_SIZE)  # noqa: SIM115
        try:
            self._file.write(data)
        except BaseException:
            self.abort()
            raise

    @property
    def count(self) -> int:
        """How many events were written so far."""
        return self._count

    @property
    def closed(self) -> bool:
        """Whether the writer was closed or aborted."""
        return self._file is None

    def _encode(self, record: Mapping[str, Any], what: str) -> bytes:
        try:
            if self.fmt == "msgpack":
                return self._packer.pack(record)
            text = json.dumps(record, ensure_ascii=False, allow_nan=False)
        except (TypeError, ValueError, OverflowError) as exc:
            self._packer.reset()
            raise LocalProtocolError(f"{self.path}: {what}: cannot be encoded: {exc}") from exc
        return text.encode("utf-8") + b"\n"

    def write(self, event: Event) -> None:
        """Append one event. An event that cannot be encoded is refused whole."""
        if self._file is None:
            raise LocalProtocolError(f"{self.path}: stream writer is closed")
        if not isinstance(event, Event):
            raise LocalProtocolError(f"expected an Event, found {event!r}")
        data = self._encode(to_record(event), f"record {self._count + 1}")
        self._file.write(data)
        self._count += 1

    def close(self) -> None:
        """Finish the stream: flush, sync, and rename ``.tmp`` to the final path.

        Idempotent. If flushing fails the ``.tmp`` is removed and the error
        propagates, so a failed close leaves no file either.
        """
        f = self._file
        if f is None:
            return
        try:
            f.flush()
            os.fsync(f.fileno())
            f.close()
            self._file = None
            os.replace(self.tmp_path, self.path)
        except BaseException:
            self.abort()
            raise

    def abort(self) -> None:
        """Discard the recording: close and delete ``.tmp``; ``path`` is not touched."""
        f = self._file
        self._file = None
        try:
            if f is not None:
                f.close()
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.remove(self.tmp_path)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


def open_stream_writer(
    path: PathArg,
    *,
    meta: Mapping[str, Any] | None = None,
    created_ms: int | None = None,
    fmt: str | None = None,
) -> StreamWriter:
    """Start writing a stream to ``path`` (see :class:`StreamWriter` for the guarantees).

    ``fmt`` is ``"msgpack"`` or ``"jsonl"``; by default ``.jsonl`` files get
    JSON Lines and every other name msgpack. ``created_ms`` is the caller's
    clock reading; it is never taken from the wall clock here.
    """
    return StreamWriter(path, meta=meta, created_ms=created_ms, fmt=fmt)


def write_stream(
    path: PathArg,
    events: Iterable[Event],
    *,
    meta: Mapping[str, Any] | None = None,
    created_ms: int | None = None,
    fmt: str | None = None,
) -> int:
    """Write a whole stream and return how many events it holds.

    ``events`` is consumed lazily, so a generator of any length is fine. The
    file appears under ``path`` only if every event was written (see
    :class:`StreamWriter`).
    """
    with open_stream_writer(path, meta=meta, created_ms=created_ms, fmt=fmt) as writer:
        for event in events:
            writer.write(event)
    return writer.count


# --------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------

# A raw record: (index, where for messages, decoded object).
_Raw = tuple[int, str, Any]


def _detect_format(f: IO[bytes]) -> StreamFormat | None:
    """Sniff the encoding from the first non-whitespace byte; ``None`` for an empty file.

    No msgpack header (a map: 0x80-0x8f, 0xde, 0xdf) starts with ``{``,
    ``#`` or whitespace, so the test cannot mistake one for the other.
    Leaves ``f`` at its start.
    """
    first = True
    try:
        while True:
            chunk = f.read(4096)
            if not chunk:
                return None
            if first and chunk.startswith(_BOM):
                chunk = chunk[len(_BOM) :]
            first = False
            stripped = chunk.lstrip(_WHITESPACE)
            if stripped:
                return "jsonl" if stripped[:1] in (b"{", b"#") else "msgpack"
    finally:
        f.seek(0)


def _msgpack_records(f: IO[bytes], name: str) -> Generator[_Raw, None, None]:
    """Decode msgpack objects from ``f`` chunk by chunk, never holding the whole file.

    The unpacker parses incrementally, so ``max_buffer_size`` alone only bounds
    one contiguous piece (a string); the bytes of the pending record are
    counted as well so that no record can grow past the limit.
    """
    limit = MAX_RECORD_BYTES
    unpacker = msgpack.Unpacker(raw=False, strict_map_key=True, max_buffer_size=limit)
    too_big = f"record larger than the {limit} byte limit (max_buffer_size)"
    index = 0
    fed = 0  # bytes given to the unpacker
    done = 0  # offset just after the last complete record
    while True:
        chunk = f.read(READ_CHUNK_SIZE)
        if not chunk:
            break
        try:
            unpacker.feed(chunk)
        except msgpack.BufferFull:
            raise _error(name, index, too_big) from None
        fed += len(chunk)
        while True:
            try:
                obj = unpacker.unpack()
            except msgpack.OutOfData:
                break
            except (ValueError, TypeError, msgpack.UnpackException) as exc:
                detail = str(exc) or type(exc).__name__
                raise _error(name, index, f"invalid msgpack: {detail}") from None
            done = unpacker.tell()
            yield index, f"record {index}", obj
            index += 1
        if fed - done > limit:
            raise _error(name, index, too_big)
    # At EOF the unpacker keeps a partly parsed record without complaint:
    # bytes after the last complete record mean the file was cut short.
    leftover = fed - done
    if leftover:
        raise _error(
            name,
            index,
            f"truncated: the file ends inside this record ({leftover} byte(s) left over;"
            " was the writer interrupted?)",
        )


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")


def _jsonl_records(f: IO[bytes], name: str) -> Generator[_Raw, None, None]:
    """Decode one JSON value per line, skipping blank and ``#`` lines."""
    index = 0
    line_no = 0
    while True:
        line = f.readline(MAX_RECORD_BYTES + 1)
        if not line:
            return
        line_no += 1
        where = f"record {index} (line {line_no})"
        if len(line) > MAX_RECORD_BYTES and not line.endswith(b"\n"):
            raise RemoteProtocolError(
                f"{name}: {where}: line longer than the {MAX_RECORD_BYTES} byte limit"
            )
        if line_no == 1 and line.startswith(_BOM):
            line = line[len(_BOM) :]
        stripped = line.strip()
        if not stripped or stripped.startswith(b"#"):
            continue
        try:
            text = stripped.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise RemoteProtocolError(f"{name}: {where}: not UTF-8: {exc}") from None
        try:
            obj = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
        except json.JSONDecodeError as exc:
            raise RemoteProtocolError(
                f"{name}: {where}: invalid JSON: {exc.msg} at column {exc.colno}"
            ) from None
        except ValueError as exc:
            raise RemoteProtocolError(f"{name}: {where}: invalid JSON: {exc}") from None
        yield index, where, obj
        index += 1


def _error(name: str, index: int, what: str) -> RemoteProtocolError:
    return RemoteProtocolError(f"{name}: record {index}: {what}")


def _type_name(value: Any) -> str:
    return type(value).__name__


def _parse_header(name: str, where: str, obj: Any) -> StreamHeader:
    """Validate record 0; the checks run in an order that keeps messages useful."""
    prefix = f"{name}: {where}: not a statengine stream"
    if not isinstance(obj, Mapping):
        raise RemoteProtocolError(
            f"{prefix} (the first record is not a header map but {_type_name(obj)} {obj!r:.80})"
        )
    if obj.get("format") != STREAM_FORMAT:
        raise RemoteProtocolError(
            f"{prefix} (header 'format' is {obj.get('format')!r}, expected {STREAM_FORMAT!r})"
        )
    version = obj.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise RemoteProtocolError(
            f"{name}: {where}: invalid header: 'version' must be a positive integer,"
            f" found {version!r}"
        )
    if version > STREAM_FORMAT_VERSION:
        raise RemoteProtocolError(
            f"{name}: {where}: written by a newer statengine:"
            f" version {version} > {STREAM_FORMAT_VERSION}"
        )
    unknown = sorted(str(k) for k in obj if k not in _HEADER_KEYS)
    if unknown:
        raise RemoteProtocolError(
            f"{name}: {where}: invalid header: unknown key(s) {', '.join(unknown)}"
        )
    created_ms = obj.get("created_ms")
    if created_ms is not None and (not isinstance(created_ms, int) or isinstance(created_ms, bool)):
        raise RemoteProtocolError(
            f"{name}: {where}: invalid header: 'created_ms' must be an integer or null,"
            f" found {created_ms!r}"
        )
    meta = obj.get("meta", {})
    if not isinstance(meta, Mapping):
        raise RemoteProtocolError(
            f"{name}: {where}: invalid header: 'meta' must be a map, found {meta!r}"
        )
    return StreamHeader(version=version, created_ms=created_ms, meta=meta)


def _parse_event(name: str, where: str, obj: Any) -> Event:
    if not isinstance(obj, Mapping):
        raise RemoteProtocolError(
            f"{name}: {where}: expected an event map, found {_type_name(obj)} {obj!r:.80}"
        )
    try:
        return from_record(obj)
    except RemoteProtocolError as exc:
        raise RemoteProtocolError(f"{name}: {where}: invalid event record: {exc}") from exc


def _open_read(path: PathArg) -> tuple[IO[bytes], str]:
    name = os.fspath(path)
    try:
        f = open(name, "rb")  # noqa: SIM115 - owned by the caller's reader
    except FileNotFoundError:
        raise RemoteProtocolError(f"{name}: no such file") from None
    except OSError as exc:
        raise RemoteProtocolError(f"{name}: cannot open: {exc.strerror or exc}") from None
    return f, name


class StreamReader(Iterator[Event]):
    """An open stream: its :attr:`header` plus an iterator over its events.

    Created by :func:`read_stream` with the header already validated. Events
    are decoded one at a time as they are asked for. The file closes itself
    when the events run out or an error is raised; call :meth:`close` (or use
    ``with``) when stopping early.
    """

    def __init__(self, path: PathArg) -> None:
        f, name = _open_read(path)
        self.path: Final = name
        self._file: IO[bytes] | None = f
        self._records: Generator[_Raw, None, None] | None = None
        try:
            fmt = _detect_format(f)
            if fmt is None:
                raise RemoteProtocolError(
                    f"{name}: record 0: not a statengine stream (the file is empty, no header)"
                )
            self.fmt: Final[StreamFormat] = fmt
            records = _jsonl_records(f, name) if fmt == "jsonl" else _msgpack_records(f, name)
            self._records = records
            first = next(records, None)
            if first is None:
                raise RemoteProtocolError(
                    f"{name}: record 0: not a statengine stream (no header, only comments)"
                )
            _, where, obj = first
            self.header: Final = _parse_header(name, where, obj)
        except BaseException:
            self.close()
            raise

    def __iter__(self) -> Self:
        return self

    def __next__(self) -> Event:
        records = self._records
        if self._file is None or records is None:
            raise StopIteration
        try:
            raw = next(records, None)
            if raw is None:
                raise StopIteration
            _, where, obj = raw
            return _parse_event(self.path, where, obj)
        except BaseException:
            # Like a generator: after an error (or the end) the iteration is over.
            self.close()
            raise

    def close(self) -> None:
        """Release the file; further iteration yields nothing. Idempotent."""
        f = getattr(self, "_file", None)
        self._file = None
        records = getattr(self, "_records", None)
        if records is not None:
            records.close()
        if f is not None:
            f.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __del__(self) -> None:
        # An abandoned reader should not leak its file (nor a ResourceWarning).
        self.close()


def read_header(path: PathArg) -> StreamHeader:
    """Read and validate only the header of the stream at ``path``.

    Raises:
        RemoteProtocolError: missing file, not a stream, newer version...
    """
    with StreamReader(path) as reader:
        return reader.header


def read_stream(path: PathArg) -> StreamReader:
    """Open the stream at ``path`` and iterate over its events lazily.

    The file is opened and its header validated at once, so a wrong path or
    a file that is no stream fails here rather than at the first event; the
    header stays available as ``.header``. Events are not checked for time
    order (see the module docstring).

    Raises:
        RemoteProtocolError: for any problem with the file, now (header) or
            while iterating (events); the message names the file and record.
    """
    return StreamReader(path)
