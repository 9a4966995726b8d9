"""A build killed while its PDF is being rendered leaves the last good report published, byte for byte."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

from tests.conftest import ROOT


def test_killing_a_build_during_pdf_rendering_keeps_the_last_good_report(afml13_build, tmp_path):
    outputs = tmp_path / "outputs"
    shutil.copytree(afml13_build.outputs, outputs, symlinks=True)
    edition = outputs / "afml-13"
    before = {name: (edition / name).read_bytes() for name in ("report.pdf", "report.html")}
    latest_before = os.readlink(edition / "latest")
    home = tmp_path / "home"
    home.mkdir()
    env = dict(os.environ, DAGSTER_HOME=str(home))
    process = subprocess.Popen([sys.executable, "-m", "pipelines", "build", "--edition", "afml-13", "--outputs", str(outputs), "--force"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 180
        while time.time() < deadline and process.poll() is None:
            if list((edition / "builds").glob("*/report.pdf.part")):
                break
            time.sleep(0.05)
        assert process.poll() is None, "the build ended before its PDF rendering could be interrupted"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert os.readlink(edition / "latest") == latest_before
    for name, data in before.items():
        assert (edition / name).read_bytes() == data, name
    unfinished = [p for p in (edition / "builds").iterdir() if (p / "report.pdf.part").exists()]
    assert len(unfinished) == 1 and not (unfinished[0] / "report.pdf").exists()


def test_an_unchanged_rebuild_is_skipped(afml13_build, tmp_path):
    outputs = tmp_path / "outputs"
    shutil.copytree(afml13_build.outputs, outputs, symlinks=True)
    before = os.readlink(outputs / "afml-13" / "latest")
    home = tmp_path / "home"
    home.mkdir()
    out = subprocess.run([sys.executable, "-m", "pipelines", "build", "--edition", "afml-13", "--outputs", str(outputs)], cwd=ROOT, env=dict(os.environ, DAGSTER_HOME=str(home)), capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and "up to date" in out.stdout and "FORCE=1" in out.stdout
    assert os.readlink(outputs / "afml-13" / "latest") == before
