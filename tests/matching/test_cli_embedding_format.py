"""The sentence embedding's compact JSON form (base64 of little-endian float32/float16 values) next to the list form:
the same vector once loaded, the same run, and bad values exit 2 naming the item."""

import base64
import copy
import json

import numpy as np
import pytest

from matching.__main__ import main
from matching.engine import MatchSession, load_problem
from matching.engine.problem import EMBEDDING_DIMENSIONS, encode_embedding

from .test_cli import PROBLEM


def vector(seed: int) -> list[float]:
    values = np.random.default_rng(seed).standard_normal(EMBEDDING_DIMENSIONS)
    return [round(float(x), 5) for x in values / np.linalg.norm(values)]


def with_embeddings(compact: str | None) -> dict:
    data = copy.deepcopy(PROBLEM)
    for seed, item in enumerate(data["challenges"] + data["startups"]):
        values = vector(seed)
        item["embedding"] = values if compact is None else encode_embedding(values, compact)
    return data


def test_compact_float32_loads_the_same_vectors_and_gives_the_same_run():
    listed, compact = load_problem(with_embeddings(None)), load_problem(with_embeddings("float32"))
    for a, b in zip(listed.startups + listed.challenges, compact.startups + compact.challenges, strict=True):
        assert b.embedding.dtype == np.float32 and np.array_equal(a.embedding, b.embedding)
    first = MatchSession(listed).propose().to_json()
    second = MatchSession(compact).propose().to_json()
    first.pop("durations_s"), second.pop("durations_s")
    assert first == second


def test_compact_float16_is_accepted_within_half_precision():
    data = with_embeddings("float16")
    assert len(base64.b64decode(data["startups"][0]["embedding"]["base64"])) == 2 * EMBEDDING_DIMENSIONS
    loaded = load_problem(data).startups[0].embedding
    expected = np.asarray(vector(len(PROBLEM["challenges"])), dtype=np.float32)
    assert np.abs(loaded - expected / np.linalg.norm(expected)).max() < 1e-3
    assert abs(float(np.linalg.norm(loaded)) - 1.0) < 1e-5


def test_encoding_is_little_endian_base64_of_the_values():
    encoded = encode_embedding([1.0] + [0.0] * (EMBEDDING_DIMENSIONS - 1))
    assert encoded["dtype"] == "float32" and encoded["dimensions"] == EMBEDDING_DIMENSIONS
    assert base64.b64decode(encoded["base64"])[:4] == b"\x00\x00\x80\x3f"  # 1.0f, little-endian


def bad_base64(item):
    item["embedding"]["base64"] = item["embedding"]["base64"][:-4] + "!!!!"


def short(item):
    item["embedding"]["base64"] = base64.b64encode(np.zeros(10, "<f4").tobytes()).decode()


def non_finite(item):
    values = np.ones(EMBEDDING_DIMENSIONS, "<f4")
    values[7] = np.nan
    item["embedding"]["base64"] = base64.b64encode(values.tobytes()).decode()


def zeros(item):
    item["embedding"] = encode_embedding(np.zeros(EMBEDDING_DIMENSIONS))


@pytest.mark.parametrize(
    "mutate, message",
    [
        (bad_base64, 'startups[1] (id "mimamori"): embedding base64 is not valid base64'),
        (
            short,
            'startups[1] (id "mimamori"): embedding base64 holds 40 bytes, expected 1536 (384 float32 values)',
        ),
        (non_finite, 'startups[1] (id "mimamori"): embedding must be finite and not all zero'),
        (zeros, 'startups[1] (id "mimamori"): embedding must be finite and not all zero'),
        (
            lambda item: item["embedding"].update(dtype="float64"),
            "startups[1] (id \"mimamori\"): embedding dtype must be one of float32, float16, got 'float64'",
        ),
        (
            lambda item: item["embedding"].update(dimensions=768),
            'startups[1] (id "mimamori"): embedding dimensions must be 384, got 768',
        ),
        (
            lambda item: item["embedding"].update(base64=None),
            'startups[1] (id "mimamori"): embedding base64 must be a string, got NoneType',
        ),
        (
            lambda item: item["embedding"].pop("dimensions"),
            "startups[1] (id \"mimamori\"): embedding: missing key(s) 'dimensions'",
        ),
        (
            lambda item: item["embedding"].update(scale=1),
            "startups[1] (id \"mimamori\"): embedding: unknown key(s) 'scale'",
        ),
        (
            lambda item: item.update(embedding="AAAA"),
            'startups[1] (id "mimamori"): embedding must be a list of 384 numbers, {"dtype", "dimensions", '
            '"base64"} or null',
        ),
    ],
)
def test_bad_compact_embedding_exits_2_naming_the_item(tmp_path, capsys, mutate, message):
    data = with_embeddings("float32")
    mutate(data["startups"][1])
    source, target = tmp_path / "input.json", tmp_path / "output.json"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert main(["propose", str(source), "-o", str(target)]) == 2
    assert message in capsys.readouterr().err
    assert not target.exists()


def test_cli_output_is_the_same_document_one_proposal_per_line(tmp_path):
    source, target = tmp_path / "input.json", tmp_path / "output.json"
    source.write_text(json.dumps(with_embeddings("float32"), ensure_ascii=False), encoding="utf-8")
    assert main(["propose", str(source), "-o", str(target)]) == 0
    text = target.read_text(encoding="utf-8")
    document = json.loads(text)
    expected = MatchSession(load_problem(with_embeddings("float32"))).propose().to_json()
    document.pop("durations_s"), expected.pop("durations_s")
    assert document == expected
    lines = text.splitlines()
    assert lines[0] == "{" and lines[1] == ' "proposals": ['
    end = lines.index(" ],")
    assert [json.loads(line.rstrip(",")) for line in lines[2:end]] == expected["proposals"]
