"""Evidence upload and download: types by content, generated names, the access policy."""

from __future__ import annotations

import hashlib
import struct
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from disputes.models import Dispute, DisputeEvent, Evidence, Status
from disputes.services.evidence import EVIDENCE_ADDED
from tests.world import World

Client = Callable[[str | None], APIClient]


# -- real small files, built here so the test needs nothing from the disk -----------------------

def pdf_bytes() -> bytes:
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def png_bytes() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff")) + chunk(b"IEND", b""))


def jpeg_bytes() -> bytes:
    """An 8x8 grey baseline JPEG: one DC-only block, one-code Huffman tables."""
    def segment(marker: int, payload: bytes) -> bytes:
        return b"\xff" + bytes([marker]) + struct.pack(">H", len(payload) + 2) + payload

    return (b"\xff\xd8"
            + segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
            + segment(0xDB, b"\x00" + b"\x01" * 64)
            + segment(0xC0, b"\x08\x00\x08\x00\x08\x01\x01\x11\x00")
            + segment(0xC4, b"\x00\x01" + b"\x00" * 15 + b"\x00")
            + segment(0xC4, b"\x10\x01" + b"\x00" * 15 + b"\x00")
            + segment(0xDA, b"\x01\x01\x00\x00\x3f\x00") + b"\x3f" + b"\xff\xd9")


GOOD = {
    "pdf": (pdf_bytes, "application/pdf"),
    "png": (png_bytes, "image/png"),
    "jpg": (jpeg_bytes, "image/jpeg"),
}

BAD = {
    "windows executable": b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" * 4,
    "linux executable": b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56,
    "zip archive": b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 40,
    "html page": b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>",
}


def upload(client: APIClient, dispute: Dispute, name: str, content: bytes,
           content_type: str = "application/pdf", **extra: Any) -> Any:
    file = SimpleUploadedFile(name, content, content_type=content_type)
    return client.post(f"/api/v1/disputes/{dispute.pk}/evidence/",
                       {"file": file, **extra}, format="multipart")


@pytest.fixture
def case(world: World) -> Dispute:
    dispute = world.case_in(Status.STREET_MEDIATION)
    world.do("assign_mediator", dispute)
    dispute.refresh_from_db()
    assert dispute.mediator == world.mediator
    return dispute


def media_files(settings: Any) -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


# -- upload --------------------------------------------------------------------------------------

@pytest.mark.parametrize("persona", ["worker", "employer", "mediator", "head"])
@pytest.mark.parametrize("kind", sorted(GOOD))
def test_a_party_or_the_cases_staff_uploads_a_real_file(
        case: Dispute, world: World, client_as: Client, settings: Any, persona: str,
        kind: str) -> None:
    make, content_type = GOOD[kind]
    content = make()

    response = upload(client_as(persona), case, f"工资条 3月.{kind}", content,
                      description="三月工资条")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["content_type"] == content_type
    assert body["size"] == len(content)
    assert body["sha256"] == hashlib.sha256(content).hexdigest()
    assert body["original_name"] == f"工资条 3月.{kind}"
    assert body["description"] == "三月工资条"
    evidence = Evidence.objects.get(pk=body["id"], dispute=case)
    stored = Path(settings.MEDIA_ROOT) / evidence.file.name
    assert stored.read_bytes() == content
    assert "工资条" not in evidence.file.name
    assert not evidence.file.name.endswith(f".{kind}")
    assert evidence.uploaded_by == world.users[persona]
    assert body["download_url"] == f"/api/v1/disputes/{case.pk}/evidence/{evidence.pk}/"


def test_the_upload_is_an_event_of_the_case(case: Dispute, client_as: Client,
                                            world: World) -> None:
    before = case.event_seq

    response = upload(client_as("worker"), case, "a.pdf", pdf_bytes())

    case.refresh_from_db()
    event = DisputeEvent.objects.get(dispute=case, seq=case.event_seq)
    assert case.event_seq == before + 1
    assert event.kind == EVIDENCE_ADDED
    assert event.actor == world.worker
    assert event.from_state == event.to_state == Status.STREET_MEDIATION
    assert event.payload["evidence"] == response.json()["id"]
    assert event.prev_hash == DisputeEvent.objects.get(dispute=case, seq=before).hash


def test_two_uploads_of_one_name_are_two_files(case: Dispute, client_as: Client,
                                               settings: Any) -> None:
    first = upload(client_as("worker"), case, "a.pdf", pdf_bytes())
    second = upload(client_as("worker"), case, "a.pdf", pdf_bytes() + b"% again\n")

    assert first.status_code == second.status_code == 201
    names = {e.file.name for e in Evidence.objects.filter(dispute=case)}
    assert len(names) == 2
    assert len(media_files(settings)) == 2


def test_a_path_in_the_filename_is_not_followed(case: Dispute, client_as: Client,
                                                settings: Any) -> None:
    response = upload(client_as("worker"), case, "../../etc/passwd.pdf", pdf_bytes())

    assert response.status_code == 201
    assert "/" not in response.json()["original_name"]
    (stored,) = media_files(settings)
    assert Path(settings.MEDIA_ROOT) in stored.parents


@pytest.mark.parametrize("what", sorted(BAD))
def test_a_pdf_name_on_other_bytes_is_refused(case: Dispute, client_as: Client, settings: Any,
                                              what: str) -> None:
    response = upload(client_as("worker"), case, "工资条.pdf", BAD[what])

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "PDF" in body["errors"]["file"][0]
    assert "文件" in body["errors"]["file"][0]  # the error is in Chinese
    assert not Evidence.objects.filter(dispute=case).exists()
    assert media_files(settings) == []


def test_a_file_over_the_limit_is_refused(case: Dispute, client_as: Client, settings: Any) -> None:
    settings.EVIDENCE_MAX_MB = 1
    content = pdf_bytes() + b"%" * (1024 * 1024)

    response = upload(client_as("worker"), case, "big.pdf", content)

    assert response.status_code == 400
    assert "1 MB" in response.json()["errors"]["file"][0]
    assert not Evidence.objects.exists()
    assert media_files(settings) == []


def test_a_request_far_over_the_limit_is_refused_by_its_length(
        case: Dispute, client_as: Client, settings: Any) -> None:
    settings.EVIDENCE_MAX_MB = 1

    response = upload(client_as("worker"), case, "huge.pdf", pdf_bytes() + b"%" * (3 * 1024 * 1024))

    assert response.status_code == 400
    assert response.json()["errors"]["file"] == ["文件过大，单个文件不能超过 1 MB。"]
    assert media_files(settings) == []


def test_a_request_far_over_the_limit_is_still_404_for_an_outsider(
        case: Dispute, client_as: Client, settings: Any) -> None:
    settings.EVIDENCE_MAX_MB = 1

    response = upload(client_as("mediator2"), case, "huge.pdf", b"%" * (3 * 1024 * 1024))

    assert response.status_code == 404


def test_a_file_just_at_the_limit_is_accepted(case: Dispute, client_as: Client,
                                              settings: Any) -> None:
    settings.EVIDENCE_MAX_MB = 1
    head = pdf_bytes()
    content = head + b"%" * (1024 * 1024 - len(head))

    assert upload(client_as("worker"), case, "full.pdf", content).status_code == 201


def test_an_empty_file_is_refused(case: Dispute, client_as: Client) -> None:
    response = upload(client_as("worker"), case, "empty.pdf", b"")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "file" in response.json()["errors"]


def test_an_upload_without_a_file_is_refused(case: Dispute, client_as: Client) -> None:
    response = client_as("worker").post(f"/api/v1/disputes/{case.pk}/evidence/",
                                        {"description": "x"}, format="multipart")

    assert response.status_code == 400
    assert "file" in response.json()["errors"]


def test_it_refuses_fields_it_does_not_know(case: Dispute, client_as: Client) -> None:
    response = upload(client_as("worker"), case, "a.pdf", pdf_bytes(), uploaded_by=1, size=1)

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"size", "uploaded_by"}


def test_a_mediator_of_another_center_gets_404(case: Dispute, client_as: Client) -> None:
    response = upload(client_as("mediator2"), case, "a.pdf", pdf_bytes())

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert not Evidence.objects.exists()


def test_a_worker_who_is_not_a_party_gets_404(case: Dispute, client_as: Client) -> None:
    assert upload(client_as("other_worker"), case, "a.pdf", pdf_bytes()).status_code == 404


def test_the_supervisor_sees_the_case_but_may_not_add_evidence(case: Dispute,
                                                               client_as: Client) -> None:
    assert client_as("supervisor").get(f"/api/v1/disputes/{case.pk}/").status_code == 200

    response = upload(client_as("supervisor"), case, "a.pdf", pdf_bytes())

    assert response.status_code == 403
    assert response.json()["code"] == "not_permitted"
    assert not Evidence.objects.exists()


def test_the_supervisor_hears_403_whatever_was_sent(case: Dispute, client_as: Client) -> None:
    response = client_as("supervisor").post(f"/api/v1/disputes/{case.pk}/evidence/", {},
                                            format="multipart")

    assert response.status_code == 403


def test_an_anonymous_upload_gets_401(case: Dispute) -> None:
    assert upload(APIClient(), case, "a.pdf", pdf_bytes()).status_code == 401


@pytest.mark.parametrize("state", [Status.CLOSED, Status.NOT_ACCEPTED])
@pytest.mark.parametrize("persona", ["worker", "mediator"])
def test_a_finished_case_takes_no_more_evidence(world: World, client_as: Client, settings: Any,
                                                state: str, persona: str) -> None:
    dispute = world.case_in(state)
    if state == Status.NOT_ACCEPTED:
        persona = "filing_officer" if persona == "mediator" else persona

    response = upload(client_as(persona), dispute, "late.pdf", pdf_bytes())

    assert response.status_code == 409
    assert response.json()["code"] == "transition_not_allowed"
    assert not Evidence.objects.exists()
    assert media_files(settings) == []


def test_a_case_closed_while_the_file_arrived_takes_no_evidence(
        case: Dispute, world: World, client_as: Client, settings: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The state is checked again under the case's row lock."""
    from disputes.services import evidence as evidence_service

    real_lock = evidence_service.lock_dispute

    def close_first(pk: int) -> Dispute:
        Dispute.objects.filter(pk=pk).update(status=Status.CLOSED)
        return real_lock(pk)

    monkeypatch.setattr(evidence_service, "lock_dispute", close_first)

    response = upload(client_as("worker"), case, "a.pdf", pdf_bytes())

    assert response.status_code == 409
    assert not Evidence.objects.exists()
    assert media_files(settings) == []


def test_a_failed_upload_leaves_no_file_behind(case: Dispute, client_as: Client, settings: Any,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from disputes.services import evidence as evidence_service

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("event log unavailable")

    monkeypatch.setattr(evidence_service, "record_event", broken)

    with pytest.raises(RuntimeError):
        upload(client_as("worker"), case, "a.pdf", pdf_bytes())

    assert not Evidence.objects.exists()
    assert media_files(settings) == []


def test_an_upload_on_an_unknown_case_gets_404(world: World, client_as: Client) -> None:
    response = client_as("mediator").post(
        "/api/v1/disputes/999999/evidence/",
        {"file": SimpleUploadedFile("a.pdf", pdf_bytes())}, format="multipart")

    assert response.status_code == 404


# -- download ------------------------------------------------------------------------------------

@pytest.fixture
def stored(case: Dispute, client_as: Client) -> Evidence:
    response = upload(client_as("mediator"), case, "劳动合同 \"签字\".pdf", pdf_bytes())
    assert response.status_code == 201
    return Evidence.objects.get(pk=response.json()["id"])


def download(client: APIClient, evidence: Evidence, dispute_id: int | None = None) -> Any:
    return client.get(
        f"/api/v1/disputes/{dispute_id or evidence.dispute_id}/evidence/{evidence.pk}/")


@pytest.mark.parametrize("persona", ["worker", "employer", "mediator", "supervisor"])
def test_who_sees_the_case_downloads_the_bytes(stored: Evidence, client_as: Client,
                                               persona: str) -> None:
    response = download(client_as(persona), stored)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    response.close()


def test_the_download_names_the_original_file_safely(stored: Evidence, client_as: Client) -> None:
    response = download(client_as("worker"), stored)
    disposition = response["Content-Disposition"]
    response.close()

    assert "filename*=UTF-8''" in disposition
    assert "%E5%8A%B3%E5%8A%A8%E5%90%88%E5%90%8C" in disposition  # 劳动合同
    assert '"签字"' not in disposition  # quotes and non-ASCII only percent-encoded
    assert "\n" not in disposition


@pytest.mark.parametrize("persona", ["mediator2", "other_worker", "union_mediator"])
def test_who_does_not_see_the_case_gets_404(stored: Evidence, client_as: Client,
                                            persona: str) -> None:
    response = download(client_as(persona), stored)

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_an_anonymous_download_gets_401(stored: Evidence) -> None:
    assert download(APIClient(), stored).status_code == 401


def test_evidence_of_another_case_under_this_cases_url_gets_404(
        stored: Evidence, world: World, client_as: Client) -> None:
    """The worker is a party to both cases; the evidence belongs to the first only."""
    other = world.case_in(Status.STREET_MEDIATION)

    response = download(client_as("worker"), stored, dispute_id=other.pk)

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_an_unknown_evidence_id_gets_404(stored: Evidence, client_as: Client) -> None:
    response = client_as("worker").get(
        f"/api/v1/disputes/{stored.dispute_id}/evidence/{stored.pk + 1000}/")

    assert response.status_code == 404


def test_the_case_detail_lists_the_evidence(stored: Evidence, client_as: Client) -> None:
    detail = client_as("worker").get(f"/api/v1/disputes/{stored.dispute_id}/").json()

    assert [e["id"] for e in detail["evidence"]] == [stored.pk]
