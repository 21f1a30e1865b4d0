"""Large scanner files are imported as jobs: the page leads to the job, which ends with the import;
a refused file fails the job, keeps nothing imported and keeps the upload for a retry."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from typer.testing import CliRunner

from accord.accounts import services as account_services
from accord.cli import app
from accord.jobs.models import Job, JobStatus
from accord.notifications.models import Notification
from accord.vulns.models import Finding, ImportRun

GOOD = b"hostname,title,severity\nerp-db-01,Old TLS,medium\nwww-01,Weak cipher,low\n"
BAD = b"hostname,title,severity\nerp-db-01,Old TLS,medium\nwww-01,Weak cipher,loud\n"


@pytest.fixture(autouse=True)
def _every_import_in_the_background(tmp_path):
    with override_settings(ACCORD_IMPORT_BACKGROUND_MB=0, VAR_DIR=tmp_path):
        yield


def _uploads(tmp_path):
    return sorted((tmp_path / "uploads").glob("*.upload")) if (tmp_path / "uploads").is_dir() else []


def test_the_page_leads_to_the_job_which_imports(org_data, ciso, client, tmp_path):
    client.force_login(ciso)
    response = client.post("/vulns/imports/", {"scan-file": SimpleUploadedFile("scan.csv", GOOD),
                                               "scan-format": "auto"})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert job.status == JobStatus.SUCCEEDED and job.progress == 1.0  # (tests run jobs when queued)
    run = ImportRun.objects.get()
    assert job.result["run"] == run.pk and job.result["new"] == 2 and job.result["url"] == f"/vulns/imports/#run-{run.pk}"
    assert Finding.objects.count() == 2 and _uploads(tmp_path) == []
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "succeeded" in page.lower() and f"/vulns/imports/#run-{run.pk}" in page
    assert Notification.objects.filter(user=ciso, event="job.finished").exists()


def test_a_refused_file_fails_the_job_and_writes_nothing(org_data, ciso, client, tmp_path):
    client.force_login(ciso)
    client.post("/vulns/imports/", {"scan-file": SimpleUploadedFile("bad.csv", BAD), "scan-format": "auto"})
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED and "line 3" in job.error and "loud" in job.error
    assert not ImportRun.objects.exists() and not Finding.objects.exists()
    assert len(_uploads(tmp_path)) == 1  # kept for a retry
    assert Notification.objects.filter(user=ciso, event="job.failed").exists()


def test_an_unknown_service_is_refused_before_any_job(org_data, ciso, client, tmp_path):
    client.force_login(ciso)
    response = client.post("/vulns/imports/", {"scan-file": SimpleUploadedFile("scan.csv", GOOD),
                                               "scan-format": "auto", "scan-service": "Nowhere"})
    assert response.status_code == 422 and "no business service named" in response.content.decode()
    assert not Job.objects.exists() and _uploads(tmp_path) == []


def test_the_api_answers_202_with_the_job(org_data, ciso, api_as):
    api = api_as(ciso)
    response = api.client.post("/api/v1/vulns/imports/background",  # multipart, as a file upload is
                               {"file": SimpleUploadedFile("scan.csv", GOOD), "format": "auto"}, headers=api.headers)
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["kind"] == "vulns.import" and body["status"] == "succeeded" and body["result"]["new"] == 2


def test_the_command_line_follows_the_job(org_data, ciso, tmp_path, monkeypatch):
    monkeypatch.setenv("ACCORD_TOKEN_FILE", str(tmp_path / "token"))
    scan = tmp_path / "scan.csv"
    scan.write_bytes(GOOD)
    token = account_services.create_token(actor=ciso, name="cli").secret
    result = CliRunner().invoke(app, ["vulns", "import", str(scan), "--background", "--token", token])
    assert result.exit_code == 0, result.output
    assert "done in" in result.output and ImportRun.objects.count() == 1
    bad = tmp_path / "bad.csv"
    bad.write_bytes(BAD)
    failed = CliRunner().invoke(app, ["vulns", "import", str(bad), "--background", "--token", token])
    assert failed.exit_code == 1 and "failed" in failed.output
    assert Job.objects.filter(status="failed").count() == 1
