"""The deployment files load and say what the README says (they are not run here)."""

from __future__ import annotations

import yaml

from tests.conftest import ROOT


def test_helm_values_use_the_k8s_launcher_postgres_and_the_edition_queue():
    values = yaml.safe_load((ROOT / "deploy" / "k8s" / "values.yaml").read_text())
    assert values["runLauncher"]["type"] == "K8sRunLauncher"
    assert values["postgresql"]["enabled"] is True
    deployment = values["dagster-user-deployments"]["deployments"][0]
    assert deployment["dagsterApiGrpcArgs"] == ["--module-name", "pipelines.definitions"]
    limits = values["dagsterDaemon"]["runCoordinator"]["config"]["queuedRunCoordinator"]["tagConcurrencyLimits"]
    assert {"key": "afml/edition", "value": {"applyLimitPerUniqueValue": True}, "limit": 1} in limits


def test_the_postgres_instance_config_reads_the_url_from_the_environment():
    config = yaml.safe_load((ROOT / ".dagster-pg" / "dagster.yaml").read_text())
    assert config["storage"]["postgres"]["postgres_url"] == {"env": "AFML_DAGSTER_PG_URL"}
    assert config["run_queue"] == yaml.safe_load((ROOT / ".dagster" / "dagster.yaml").read_text())["run_queue"]


def test_the_helm_values_set_what_the_local_instances_set():
    values = yaml.safe_load((ROOT / "deploy" / "k8s" / "values.yaml").read_text())
    local = yaml.safe_load((ROOT / ".dagster" / "dagster.yaml").read_text())
    assert values["pythonLogs"]["pythonLogLevel"] == local["python_logs"]["python_log_level"]
    env = {e["name"]: e["value"] for e in values["dagster-user-deployments"]["deployments"][0]["env"]}
    assert {"AFML_NOTIFY_SMTP_HOST", "AFML_NOTIFY_FROM", "AFML_NOTIFY_TO"} <= set(env)


def test_the_render_memory_limit_fits_inside_the_run_pod():
    """Otherwise Kubernetes kills the pod before the render can say which limit it reached."""
    values = yaml.safe_load((ROOT / "deploy" / "k8s" / "values.yaml").read_text())
    env = {e["name"]: e["value"] for e in values["dagster-user-deployments"]["deployments"][0]["env"]}
    pod_limit = values["runLauncher"]["config"]["k8sRunLauncher"]["runK8sConfig"]["containerConfig"]["resources"]["limits"]["memory"]
    assert pod_limit.endswith("Gi")
    build_process_mb = 512  # the build's own process, measured at about 214 MB (benchmarks/README.md)
    assert int(env["AFML_RENDER_MEMORY_MB"]) + build_process_mb <= int(pod_limit[:-2]) * 1024
