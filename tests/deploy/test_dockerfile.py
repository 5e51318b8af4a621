"""deploy/Dockerfile: locked dependencies, no secrets, non-root, static files, health check."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from django.urls import resolve
from packaging.requirements import Requirement

from backend import health
from tests.deploy.files import DEPLOY, ROOT, Stage, dockerfile_env, dockerfile_stages


def stage(name: str) -> Stage:
    [found] = [s for s in dockerfile_stages() if s.name == name]
    return found


def canonical(requirement: str) -> str:
    name = re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0]
    return re.sub(r"[-_.]+", "-", name).lower()


def test_it_builds_in_stages_and_ends_with_the_runtime() -> None:
    assert [s.name for s in dockerfile_stages()] == ["builder", "nginx", "runtime"]


def test_the_builder_installs_the_runtime_dependencies_at_the_versions_of_the_lock() -> None:
    runs = " ".join(stage("builder").all("RUN"))
    assert "pip install -r requirements.runtime -c requirements.lock" in runs
    assert "pip freeze" in runs and "grep -vxF -f requirements.lock" in runs
    assert "['project']['dependencies']" in runs  # pyproject's, not the dev extras


def test_every_runtime_dependency_is_pinned_in_the_lock() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    pinned = {canonical(line) for line in (ROOT / "requirements.lock").read_text().splitlines()
              if "==" in line}
    missing = [dep for dep in pyproject["project"]["dependencies"] if canonical(dep) not in pinned]
    assert not missing


def test_the_runtime_runs_as_an_unprivileged_user() -> None:
    users = stage("runtime").all("USER")
    assert users, "no USER in the runtime stage"
    user = users[-1].split(":")[0]
    assert user not in {"root", "0"}
    assert int(user) >= 1000
    assert f"--uid {user}" in " ".join(stage("runtime").all("RUN"))
    # The nginx image drops to its unprivileged user again after its own set-up.
    assert stage("nginx").all("USER")[-1] == "101"


def test_the_runtime_gets_the_virtualenv_and_source_from_the_builder() -> None:
    copies = stage("runtime").all("COPY")
    assert "--from=builder /opt/venv /opt/venv" in copies
    assert "--from=builder /src /app" in copies


def test_static_files_are_collected_at_build_time() -> None:
    assert "manage.py collectstatic --no-input" in " ".join(stage("builder").all("RUN"))
    assert "--from=builder /src/staticfiles /srv/static" in stage("nginx").all("COPY")
    assert dockerfile_env(stage("runtime"))["STATIC_ROOT"] == "/app/staticfiles"


def test_no_secret_is_set_at_build_time() -> None:
    secret = re.compile(r"SECRET|PASSWORD|TOKEN|_KEY$|DATABASE_URL|REDIS_URL")
    for s in dockerfile_stages():
        for key, value in dockerfile_env(s).items():
            # A key file's path (TLS_CERTIFICATE_KEY) is fine; the key itself is mounted.
            assert not secret.search(key) or value.startswith("/"), (key, value)
        for args in s.all("ARG"):
            assert not secret.search(args.split("=")[0]), args


def test_the_build_refuses_environment_files_and_keys_in_the_context() -> None:
    runs = " ".join(stage("builder").all("RUN"))
    for pattern in ("'*.env'", "'.env'", "'*.pem'", "'*.key'", "'*.dump'"):
        assert pattern in runs
    ignored = (DEPLOY / "Dockerfile.dockerignore").read_text().splitlines()
    for pattern in (".env", "**/*.env", "**/secrets", "var", ".venv", ".git", "**/*.key"):
        assert pattern in ignored


def test_the_health_check_asks_a_real_url_of_the_app() -> None:
    [check] = stage("runtime").all("HEALTHCHECK")
    [url] = re.findall(r"http://127\.0\.0\.1:8000(/\w+)", check)
    assert resolve(url).func is health.healthz


def test_the_image_serves_the_asgi_application_with_daphne() -> None:
    [cmd] = stage("runtime").all("CMD")
    assert '"daphne"' in cmd and '"backend.asgi:application"' in cmd
    assert "--proxy-headers" not in cmd  # client addresses: NUM_PROXIES, see settings
    assert "8000" in stage("runtime").all("EXPOSE")


def product_packages() -> list[Path]:
    """What the image runs: the top-level packages beside manage.py (not tests or tools)."""
    return sorted(path for path in ROOT.iterdir()
                  if (path / "__init__.py").is_file()
                  and path.name not in {"tests", "bench", "deploy", "scripts"})


def imported_modules(source: Path) -> set[str]:
    """Top-level names of the absolute imports that run (not those under TYPE_CHECKING)."""
    tree = ast.parse(source.read_text(encoding="utf-8"))
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(child) for stmt in node.body for child in ast.walk(stmt))
    names: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def runtime_distributions() -> set[str]:
    """pyproject's dependencies and everything they pull in, as installed here."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    todo = [Requirement(dep) for dep in pyproject["project"]["dependencies"]]
    seen: set[str] = set()
    while todo:
        requirement = todo.pop()
        name = canonical(requirement.name)
        if name in seen:
            continue
        seen.add(name)
        for raw in metadata.requires(requirement.name) or []:
            dependency = Requirement(raw)
            environments = [{"extra": extra} for extra in requirement.extras] or [{"extra": ""}]
            if dependency.marker is None or any(dependency.marker.evaluate(env)
                                                for env in environments):
                todo.append(dependency)
    return seen


def test_every_module_the_product_imports_is_a_runtime_dependency() -> None:
    """The image installs pyproject's dependencies only (no test tools): a module that is
    only in the development environment would stop the image at start-up."""
    local = {path.name for path in product_packages()}
    distributions = metadata.packages_distributions()
    runtime = runtime_distributions()
    missing: dict[str, str] = {}
    for package in product_packages():
        for source in package.rglob("*.py"):
            for module in imported_modules(source) - local - set(sys.stdlib_module_names):
                owners = {canonical(name) for name in distributions.get(module, [module])}
                if not owners & runtime:
                    missing.setdefault(module, str(source.relative_to(ROOT)))
    assert not missing, (
        "imported by the product but not a dependency in pyproject.toml (and the lock): "
        + ", ".join(f"{module} ({where})" for module, where in sorted(missing.items())))
