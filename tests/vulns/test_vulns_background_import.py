"""Large scanner files are imported as jobs: the page leads to the job, which ends with the import;
a refused file fails the job, keeps nothing imported and keeps the upload for a retry."""

from __future__ import annotations

import io

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


def _kev_file(cve: str) -> bytes:
    import json

    entry = {"cveID": cve, "vendorProject": "V", "product": "P", "vulnerabilityName": f"{cve} flaw",
             "dateAdded": "2026-01-02", "shortDescription": "A flaw.", "requiredAction": "Patch.",
             "dueDate": "2026-01-23", "knownRansomwareCampaignUse": "Unknown", "notes": "", "cwes": []}
    return json.dumps({"title": "CISA Catalog of Known Exploited Vulnerabilities", "catalogVersion": "2026.01.02",
                       "dateReleased": "2026-01-02T17:04:19.9796Z", "count": 1, "vulnerabilities": [entry]}).encode()


def test_a_feed_over_many_findings_loads_as_a_job(org_data, ciso, client, tmp_path):
    from accord.vulns.models import KevEntry
    from accord.vulns.services import import_scan

    scan = b"hostname,title,severity,cves\nerp-db-01,PHP CGI,critical,CVE-2024-4577\n"
    import_scan(actor=ciso, file=io.BytesIO(scan), filename="s.csv", format="csv")
    client.force_login(ciso)
    with override_settings(ACCORD_FEED_BACKGROUND_FINDINGS=0):  # one open finding with a CVE is "many"
        response = client.post("/vulns/imports/", {"feed-kind": "kev",
                                                   "feed-file": SimpleUploadedFile("kev.json", _kev_file("CVE-2024-4577"))})
    job = Job.objects.get(kind="vulns.feed")
    assert response["Location"] == f"/jobs/{job.pk}/"
    assert job.status == JobStatus.SUCCEEDED and job.result["findings_redecided"] == 1
    assert KevEntry.objects.filter(cve_id="CVE-2024-4577").exists() and Finding.objects.get().kev
    assert _uploads(tmp_path) == []
    with override_settings(ACCORD_FEED_BACKGROUND_FINDINGS=10):  # under the limit: loaded in the request
        again = client.post("/vulns/imports/", {"feed-kind": "kev",
                                                "feed-file": SimpleUploadedFile("kev.json", _kev_file("CVE-2024-4577"))})
    assert again["Location"] == "/vulns/imports/" and Job.objects.filter(kind="vulns.feed").count() == 1
