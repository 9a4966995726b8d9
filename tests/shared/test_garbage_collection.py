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


def test_return_freed_memory_gives_freed_heap_pages_back_to_the_system():
    # In a fresh interpreter: 80 MB in 2 kB blocks (malloc's heap, not Python's own arenas), all
    # freed but the last, which keeps the heap from shrinking by itself.
    script = textwrap.dedent(
        """
        import json
        from pipelines.shared.garbage_collection import return_freed_memory

        def resident_mb():
            with open("/proc/self/status") as status:
                return int(next(line for line in status if line.startswith("VmRSS:")).split()[1]) / 1024

        blocks = [bytes(2048) for _ in range(40_000)]
        last = blocks[-1]
        del blocks
        freed = resident_mb()
        trimmed = return_freed_memory()
        print(json.dumps({"trimmed": trimmed, "freed": freed, "after": resident_mb(), "kept": len(last)}))
        """
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    import json

    seen = json.loads(out)
    assert seen["trimmed"] is True  # glibc, as on Debian
    assert seen["freed"] - seen["after"] > 60


def test_the_command_line_loads_dagster_and_pandas_without_a_collection():
    # `python -m pipelines ...` imports the settings (Dagster, pandas) before any command runs; with
    # the collector on, those imports cost 0.1-0.25 s more (each full collection rescans them).
    script = textwrap.dedent(
        """
        import gc, json, sys
        full = []
        gc.callbacks.append(lambda phase, info: full.append(1) if phase == "start" and info["generation"] == 2 else None)
        from pipelines import cli
        # an edition sources/editions.yaml does not declare: the command loads everything, then stops
        status = cli.main(["build", "--edition", "no-such-edition"])
        assert status == 2, status
        print(json.dumps({"full_collections": len(full), "dagster": "dagster" in sys.modules, "pandas": "pandas" in sys.modules, "frozen": gc.get_freeze_count()}))
        """
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    import json

    seen = json.loads(out.strip().splitlines()[-1])
    assert seen["dagster"] and seen["pandas"]  # what the start-up loads (else the test proves nothing)
    assert seen["full_collections"] == 0
    assert seen["frozen"] > 100_000


def test_a_build_that_reads_no_catalog_table_does_not_load_pandera():
    # pandera (about 0.05 s to load) is imported when a catalog table is validated, not with the
    # definitions: a rebuild after a narrative change reads none.
    script = "import sys, pipelines.cli, pipelines.definitions; print('pandera' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_garbage_of_block_freed_collects_the_blocks_cycles_and_leaves_older_objects_to_the_collector():
    # In a fresh interpreter, with the collector off as in the PDF's layout processes.
    script = textwrap.dedent(
        """
        import gc, json, weakref
        from pipelines.shared.garbage_collection import garbage_of_block_freed

        class Node:
            pass

        def cycle():
            node = Node()
            node.itself = node
            return weakref.ref(node)

        gc.disable()
        older = cycle()
        with garbage_of_block_freed():
            newer = cycle()
        seen = {"newer_freed": newer() is None, "older_left": older() is not None, "frozen": gc.get_freeze_count()}
        gc.collect()
        seen["older_freed_later"] = older() is None  # unfrozen: an ordinary collection still frees it

        # Something froze objects before (the command line's modules): that freeze stays as it was.
        frozen_before = cycle()
        gc.freeze()
        count = gc.get_freeze_count()
        with garbage_of_block_freed():
            inside = cycle()
        seen |= {"inside_freed": inside() is None, "freeze_kept": gc.get_freeze_count() == count, "frozen_left": frozen_before() is not None}
        print(json.dumps(seen))
        """
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    import json

    assert json.loads(out) == {"newer_freed": True, "older_left": True, "frozen": 0, "older_freed_later": True, "inside_freed": True, "freeze_kept": True, "frozen_left": True}
