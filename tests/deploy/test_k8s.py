"""deploy/k8s: valid YAML of the expected kinds, wired to each other and to real URLs."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import pytest
from django.urls import resolve

from backend import health
from tests.deploy.files import K8S, PLACEHOLDER, manifests, named, of_kind, pod_spec, yaml_documents

APP_IMAGE = "registry.example.gov.cn/disputes/app"
EXPECTED_KINDS = {"Namespace", "ConfigMap", "Secret", "PersistentVolumeClaim", "Deployment",
                  "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget", "Job", "CronJob",
                  "Ingress"}


def workloads() -> list[dict[str, Any]]:
    return [doc for doc in manifests() if doc["kind"] in {"Deployment", "Job", "CronJob"}]


def app_containers() -> list[tuple[str, dict[str, Any]]]:
    return [(w["metadata"]["name"], c) for w in workloads() for c in pod_spec(w)["containers"]
            if c["image"].startswith(APP_IMAGE + ":")]


def pod_labels(kind: str, name: str) -> dict[str, str]:
    return dict(named(kind, name)["spec"]["template"]["metadata"]["labels"])


def test_every_manifest_is_yaml_of_a_known_kind_in_the_namespace() -> None:
    docs = manifests()
    assert {doc["kind"] for doc in docs} == EXPECTED_KINDS
    for doc in docs:
        assert doc["apiVersion"] and doc["metadata"]["name"]
        if doc["kind"] != "Namespace":
            assert doc["metadata"]["namespace"] == "disputes", doc["metadata"]["name"]


def test_web_and_worker_each_have_a_deployment_an_autoscaler_and_a_disruption_budget() -> None:
    for name in ("disputes-web", "disputes-worker"):
        deployment = named("Deployment", name)
        hpa = named("HorizontalPodAutoscaler", name)
        assert hpa["apiVersion"] == "autoscaling/v2"
        assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment",
                                                 "name": name}
        assert hpa["spec"]["minReplicas"] >= 2
        pdb = named("PodDisruptionBudget", name)
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert pdb["spec"]["selector"]["matchLabels"].items() <= labels.items()
        assert deployment["spec"]["selector"]["matchLabels"].items() <= labels.items()
        # CPU autoscaling needs CPU requests.
        for container in pod_spec(deployment)["containers"]:
            assert container["resources"]["requests"]["cpu"]


def test_the_worker_and_the_migration_run_their_commands() -> None:
    [worker] = pod_spec(named("Deployment", "disputes-worker"))["containers"]
    assert worker["command"] == ["python", "manage.py", "run_worker"]
    job = named("Job", "disputes-migrate")
    [migrate] = pod_spec(job)["containers"]
    assert migrate["command"] == ["python", "manage.py", "migrate", "--no-input"]
    assert pod_spec(job)["restartPolicy"] == "Never"


def test_web_probes_ask_readiness_and_liveness_of_real_urls() -> None:
    [web] = pod_spec(named("Deployment", "disputes-web"))["containers"]
    assert resolve(web["readinessProbe"]["httpGet"]["path"]).func is health.readyz
    assert resolve(web["livenessProbe"]["httpGet"]["path"]).func is health.healthz
    port_names = {port["name"] for port in web["ports"]}
    for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
        assert web[probe]["httpGet"]["port"] in port_names


def test_every_probe_of_an_app_container_resolves_to_a_health_view() -> None:
    probes = [(name, c[probe]["httpGet"]["path"]) for name, c in app_containers()
              for probe in ("readinessProbe", "livenessProbe", "startupProbe")
              if "httpGet" in c.get(probe, {})]
    assert probes
    for name, path in probes:
        assert resolve(path).func in (health.healthz, health.readyz), (name, path)


def test_app_containers_take_settings_from_the_configmap_and_the_secret() -> None:
    configmap = named("ConfigMap", "disputes-config")
    secret = named("Secret", "disputes-secrets")
    assert app_containers()
    for name, container in app_containers():
        refs = {(kind, ref["name"]) for source in container["envFrom"]
                for kind, ref in source.items()}
        assert refs == {("configMapRef", configmap["metadata"]["name"]),
                        ("secretRef", secret["metadata"]["name"])}, name


def test_pods_run_unprivileged() -> None:
    for workload in workloads():
        spec = pod_spec(workload)
        assert spec["securityContext"]["runAsNonRoot"] is True, workload["metadata"]["name"]
        assert spec["securityContext"]["runAsUser"] != 0
        for container in spec["containers"]:
            assert container["securityContext"]["allowPrivilegeEscalation"] is False
            assert container["securityContext"]["capabilities"]["drop"] == ["ALL"]


def test_the_secret_template_holds_placeholders_only() -> None:
    [secret] = yaml_documents(K8S / "secret.example.yaml")
    for key, value in secret["stringData"].items():
        if key.endswith("_URL"):
            assert urlparse(value).password == PLACEHOLDER, key
        else:
            assert value == PLACEHOLDER, key
    assert "data" not in secret


def test_the_configmap_holds_no_secrets() -> None:
    data = named("ConfigMap", "disputes-config")["data"]
    assert not [key for key in data if any(word in key for word in
                                           ("SECRET", "PASSWORD", "_KEY", "_URL", "TOKEN"))]
    assert data["DEBUG"] == "0"
    assert data["NUM_PROXIES"] == "1"
    assert data["SECURE_PROXY_SSL_HEADER"] == "X-Forwarded-Proto"


def test_services_select_pods_that_exist_and_the_ingress_routes_to_services() -> None:
    deployments = {d["metadata"]["name"]: d["spec"]["template"]["metadata"]["labels"]
                   for d in of_kind("Deployment")}
    service_ports = {}
    for service in of_kind("Service"):
        selector = service["spec"]["selector"].items()
        assert any(selector <= labels.items() for labels in deployments.values()), service
        service_ports[service["metadata"]["name"]] = {p["name"] for p in service["spec"]["ports"]}
    for pdb in of_kind("PodDisruptionBudget"):
        selector = pdb["spec"]["selector"]["matchLabels"].items()
        assert any(selector <= labels.items() for labels in deployments.values()), pdb
    [ingress] = of_kind("Ingress")
    routes = {path["path"]: path["backend"]["service"]
              for rule in ingress["spec"]["rules"] for path in rule["http"]["paths"]}
    for backend in routes.values():
        assert backend["port"]["name"] in service_ports[backend["name"]]
    assert routes["/"]["name"] == routes["/ws/"]["name"] == "disputes-web"
    assert routes["/static/"]["name"] == "disputes-static"


def test_the_ingress_keeps_websockets_open_and_takes_an_evidence_file() -> None:
    [ingress] = of_kind("Ingress")
    annotations = ingress["metadata"]["annotations"]
    assert int(annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 3600
    assert int(annotations["nginx.ingress.kubernetes.io/proxy-send-timeout"]) >= 3600
    evidence_mb = int(named("ConfigMap", "disputes-config")["data"]["EVIDENCE_MAX_MB"])
    assert annotations["nginx.ingress.kubernetes.io/proxy-body-size"] == f"{evidence_mb + 1}m"
    assert ingress["spec"]["tls"][0]["secretName"]


def test_evidence_files_live_on_a_volume_every_web_pod_shares() -> None:
    claim = named("PersistentVolumeClaim", "disputes-media")
    assert claim["spec"]["accessModes"] == ["ReadWriteMany"]
    spec = pod_spec(named("Deployment", "disputes-web"))
    [volume] = [v for v in spec["volumes"] if v.get("persistentVolumeClaim")]
    assert volume["persistentVolumeClaim"]["claimName"] == "disputes-media"
    [web] = spec["containers"]
    media_root = named("ConfigMap", "disputes-config")["data"]["MEDIA_ROOT"]
    assert {"name": volume["name"], "mountPath": media_root} in web["volumeMounts"]


def test_kustomization_applies_every_manifest_but_the_secret_template() -> None:
    [kustomization] = yaml_documents(K8S / "kustomization.yaml")
    files = {path.name for path in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert set(kustomization["resources"]) == files - {"secret.example.yaml"}


@pytest.mark.parametrize("name", ["disputes-web", "disputes-worker"])
def test_rolling_updates_and_stops_are_graceful(name: str) -> None:
    spec = pod_spec(named("Deployment", name))
    assert spec["terminationGracePeriodSeconds"] >= 30
