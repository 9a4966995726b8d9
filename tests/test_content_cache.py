"""The content cache gives back exactly what was computed for the same key, and nothing else."""

from __future__ import annotations

import importlib
import sys

import pytest

from pipelines.shared import content_cache
from pipelines.shared.content_cache import cache_folder, cached, code_identity


def counting(value: bytes, calls: list):
    def compute() -> bytes:
        calls.append(value)
        return value

    return compute


def test_a_result_is_computed_once_per_key_inside_a_cache_folder(tmp_path):
    calls = []
    with cache_folder(tmp_path):
        assert cached("charts", b"key-1", counting(b"<svg>1</svg>", calls)) == b"<svg>1</svg>"
        assert cached("charts", b"key-1", counting(b"something else", calls)) == b"<svg>1</svg>"
        assert cached("charts", b"key-2", counting(b"<svg>2</svg>", calls)) == b"<svg>2</svg>"
    assert calls == [b"<svg>1</svg>", b"<svg>2</svg>"]
    assert len(list((tmp_path / "charts").iterdir())) == 2


def test_outside_a_cache_folder_nothing_is_kept(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    calls = []
    cached("charts", b"key", counting(b"a", calls))
    cached("charts", b"key", counting(b"a", calls))
    assert calls == [b"a", b"a"]
    assert list(tmp_path.iterdir()) == []


def test_the_code_identity_changes_with_the_module_source_and_so_does_the_entry(tmp_path, monkeypatch):
    module = tmp_path / "drawing_code_for_test.py"
    module.write_text("WIDTH = 1\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    code_identity.cache_clear()
    before = code_identity(("drawing_code_for_test",), ("matplotlib",))
    module.write_text("WIDTH = 2\n", encoding="utf-8")
    code_identity.cache_clear()
    after = code_identity(("drawing_code_for_test",), ("matplotlib",))
    code_identity.cache_clear()
    sys.modules.pop("drawing_code_for_test", None)
    assert before != after
    calls = []
    with cache_folder(tmp_path / "cache"):
        cached("charts", before + b"same arguments", counting(b"old drawing", calls))
        assert cached("charts", after + b"same arguments", counting(b"new drawing", calls)) == b"new drawing"
    assert calls == [b"old drawing", b"new drawing"]


def test_the_folder_keeps_only_the_most_recently_used_entries(tmp_path, monkeypatch):
    import hashlib
    import os

    monkeypatch.setattr(content_cache, "KEEP", 3)
    with cache_folder(tmp_path):
        for index in range(5):
            key = f"key-{index}".encode()
            cached("fonts", key, counting(f"font {index}".encode(), []))
            written = tmp_path / "fonts" / hashlib.sha256(key).hexdigest()
            os.utime(written, (1_000 + index, 1_000 + index))  # written in this order, a second apart
    kept = sorted(p.read_bytes() for p in (tmp_path / "fonts").iterdir())
    assert kept == [b"font 2", b"font 3", b"font 4"]


def test_a_failed_computation_leaves_no_entry(tmp_path):
    def fails() -> bytes:
        raise RuntimeError("matplotlib could not draw")

    with cache_folder(tmp_path), pytest.raises(RuntimeError):
        cached("charts", b"key", fails)
    assert not (tmp_path / "charts").exists() or list((tmp_path / "charts").iterdir()) == []


def test_the_package_digest_covers_every_file_the_pipeline_ships_and_not_its_bytecode(tmp_path):
    """The build's provenance and the survey cache key on it: a locale catalog is code too."""
    import shutil

    from pipelines.shared.content_cache import package_digest
    from tests.conftest import ROOT

    package = tmp_path / "pipelines"
    shutil.copytree(ROOT / "pipelines", package, ignore=shutil.ignore_patterns("__pycache__"))
    before = package_digest(package)
    (package / "__pycache__").mkdir()
    (package / "__pycache__" / "x.pyc").write_bytes(b"compiled")
    assert package_digest(package) == before
    catalog = next(package.glob("survey/locale/*/LC_MESSAGES/*.po"))
    catalog.write_text(catalog.read_text(encoding="utf-8") + "\n# a translator's edit\n", encoding="utf-8")
    assert package_digest(package) != before
