"""Tests for statengine.streams: recorded CTI event streams on disk."""

from __future__ import annotations

import enum
import gc
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import msgpack
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from statengine import streams
from statengine.core import events as ev
from statengine.core.events import EVENT_TYPES, Event, RegisteredCall, to_record
from statengine.errors import LocalProtocolError, RemoteProtocolError, StatEngineError
from statengine.streams import (
    STREAM_FORMAT_VERSION,
    StreamHeader,
    open_stream_writer,
    read_header,
    read_stream,
    write_stream,
)

T0 = 1_700_000_000_000

SAMPLE: list[Event] = [
    ev.LinkConnected(time=T0, link="sw1"),
    ev.Registered(
        time=T0 + 1,
        link="sw1",
        dn="5001",
        agent_id="a1",
        agent_state=ev.AgentState.NotReady,
        work_mode=ev.WorkMode.AuxWork,
        reasons={"ReasonCode": "Lunch", "Code": 7},
        dn_idle=False,
        calls=(
            RegisteredCall(conn_id="c0", state=ev.LegState.Held, call_type=ev.CallType.Inbound),
            RegisteredCall(
                conn_id="c1", state=ev.LegState.Established, other_dn="6000", this_queue="q1"
            ),
        ),
    ),
    ev.AgentLogin(time=T0 + 2, link="sw1", dn="5002", agent_id="a2", this_queue="q1"),
    ev.AgentNotReady(
        time=T0 + 3,
        link="sw1",
        dn="5002",
        work_mode=ev.WorkMode.AfterCallWork,
        reasons={"why": "wrap"},
    ),
    ev.Ringing(
        time=T0 + 5,
        link="sw1",
        dn="5002",
        conn_id="c2",
        call_type=ev.CallType.Inbound,
        ani="+33 1 23",
        user_data={"Segment": "Gold", "Priority": 3, "ünïcødé": "✓"},
    ),
    # Out of time order on purpose: the reader must not care.
    ev.Released(
        time=T0 + 4, link="sw1", dn="5002", conn_id="c2", call_state=ev.CallState.Abandoned
    ),
    ev.PartyChanged(time=T0 + 6, link="sw1", dn="5002", conn_id="c3", previous_conn_id="c2"),
    ev.IxnAgentLogin(time=T0 + 7, link="ixn", agent_id="a3", place="p3", media={"email": 5}),
    ev.MediaNotReady(time=T0 + 8, link="ixn", agent_id="a3", place="p3", media="chat"),
    ev.Submitted(time=T0 + 9, link="ixn", ixn_id="i1", queue="inq", user_data={"k": "v"}),
    ev.AgentInvited(
        time=T0 + 10,
        link="ixn",
        ixn_id="i1",
        agent_id="a3",
        place="p3",
        ixn_type=ev.IxnType.Internal,
    ),
    ev.TakenFromQueue(
        time=T0 + 11, link="ixn", ixn_id="i1", queue="inq", party_type=ev.PartyType.Other
    ),
    ev.AgentSkillChanged(time=T0 + 12, link="cfg", tenant="t", agent_id="a1", skill="Fr", level=0),
    ev.AgentSkillChanged(time=T0 + 13, link="cfg", tenant="t", agent_id="a1", skill="Es"),
    ev.AgentAdded(
        time=T0 + 14,
        link="cfg",
        tenant="t",
        agent_id="a9",
        skills={"Fr": 5},
        logins={"sw1": "L9"},
    ),
    ev.UserEvent(time=-5, link="sw1", dn="", user_data={"": ""}),
]

FORMATS = ["msgpack", "jsonl"]
SUFFIX = {"msgpack": ".sestream", "jsonl": ".jsonl"}


def _path(tmp_path: Path, fmt: str, stem: str = "rec") -> Path:
    return tmp_path / f"{stem}{SUFFIX[fmt]}"


def _msgpack_bytes(*objs: Any) -> bytes:
    return b"".join(msgpack.packb(o, use_bin_type=True) for o in objs)


def _header(**over: Any) -> dict[str, Any]:
    header: dict[str, Any] = {
        "format": "statengine-stream",
        "version": 1,
        "created_ms": None,
        "meta": {},
    }
    header.update(over)
    return header


def _error(path: Path) -> str:
    """Read all of ``path`` and return the RemoteProtocolError message."""
    with pytest.raises(RemoteProtocolError) as info:
        list(read_stream(path))
    message = str(info.value)
    assert str(path) in message
    return message


# --------------------------------------------------------------------------
# Round trips
# --------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_sample(tmp_path: Path, fmt: str) -> None:
    path = _path(tmp_path, fmt)
    assert write_stream(path, SAMPLE, created_ms=T0, meta={"scenario": "s"}) == len(SAMPLE)
    assert list(read_stream(path)) == SAMPLE


@pytest.mark.parametrize("fmt", FORMATS)
def test_header_round_trip(tmp_path: Path, fmt: str) -> None:
    path = _path(tmp_path, fmt)
    meta = {"scenario": "rush hour", "seed": 42, "nested": {"a": [1, "x"]}, "none": None}
    write_stream(path, [], meta=meta, created_ms=T0)
    header = read_header(path)
    assert header == StreamHeader(version=STREAM_FORMAT_VERSION, created_ms=T0, meta=meta)
    with read_stream(path) as reader:
        assert reader.header == header
        assert reader.fmt == fmt
        assert list(reader) == []


def test_header_defaults(tmp_path: Path) -> None:
    path = tmp_path / "r.msgpack"
    write_stream(path, [])
    assert read_header(path) == StreamHeader(version=1, created_ms=None, meta={})


def test_header_meta_is_read_only(tmp_path: Path) -> None:
    path = tmp_path / "r.msgpack"
    write_stream(path, [], meta={"a": 1})
    with pytest.raises(TypeError):
        read_header(path).meta["a"] = 2  # type: ignore[index]


def test_format_chosen_by_suffix_and_fmt(tmp_path: Path) -> None:
    write_stream(tmp_path / "a.jsonl", SAMPLE[:2])
    write_stream(tmp_path / "a.JSONL", SAMPLE[:2])
    write_stream(tmp_path / "a.sestream", SAMPLE[:2])
    write_stream(tmp_path / "b.bin", SAMPLE[:2], fmt="jsonl")
    write_stream(tmp_path / "b.jsonl", SAMPLE[:2], fmt="msgpack")
    for name in ("a.jsonl", "a.JSONL", "b.bin"):
        lines = (tmp_path / name).read_text("utf-8").splitlines()
        assert json.loads(lines[0])["format"] == "statengine-stream"
        assert json.loads(lines[1]) == to_record(SAMPLE[0])
    for name in ("a.sestream", "b.jsonl"):
        unpacker = msgpack.Unpacker(raw=False)
        unpacker.feed((tmp_path / name).read_bytes())
        assert next(unpacker)["format"] == "statengine-stream"
    for name in ("a.jsonl", "a.sestream", "b.bin", "b.jsonl"):
        assert list(read_stream(tmp_path / name)) == SAMPLE[:2]


def test_unknown_fmt_refused(tmp_path: Path) -> None:
    with pytest.raises(LocalProtocolError, match="unknown stream format 'xml'"):
        write_stream(tmp_path / "a.xml", [], fmt="xml")
    assert list(tmp_path.iterdir()) == []


def test_jsonl_by_hand_with_comments_blank_lines_and_bom(tmp_path: Path) -> None:
    path = tmp_path / "hand.bin"  # suffix says nothing: content decides
    path.write_bytes(
        b"\xef\xbb\xbf\n"
        b"# a hand-written scenario\n"
        b"\n"
        b'{"format": "statengine-stream", "version": 1}\r\n'
        b"   # indented comment\n"
        b'{"type": "AgentLogin", "time": 10, "link": "sw1", "dn": "5001", "agent_id": "a1"}\n'
        b"\n"
        b'{"type": "AgentReady", "time": 5, "link": "sw1", "dn": "5001", "work_mode": "AutoIn"}'
    )
    assert read_header(path) == StreamHeader(version=1, created_ms=None, meta={})
    assert list(read_stream(path)) == [
        ev.AgentLogin(time=10, link="sw1", dn="5001", agent_id="a1"),
        ev.AgentReady(time=5, link="sw1", dn="5001", work_mode=ev.WorkMode.AutoIn),
    ]


def test_msgpack_content_detected_in_jsonl_named_file(tmp_path: Path) -> None:
    path = tmp_path / "liar.jsonl"
    path.write_bytes(_msgpack_bytes(_header(), to_record(SAMPLE[1])))
    assert list(read_stream(path)) == [SAMPLE[1]]


# --------------------------------------------------------------------------
# Property: any valid event survives both formats
# --------------------------------------------------------------------------

_INT64 = st.integers(min_value=-(2**63), max_value=2**63 - 1)
_TEXT = st.text(max_size=8)
_KV = st.dictionaries(_TEXT, st.one_of(_TEXT, _INT64), max_size=3)


def _field_strategy(owner: type, hint: Any) -> st.SearchStrategy[Any]:
    """A strategy for one attrs field, from its (string) annotation.

    Unknown annotations fail loudly, so a new field type in events.py shows up
    here instead of silently being generated wrong.
    """
    hint = hint if isinstance(hint, str) else getattr(hint, "__name__", repr(hint))
    simple: dict[str, st.SearchStrategy[Any]] = {
        "int": _INT64,
        "str": _TEXT,
        "bool": st.booleans(),
        "int | None": st.none() | _INT64,
        "KV": _KV,
        "Mapping[str, int]": st.dictionaries(_TEXT, _INT64, max_size=3),
        "Mapping[str, str]": st.dictionaries(_TEXT, _TEXT, max_size=3),
    }
    if hint == "tuple[RegisteredCall, ...]":
        return st.lists(_builds(RegisteredCall), max_size=3).map(tuple)
    if hint in simple:
        return simple[hint]
    enum_cls = getattr(ev, hint, None)
    if isinstance(enum_cls, type) and issubclass(enum_cls, enum.Enum):
        return st.sampled_from(list(enum_cls))
    raise AssertionError(f"no test strategy for {owner.__name__} field type {hint!r}")


def _builds(cls: type) -> st.SearchStrategy[Any]:
    fields = {f.name: _field_strategy(cls, f.type) for f in attrs.fields(cls)}
    return st.builds(cls, **fields)


EVENTS = st.one_of([_builds(cls) for cls in EVENT_TYPES.values()])


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("prop")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    events=st.lists(EVENTS, max_size=8),
    fmt=st.sampled_from(FORMATS),
    created_ms=st.none() | _INT64,
)
def test_round_trip_property(
    scratch: Path, events: list[Event], fmt: str, created_ms: int | None
) -> None:
    path = scratch / f"p{SUFFIX[fmt]}"
    assert write_stream(path, events, created_ms=created_ms, meta={"n": len(events)}) == len(events)
    with read_stream(path) as reader:
        assert reader.header.created_ms == created_ms
        assert reader.header.meta == {"n": len(events)}
        assert list(reader) == events


def test_strategy_covers_every_event_type() -> None:
    for cls in EVENT_TYPES.values():
        _builds(cls)  # raises for a field type the strategy does not know


# --------------------------------------------------------------------------
# Laziness
# --------------------------------------------------------------------------


class _CountingFile:
    """Wraps a binary file and counts the bytes handed to the reader."""

    def __init__(self, raw: Any, counter: list[int]) -> None:
        self._raw = raw
        self._counter = counter

    def read(self, n: int = -1) -> bytes:
        data: bytes = self._raw.read(n)
        self._counter[0] += len(data)
        return data

    def readline(self, n: int = -1) -> bytes:
        data: bytes = self._raw.readline(n)
        self._counter[0] += len(data)
        return data

    def __getattr__(self, name: str) -> Any:
        return getattr(self._raw, name)


def _many(n: int) -> Iterator[Event]:
    for i in range(n):
        yield ev.Ringing(
            time=T0 + i, link="sw1", dn="5001", conn_id=f"c{i}", user_data={"pad": "x" * 50}
        )


@pytest.mark.parametrize("fmt", FORMATS)
def test_reading_first_event_does_not_read_whole_file(
    tmp_path: Path, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _path(tmp_path, fmt)
    write_stream(path, _many(20_000))
    size = path.stat().st_size
    assert size > 1_000_000
    counter = [0]

    def counting_open(*args: Any, **kwargs: Any) -> _CountingFile:
        return _CountingFile(open(*args, **kwargs), counter)

    monkeypatch.setattr(streams, "open", counting_open, raising=False)
    reader = read_stream(path)
    first = next(reader)
    assert first.time == T0
    assert counter[0] <= 3 * streams.READ_CHUNK_SIZE < size
    reader.close()
    assert list(reader) == []  # closed: nothing more


@pytest.mark.parametrize("fmt", FORMATS)
def test_events_come_before_a_bad_tail_is_reached(tmp_path: Path, fmt: str) -> None:
    path = _path(tmp_path, fmt)
    write_stream(path, SAMPLE[:3])
    with open(path, "ab") as f:
        f.write(b"\xc1 garbage\n" * 10)
    reader = read_stream(path)
    assert [next(reader) for _ in range(3)] == SAMPLE[:3]
    with pytest.raises(RemoteProtocolError, match="record 4"):
        next(reader)
    assert list(reader) == []  # like a generator: over after the error


def test_abandoned_reader_does_not_leak_its_file(tmp_path: Path) -> None:
    path = tmp_path / "r.msgpack"
    write_stream(path, SAMPLE)
    reader = read_stream(path)
    next(reader)
    del reader
    gc.collect()  # a ResourceWarning would fail the test (filterwarnings = error)


def test_writer_consumes_events_lazily(tmp_path: Path) -> None:
    seen: list[int] = []

    def gen() -> Iterator[Event]:
        for event in _many(5):
            seen.append(event.time)
            yield event

    assert write_stream(tmp_path / "g.msgpack", gen()) == 5
    assert len(seen) == 5


# --------------------------------------------------------------------------
# StreamWriter: temporary file, rename on clean close
# --------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_writer_renames_on_close(tmp_path: Path, fmt: str) -> None:
    path = _path(tmp_path, fmt)
    tmp = Path(str(path) + ".tmp")
    with open_stream_writer(path, meta={"sim": True}, created_ms=T0) as writer:
        assert writer.fmt == fmt
        for event in SAMPLE:
            writer.write(event)
        assert writer.count == len(SAMPLE)
        assert tmp.exists()
        assert not path.exists()
    assert path.exists()
    assert not tmp.exists()
    assert writer.closed
    writer.close()  # idempotent
    assert read_header(path).meta == {"sim": True}
    assert list(read_stream(path)) == SAMPLE


def test_writer_replaces_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "r.msgpack"
    write_stream(path, SAMPLE)
    write_stream(path, SAMPLE[:1])
    assert list(read_stream(path)) == SAMPLE[:1]


def test_exception_in_with_block_leaves_no_file(tmp_path: Path) -> None:
    path = tmp_path / "r.msgpack"

    def record_then_fail() -> None:
        with open_stream_writer(path) as writer:
            writer.write(SAMPLE[0])
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        record_then_fail()
    assert list(tmp_path.iterdir()) == []  # neither the final file nor the .tmp


def test_exception_keeps_previous_file(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    write_stream(path, SAMPLE[:2])

    def failing() -> Iterator[Event]:
        yield SAMPLE[0]
        raise RuntimeError("source died")

    with pytest.raises(RuntimeError, match="source died"):
        write_stream(path, failing())
    assert list(read_stream(path)) == SAMPLE[:2]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.jsonl"]


def test_abort_discards(tmp_path: Path) -> None:
    path = tmp_path / "r.msgpack"
    writer = open_stream_writer(path)
    writer.write(SAMPLE[0])
    writer.abort()
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(LocalProtocolError, match="closed"):
        writer.write(SAMPLE[0])


def test_write_after_close_refused(tmp_path: Path) -> None:
    writer = open_stream_writer(tmp_path / "r.msgpack")
    writer.close()
    with pytest.raises(LocalProtocolError, match="closed"):
        writer.write(SAMPLE[0])


def test_crashed_writer_tmp_reads_as_truncated(tmp_path: Path) -> None:
    path = tmp_path / "r.msgpack"
    writer = open_stream_writer(path)
    for event in SAMPLE:
        writer.write(event)
    writer._file.flush()  # type: ignore[union-attr]  # simulate a kill mid-write
    tmp = Path(writer.tmp_path)
    tmp.write_bytes(tmp.read_bytes()[:-3])
    assert "truncated" in _error(tmp)
    writer.abort()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"meta": {"x": object()}}, "meta: cannot be encoded"),
        ({"meta": {1: "x"}}, "keys must be strings"),
        ({"meta": ["x"]}, "expected a mapping"),
        ({"created_ms": 1.5}, "created_ms"),
        ({"created_ms": True}, "created_ms"),
    ],
)
def test_bad_writer_arguments_leave_no_file(
    tmp_path: Path, kwargs: dict[str, Any], match: str
) -> None:
    with pytest.raises(LocalProtocolError, match=match):
        open_stream_writer(tmp_path / "r.msgpack", **kwargs)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_unencodable_event_refused_whole(tmp_path: Path, fmt: str) -> None:
    path = _path(tmp_path, fmt)
    bad = ev.UserEvent(time=1, link="l", dn="d", user_data={"x": object()})
    with open_stream_writer(path) as writer:
        writer.write(SAMPLE[0])
        with pytest.raises(LocalProtocolError, match="record 2: cannot be encoded"):
            writer.write(bad)
        writer.write(SAMPLE[1])
    assert list(read_stream(path)) == SAMPLE[:2]


def test_write_non_event_refused(tmp_path: Path) -> None:
    with (
        pytest.raises(LocalProtocolError, match="expected an Event"),
        open_stream_writer(tmp_path / "r.msgpack") as writer,
    ):
        writer.write({"type": "LinkConnected"})  # type: ignore[arg-type]


# --------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.msgpack"
    for call in (read_header, read_stream):
        with pytest.raises(RemoteProtocolError, match="no such file") as info:
            call(path)
        assert str(path) in str(info.value)
        assert isinstance(info.value, StatEngineError)


def test_directory_is_not_a_stream(tmp_path: Path) -> None:
    with pytest.raises(RemoteProtocolError, match="cannot open"):
        read_stream(tmp_path)


def test_header_errors_raise_at_open(tmp_path: Path) -> None:
    path = tmp_path / "empty.msgpack"
    path.write_bytes(b"")
    with pytest.raises(RemoteProtocolError, match="record 0: not a statengine stream"):
        read_stream(path)  # no iteration needed


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "empty"),
        (b"  \n\t ", "empty"),
        (b"# only a comment\n\n", "no header"),
        (_msgpack_bytes(5), "not a header map but int 5"),
        (_msgpack_bytes([_header()]), "not a header map but list"),
        (_msgpack_bytes({"hello": "world"}), "header 'format' is None"),
        (_msgpack_bytes(_header(format="other")), "header 'format' is 'other'"),
        (b'{"hello": "world"}\n', "header 'format' is None"),
        (b"[1, 2]\n", "not a header map"),
        (b"\x00\x01\x02garbage", "not a header map"),
    ],
)
def test_not_a_stream(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "x.bin"
    path.write_bytes(content)
    message = _error(path)
    assert "record 0" in message
    assert "not a statengine stream" in message
    assert expected in message


@pytest.mark.parametrize("fmt", FORMATS)
def test_newer_version(tmp_path: Path, fmt: str) -> None:
    path = _path(tmp_path, fmt)
    header = _header(version=2, new_key="from the future")
    if fmt == "jsonl":
        path.write_text(json.dumps(header) + "\n")
    else:
        path.write_bytes(_msgpack_bytes(header))
    message = _error(path)
    assert "record 0" in message
    assert "written by a newer statengine: version 2 > 1" in message
    with pytest.raises(RemoteProtocolError, match="version 2 > 1"):
        read_header(path)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (_header(version="1"), "'version' must be a positive integer, found '1'"),
        (_header(version=0), "'version' must be a positive integer, found 0"),
        (_header(version=True), "'version' must be a positive integer"),
        (_header(created_ms="now"), "'created_ms' must be an integer or null"),
        (_header(meta=[1]), "'meta' must be a map"),
        (_header(crated_ms=1), "unknown key(s) crated_ms"),
    ],
)
def test_invalid_header(tmp_path: Path, header: dict[str, Any], expected: str) -> None:
    path = tmp_path / "x.msgpack"
    path.write_bytes(_msgpack_bytes(header))
    message = _error(path)
    assert "record 0: invalid header" in message
    assert expected in message


def test_truncated_msgpack(tmp_path: Path) -> None:
    path = tmp_path / "r.msgpack"
    write_stream(path, SAMPLE[:3])
    data = path.read_bytes()
    path.write_bytes(data[:-2])
    reader = read_stream(path)
    assert [next(reader), next(reader)] == SAMPLE[:2]
    with pytest.raises(RemoteProtocolError) as info:
        next(reader)
    message = str(info.value)
    assert str(path) in message
    assert "record 3: truncated" in message
    assert "left over" in message


def test_truncated_inside_header(tmp_path: Path) -> None:
    path = tmp_path / "r.msgpack"
    path.write_bytes(_msgpack_bytes(_header())[:-1])
    assert "record 0: truncated" in _error(path)


def test_record_not_a_map_msgpack(tmp_path: Path) -> None:
    path = tmp_path / "r.msgpack"
    path.write_bytes(_msgpack_bytes(_header(), to_record(SAMPLE[0]), [1, 2]))
    message = _error(path)
    assert "record 2: expected an event map, found list [1, 2]" in message


def test_record_not_a_map_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(_header()) + "\n\n" + '"just a string"\n')
    message = _error(path)
    assert "record 1 (line 3): expected an event map, found str 'just a string'" in message


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ({"type": "Nope", "time": 1, "link": "l"}, "unknown event type 'Nope'"),
        ({"type": "Ringing", "time": 1, "link": "l", "dn": "d"}, "missing field(s) conn_id"),
        ({"type": "LinkConnected", "time": "1", "link": "l"}, "expected an integer"),
        ({"type": "LinkConnected", "time": 1, "link": "l", "x": 1}, "unknown field 'x'"),
        (
            {"type": "AgentReady", "time": 1, "link": "l", "dn": "d", "work_mode": "Sleepy"},
            "expected one of",
        ),
    ],
)
@pytest.mark.parametrize("fmt", FORMATS)
def test_invalid_event_record(
    tmp_path: Path, fmt: str, record: dict[str, Any], expected: str
) -> None:
    path = _path(tmp_path, fmt)
    records = [_header(), to_record(SAMPLE[0]), record]
    if fmt == "jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in records))
    else:
        path.write_bytes(_msgpack_bytes(*records))
    with pytest.raises(RemoteProtocolError) as info:
        list(read_stream(path))
    message = str(info.value)
    assert str(path) in message
    assert "record 2" in message
    assert "invalid event record" in message
    assert expected in message
    assert isinstance(info.value.__cause__, RemoteProtocolError)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (b'{"type": "LinkConnected", "time": 1,', "invalid JSON: Expecting property name"),
        (b'{"type": "LinkConnected"} trailing', "invalid JSON: Extra data at column 27"),
        (b'{"type": "A", "type": "B"}', "invalid JSON: duplicate key 'type'"),
        (b'{"time": NaN}', "invalid JSON: NaN is not allowed"),
        (b'{"link": "\xff"}', "not UTF-8"),
    ],
)
def test_invalid_json_names_the_line(tmp_path: Path, line: bytes, expected: str) -> None:
    path = tmp_path / "r.jsonl"
    header = json.dumps(_header()).encode()
    event = json.dumps(to_record(SAMPLE[0])).encode()
    path.write_bytes(b"# comment\n" + header + b"\n" + event + b"\n\n" + line + b"\n")
    message = _error(path)
    assert "record 2 (line 5)" in message
    assert expected in message


def test_invalid_json_header_line(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_bytes(b'{"format": "statengine-stream",\n')
    message = _error(path)
    assert "record 0 (line 1): invalid JSON" in message


def test_invalid_msgpack(tmp_path: Path) -> None:
    path = tmp_path / "r.msgpack"
    path.write_bytes(_msgpack_bytes(_header()) + b"\xc1")
    assert "record 1: invalid msgpack" in _error(path)


def test_non_string_map_key_refused(tmp_path: Path) -> None:
    path = tmp_path / "r.msgpack"
    path.write_bytes(_msgpack_bytes(_header(), {1: 2}))
    message = _error(path)
    assert "record 1: invalid msgpack" in message
    assert "strict_map_key" in message


@pytest.mark.parametrize(
    "user_data",
    [
        {f"k{i}": "v" * 20 for i in range(100)},  # many small pieces
        {"k": "v" * 2000},  # one string bigger than the unpacker buffer
    ],
)
def test_record_over_the_size_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, user_data: dict[str, str]
) -> None:
    path = tmp_path / "r.msgpack"
    big = ev.UserEvent(time=1, link="l", dn="d", user_data=user_data)
    write_stream(path, [SAMPLE[0], big])
    monkeypatch.setattr(streams, "MAX_RECORD_BYTES", 1024)
    monkeypatch.setattr(streams, "READ_CHUNK_SIZE", 256)
    message = _error(path)
    assert "record 2: record larger than the 1024 byte limit (max_buffer_size)" in message


def test_jsonl_line_over_the_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "r.jsonl"
    big = ev.UserEvent(time=1, link="l", dn="d", user_data={"k": "v" * 2000})
    write_stream(path, [SAMPLE[0], big])
    monkeypatch.setattr(streams, "MAX_RECORD_BYTES", 1024)
    assert "record 2 (line 3): line longer than the 1024 byte limit" in _error(path)
