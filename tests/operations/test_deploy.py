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
