"""The deployment files (deploy/) stay in step with what the code reads: every part gets the settings it needs,
secrets come from a Secret or an env file, the bot runs once, and the commands name modules that exist."""
from __future__ import annotations

import importlib.util

import yaml

from harness.assistant import ROOT

DEPLOY = ROOT / "deploy"
SHARED = {"DATABASE_URL", "NUANXIN_REDIS_URL", "NUANXIN_ACTION_URL", "NUANXIN_ACTION_SECRET",
          "NUANXIN_FRONTEND_SECRET", "RASA_API_TOKEN", "NUANXIN_ID_SALT"}


def _k8s() -> list[dict]:
    return [doc for path in sorted((DEPLOY / "k8s").glob("*.yaml"))
            for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc and "kind" in doc]


def _modules(command: list[str]) -> list[str]:
    return [command[i + 1] for i, part in enumerate(command) if part == "-m"]


def test_kubernetes_parts_get_every_setting_and_the_bot_runs_once() -> None:
    docs = _k8s()
    kustomized = yaml.safe_load((DEPLOY / "k8s" / "kustomization.yaml").read_text(encoding="utf-8"))["resources"]
    assert all((DEPLOY / "k8s" / name).exists() for name in kustomized)
    provided = {key for doc in docs if doc.get("kind") in ("Secret", "ConfigMap")
                for key in {**doc.get("data", {}), **doc.get("stringData", {})}}
    assert SHARED | {"TELEGRAM_TOKEN", "RASA_URL"} <= provided
    deployments = {d["metadata"]["name"]: d for d in docs if d["kind"] == "Deployment"}
    assert set(deployments) == {"nuanxin-actions", "nuanxin-rasa", "nuanxin-bot"}
    for deployment in deployments.values():
        for container in deployment["spec"]["template"]["spec"]["containers"]:
            sources = {next(iter(s.values()))["name"] for s in container["envFrom"]}
            assert sources == {"nuanxin-secrets", "nuanxin-config"}
            assert all(importlib.util.find_spec(m) for m in _modules(container.get("command", [])))
    bot = deployments["nuanxin-bot"]["spec"]
    assert bot["replicas"] == 1 and bot["strategy"]["type"] == "Recreate"


def test_compose_parts_and_the_image_default() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert {"postgres", "redis", "migrate", "actions", "rasa-1", "rasa-2", "balancer", "bot"} <= set(services)
    for name, service in services.items():
        for module in _modules(service.get("command", [])):
            assert importlib.util.find_spec(module), (name, module)
        published = service.get("ports", [])
        assert all(str(p).startswith("127.0.0.1:") for p in published), name  # nothing beyond the host's loopback
    example = {line.split("=")[0] for line in (DEPLOY / "env.example").read_text(encoding="utf-8").splitlines()
               if "=" in line and not line.startswith("#")}
    assert SHARED - {"DATABASE_URL", "NUANXIN_REDIS_URL", "NUANXIN_ACTION_URL"} <= example
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert "nuanxin.nlu.cli" in dockerfile and "requirements.lock" in dockerfile and "USER nuanxin" in dockerfile
