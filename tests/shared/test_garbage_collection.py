"""The command line's imports run without the cyclic collector and end in the permanent generation."""

from __future__ import annotations

import gc
import subprocess
import sys
import textwrap

from tests.conftest import ROOT


def test_modules_loaded_once_collects_nothing_meanwhile_and_freezes_what_it_loaded():
    # In a fresh interpreter: the test process's own collector state is not the test's to change.
    script = textwrap.dedent(
        """
        import gc, json
        from pipelines.shared.garbage_collection import modules_loaded_once

        before = sum(s["collections"] for s in gc.get_stats())
        with modules_loaded_once():
            import pandas  # about 100 000 tracked objects, many in cycles
            during = sum(s["collections"] for s in gc.get_stats())
        print(json.dumps({"collections": during - before, "frozen": gc.get_freeze_count(), "enabled": gc.isenabled()}))
        """
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    import json

    seen = json.loads(out)
    assert seen["collections"] == 0
    assert seen["frozen"] > 50_000  # pandas, numpy and what they made: never scanned again
    assert seen["enabled"] is True  # the collector works again for the build's own garbage


def test_the_collector_state_of_the_caller_is_restored():
    from pipelines.shared.garbage_collection import modules_loaded_once

    gc.disable()
    try:
        with modules_loaded_once():
            pass
        assert not gc.isenabled()  # it was off before: it stays off
    finally:
        gc.enable()
        gc.unfreeze()
