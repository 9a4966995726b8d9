"""The project's YAML loader: safe, bounded, and precise about where a file is wrong."""

from __future__ import annotations

import time

import pytest
import yaml

from pipelines.editions import load_editions
from pipelines.yamlfiles import MAX_BYTES, Field, YamlError, load_yaml
from tests.conftest import SOURCES

SCHEMA = Field("mapping", required=True, keys={
    "id": Field(required=True, example="afml-14"),
    "title": Field(),
    "period": Field("mapping", keys={"start": Field("date", required=True, example="2020-01-01"), "end": Field("date")}),
})


def write(tmp_path, text: str, name: str = "file.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def alias_bomb() -> str:
    """Nine levels of nine aliases each: about 1 kB that PyYAML's safe_load expands into 9**9 strings."""
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 9):
        name, previous = chr(ord("a") + level), chr(ord("a") + level - 1)
        lines.append(f"{name}: &{name} [{', '.join(['*' + previous] * 9)}]")
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_is_refused_at_once_with_file_and_line(tmp_path):
    bomb = alias_bomb()
    assert len(bomb) < 1100
    path = write(tmp_path, bomb)
    started = time.monotonic()
    with pytest.raises(YamlError) as caught:
        load_yaml(path)
    assert time.monotonic() - started < 1
    assert caught.value.file.endswith("file.yaml") and caught.value.line == 1
    assert "anchor (&a)" in str(caught.value) and "write each value out in full" in str(caught.value)


def test_an_alias_to_a_plain_value_is_refused_too(tmp_path):
    # an anchor on its own is refused first; an alias without one is a YAML error with its line
    path = write(tmp_path, "id: x\ntitle: *nowhere\n")
    with pytest.raises(YamlError) as caught:
        load_yaml(path)
    assert caught.value.line == 2


def test_malformed_yaml_names_file_and_line(tmp_path):
    path = write(tmp_path, "id: afml-14\ntitle: Progress: a review\nperiod: {start: 2020-01-01\n")
    with pytest.raises(YamlError) as caught:
        load_yaml(path, SCHEMA)
    message = str(caught.value)
    assert message.startswith(f"{path.as_posix()}, line 2: not valid YAML")
    assert "quotes around a value" in message and "'" not in message


def test_a_misspelt_key_is_named_with_its_line_and_the_nearest_key(tmp_path):
    path = write(tmp_path, "id: afml-14\ntitel: A review\nperiod:\n  start: 2020-01-01\n  ennd: 2021-01-01\n")
    with pytest.raises(YamlError) as caught:
        load_yaml(path, SCHEMA)
    problems = [str(p) for p in caught.value.problems]
    assert len(problems) == 2  # both found in one pass
    assert problems[0].endswith('line 2: unknown key "titel"; did you mean "title"? (allowed here: id, title, period)')
    assert 'line 5: unknown key "ennd" (in period); did you mean "end"?' in problems[1]


def test_a_missing_key_says_what_to_add(tmp_path):
    path = write(tmp_path, "title: A review\nperiod:\n  end: 2021-01-01\n")
    with pytest.raises(YamlError) as caught:
        load_yaml(path, SCHEMA)
    problems = [str(p) for p in caught.value.problems]
    assert any('line 1: "id" is missing; add a line such as  id: afml-14' in p for p in problems)
    assert any('line 3: "start" is missing in period (which starts on this line); add a line such as  start: 2020-01-01' in p for p in problems)


def test_a_wrong_kind_of_value_is_named(tmp_path):
    path = write(tmp_path, "id: x\nperiod: 2020\n")
    with pytest.raises(YamlError, match=r'line 2: period should be a mapping .* not "2020"'):
        load_yaml(path, SCHEMA)


def test_a_key_written_twice_is_refused(tmp_path):
    path = write(tmp_path, "id: a\ntitle: b\nid: c\n")
    with pytest.raises(YamlError, match=r'line 3: the key "id" is written twice \(first on line 1\)'):
        load_yaml(path)


def test_size_and_encoding_are_checked_before_parsing(tmp_path):
    big = write(tmp_path, "x: " + "a" * (MAX_BYTES + 10) + "\n", "big.yaml")
    with pytest.raises(YamlError, match="at most"):
        load_yaml(big)
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("id: x\ntitle: Caf\xe9\n".encode("latin-1"))
    with pytest.raises(YamlError, match="line 2: is not UTF-8 text; save the file as UTF-8"):
        load_yaml(latin)


def test_keys_stay_text_and_values_keep_their_lines(tmp_path):
    path = write(tmp_path, "NO: Norway\n2019: a year\nlist:\n  - one\n  - two\n")
    data = load_yaml(path)
    assert list(data) == ["NO", "2019", "list"]
    assert data.line_of("list") == 3 and data["list"].line_of(1) == 5


def test_the_real_files_read_as_before(tmp_path):
    """The loader gives the same values as yaml.safe_load on every YAML file the project reads."""
    files = [SOURCES / "editions.yaml", *sorted(SOURCES.glob("editions/*/tables/*.yaml")), *sorted(SOURCES.glob("editions/*/narrative/*.yaml"))]
    assert len(files) > 5
    for path in files:
        assert load_yaml(path) == yaml.safe_load(path.read_text(encoding="utf-8")), path.name


def test_editions_yaml_names_a_misspelt_key_and_a_dangling_previous_edition(sources_copy):
    path = sources_copy / "editions.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    subtitle:", "    subtitel:").replace("previous_edition: null", "previous_edition: afml-12"), encoding="utf-8")
    line = next(i for i, row in enumerate(path.read_text().splitlines(), 1) if "subtitel" in row)
    with pytest.raises(YamlError) as caught:
        load_editions(sources_copy)
    assert f'editions.yaml, line {line}: unknown key "subtitel" (in editions, item 1); did you mean "subtitle"?' in str(caught.value)
    path.write_text(text.replace("previous_edition: null", "previous_edition: afml-12"), encoding="utf-8")
    with pytest.raises(YamlError, match=r'line \d+: previous_edition "afml-12" is not an edition of this file; did you mean "afml-13"\?'):
        load_editions(sources_copy)
