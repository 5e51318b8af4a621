"""deploy/nginx: websocket upgrade, static files, forwarded headers, limits, TLS."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from tests.deploy.files import (
    DEPLOY,
    NGINX,
    dockerfile_env,
    dockerfile_stages,
    nginx_block,
    without_comments,
    yaml_documents,
)

LOCATIONS = NGINX / "disputes" / "locations.conf"
SITES = sorted((NGINX / "sites").glob("*/*.template"))
UPLOAD_LIMIT_SCRIPT = NGINX / "40-disputes-upload-limit.sh"


def text(path: Path) -> str:
    return without_comments(path.read_text(encoding="utf-8"))


def upload_limit(evidence_max_mb: str, target: Path, *, check: bool,
                 ) -> subprocess.CompletedProcess[str]:
    """Run the image's start-up script that turns EVIDENCE_MAX_MB into nginx's body limit."""
    return subprocess.run(["sh", str(UPLOAD_LIMIT_SCRIPT)],  # noqa: S603, S607 (our script)
                          capture_output=True, text=True, check=check, env={
                              **os.environ, "EVIDENCE_MAX_MB": evidence_max_mb,
                              "UPLOAD_LIMIT_CONF": str(target)})


def test_every_configuration_file_has_balanced_blocks_and_ends_its_statements() -> None:
    for path in [*SITES, *(NGINX / "disputes").glob("*.conf")]:
        body = text(path)
        assert body.count("{") == body.count("}"), path
        for line in body.splitlines():
            line = line.strip()
            assert not line or line.endswith(("{", "}", ";")), (path, line)


def test_websockets_are_proxied_with_the_upgrade_headers() -> None:
    ws = nginx_block(text(LOCATIONS), "location /ws/")
    assert "proxy_http_version 1.1;" in ws
    assert "proxy_set_header Upgrade    $http_upgrade;" in ws
    assert "proxy_set_header Connection $connection_upgrade;" in ws
    assert re.search(r"proxy_read_timeout (\d+)s;", ws)
    context = text(NGINX / "disputes" / "http-context.conf")
    assert "map $http_upgrade $connection_upgrade" in context


def test_static_files_are_served_from_the_collected_root() -> None:
    static_url = "/" + settings.STATIC_URL.strip("/") + "/"
    block = nginx_block(text(LOCATIONS), f"location {static_url}")
    [root] = re.findall(r"alias (\S+);", block)
    nginx_stage = next(s for s in dockerfile_stages() if s.name == "nginx")
    assert f"--from=builder /src/staticfiles {root.rstrip('/')}" in nginx_stage.all("COPY")
    static_only = text(NGINX / "sites" / "static" / "static.conf.template")
    assert f"alias {root};" in nginx_block(static_only, f"location {static_url}")


def test_every_proxied_location_passes_the_forwarded_headers() -> None:
    headers = text(NGINX / "disputes" / "proxy-headers.conf")
    assert "proxy_set_header X-Forwarded-For   $proxy_add_x_forwarded_for;" in headers
    assert "proxy_set_header X-Forwarded-Proto $disputes_forwarded_proto;" in headers
    assert "proxy_set_header Host              $host;" in headers
    body = text(LOCATIONS)
    locations = re.findall(r"location [^{]+\{", body)
    for opening in locations:
        block = nginx_block(body, opening)
        if "proxy_pass" in block:
            assert "include /etc/nginx/disputes/proxy-headers.conf;" in block, opening
    for site in SITES:
        if "locations.conf" in text(site):
            assert "set $disputes_forwarded_proto" in text(site), site


def test_requests_are_rate_and_size_limited() -> None:
    body = text(LOCATIONS)
    assert "include /etc/nginx/disputes/upload-limit.conf;" in body
    assert "limit_conn disputes_connections" in body
    assert "limit_req zone=disputes_requests" in nginx_block(body, "location / ")
    logins = nginx_block(body, "location ~ ^/(api/v1/auth/token")
    assert "limit_req zone=disputes_logins" in logins
    assert "client_max_body_size 16k;" in logins


@pytest.mark.parametrize(("evidence_max_mb", "limit"), [("20", "21m"), ("1", "2m")])
def test_the_body_limit_follows_evidence_max_mb(tmp_path: Path, evidence_max_mb: str,
                                                 limit: str) -> None:
    target = tmp_path / "upload-limit.conf"
    upload_limit(evidence_max_mb, target, check=True)
    assert target.read_text() == f"client_max_body_size {limit};\n"


def test_a_nonsense_evidence_limit_stops_nginx_from_starting(tmp_path: Path) -> None:
    result = upload_limit("20MB", tmp_path / "x.conf", check=False)
    assert result.returncode != 0
    assert "EVIDENCE_MAX_MB=20MB" in result.stderr


def test_nginx_reads_evidence_max_mb_from_the_same_settings_as_the_app() -> None:
    [compose] = yaml_documents(DEPLOY / "compose.yaml")
    nginx, web = compose["services"]["nginx"], compose["services"]["web"]
    assert "disputes.env" in nginx["env_file"] and "disputes.env" in web["env_file"]
    assert "EVIDENCE_MAX_MB=" in (DEPLOY / "disputes.env.example").read_text()


def test_the_templates_use_only_variables_the_image_or_compose_set() -> None:
    nginx_stage = next(s for s in dockerfile_stages() if s.name == "nginx")
    [compose] = yaml_documents(DEPLOY / "compose.yaml")
    defined = set(dockerfile_env(nginx_stage)) | set(compose["services"]["nginx"]["environment"])
    for site in SITES:
        used = set(re.findall(r"\$\{(\w+)\}", site.read_text()))
        assert used <= defined, (site, used - defined)


def test_the_tls_server_takes_its_certificate_paths_from_variables() -> None:
    https = text(NGINX / "sites" / "https" / "disputes.conf.template")
    tls = nginx_block(https, "server {\n    listen 8443 ssl;")
    assert "ssl_certificate     ${TLS_CERTIFICATE};" in tls
    assert "ssl_certificate_key ${TLS_CERTIFICATE_KEY};" in tls
    assert "include /etc/nginx/disputes/locations.conf;" in tls
    assert "set $disputes_forwarded_proto https;" in tls
    assert "return 301 https://$host$request_uri;" in https


def test_the_image_renders_the_site_chosen_by_compose() -> None:
    nginx_stage = next(s for s in dockerfile_stages() if s.name == "nginx")
    sites = {path.parent.name for path in SITES}
    assert dockerfile_env(nginx_stage)["NGINX_ENVSUBST_TEMPLATE_DIR"] == "/etc/nginx/sites/http"
    [compose] = yaml_documents(DEPLOY / "compose.yaml")
    chosen = compose["services"]["nginx"]["environment"]["NGINX_ENVSUBST_TEMPLATE_DIR"]
    assert chosen == "/etc/nginx/sites/${NGINX_SITE:-http}"
    assert sites == {"http", "https", "static"}


def render(template: Path, env: dict[str, str], disputes_dir: Path) -> str:
    """What the image's entrypoint does (envsubst of the variables that are set), with the
    include directory moved to `disputes_dir`."""
    rendered = re.sub(r"\$\{(\w+)\}", lambda m: env.get(m[1], m[0]), template.read_text())
    return rendered.replace("/etc/nginx/disputes/", f"{disputes_dir}/")


def nginx_version(binary: str) -> tuple[int, ...]:
    banner = subprocess.run([binary, "-v"],  # noqa: S603 (the nginx found on PATH)
                            capture_output=True, text=True, check=True).stderr
    return tuple(int(part) for part in re.findall(r"nginx/([\d.]+)", banner)[0].split("."))


@pytest.mark.parametrize("site", ["http", "https", "static"])
def test_nginx_accepts_the_rendered_configuration(tmp_path: Path, site: str) -> None:
    binary = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists()
                                       else None)
    if binary is None:
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail("nginx is not installed (scripts/test installs it as root): CI must "
                        "let a real nginx parse the configuration.")
        pytest.skip("nginx is not installed here (the static checks above still ran)")
    disputes_dir = tmp_path / "disputes"
    shutil.copytree(NGINX / "disputes", disputes_dir)
    upload_limit("20", disputes_dir / "upload-limit.conf", check=True)
    for name in ("proxy-headers.conf", "locations.conf", "http-context.conf"):
        path = disputes_dir / name
        path.write_text(path.read_text().replace("/etc/nginx/disputes/", f"{disputes_dir}/"))
    certificate, key = self_signed_certificate(tmp_path)
    env = {"DISPUTES_UPSTREAM": "127.0.0.1:8000", "SERVER_NAME": "ldzc.example.gov.cn",
           "FORWARDED_PROTO": "$scheme", "TLS_CERTIFICATE": str(certificate),
           "TLS_CERTIFICATE_KEY": str(key)}
    [template] = (NGINX / "sites" / site).glob("*.template")
    server = render(template, env, disputes_dir)
    if nginx_version(binary) < (1, 25, 1):  # `http2 on;` is newer than this nginx
        server = server.replace("    http2 on;\n", "")
    (tmp_path / "site.conf").write_text(server)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\n"
        f"events {{}}\nhttp {{\n    include {tmp_path}/site.conf;\n}}\n")
    result = subprocess.run([binary, "-t", "-q", "-p", str(tmp_path), "-c",  # noqa: S603
                             str(tmp_path / "nginx.conf"), "-e", str(tmp_path / "error.log")],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr + (tmp_path / "error.log").read_text()


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ldzc.example.gov.cn")])
    now = dt.datetime.now(dt.UTC)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                   .public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(now).not_valid_after(now + dt.timedelta(days=1))
                   .sign(key, hashes.SHA256()))
    cert_path, key_path = directory / "tls.crt", directory / "tls.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path
