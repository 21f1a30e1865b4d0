"""The posture pages: the profile (radar, function and category tables, initiatives, benchmark labelled
synthetic), an assessment's scores and the score form, side by side, the catalogue with its OSCAL
import, benchmarks; who sees what."""

from __future__ import annotations

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accord.posture import services
from accord.posture.models import Score


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _text(response) -> str:
    return " ".join(response.content.decode().split())


def test_the_profile_page(people):
    board = _client(people["board"])
    empty = board.get("/posture/")
    assert empty.status_code == 200 and "No NIST CSF 2.0 assessment has been recorded yet" in _text(empty)
    a = services.create_assessment(actor=people["ciso"], title="Q4 2026", assessed_on=date(2026, 11, 30), tier=2)
    services.set_score(actor=people["ciso"], assessment=a, subcategory="PR.AA-01", current=1, target=3)
    services.set_score(actor=people["ciso"], assessment=a, subcategory="PR.AA-02", current=2, target=3)
    from accord.portfolio import services as portfolio

    mfa = portfolio.create_initiative(actor=people["ciso"], slug="mfa", title="MFA everywhere",
                                      csf_subcategories=["PR.AA-01"])
    page = board.get("/posture/")
    text = _text(page)
    assert page.status_code == 200
    assert 'class="radar"' in text and "Benchmark (synthetic)" in text
    assert "SYNTHETIC, not measured" in text and "as of 2026-11-30" in text
    assert f'href="/portfolio/initiatives/{mfa.pk}/"' in text and "MFA everywhere" in text
    assert "Tier 2" in text and "2 of 106 subcategories scored" in text
    strict = _text(board.get("/posture/?mode=strict"))
    assert "strict" in strict and "lowest score under it" in strict
    assert board.get("/posture/?benchmark=nope").status_code == 404
    assert _client(people["owner"]).get("/posture/").status_code == 403
    assert "New assessment" not in text  # the board reads only
    assert "New assessment" in _text(_client(people["ciso"]).get("/posture/"))


def test_assessment_pages_and_scoring(people):
    ciso = _client(people["ciso"])
    created = ciso.post("/posture/assessments/new/", {"title": "Q1 2027", "assessed_on": "2027-03-31",
                                                      "framework_key": "csf-2.0", "tier": "3"})
    assert created.status_code == 302
    from accord.posture.models import Assessment

    assessment = Assessment.objects.get()
    assert (assessment.title, assessment.tier) == ("Q1 2027", 3)
    form = ciso.get(f"/posture/assessments/{assessment.pk}/score/GV.OC-01/")
    assert form.status_code == 200 and "The organizational mission is understood" in _text(form)
    saved = ciso.post(f"/posture/assessments/{assessment.pk}/score/GV.OC-01/",
                      {"current": "2", "target": "4", "evidence": "Strategy paper", "owner": str(people["cio"].pk),
                       "scored_on": "2027-03-20"})
    assert saved.status_code == 302
    score = Score.objects.get()
    assert (score.current, score.target, score.owner, score.scored_on) == (2, 4, people["cio"], date(2027, 3, 20))
    assert ciso.get(f"/posture/assessments/{assessment.pk}/score/GV.XX-01/").status_code == 404
    detail = _text(ciso.get(f"/posture/assessments/{assessment.pk}/"))
    assert "Strategy paper" in detail and "1 of 106 subcategories" in detail
    exported = ciso.get(f"/posture/assessments/{assessment.pk}/oscal.json")
    assert exported.status_code == 200 and exported.json()["assessment-results"]["results"][0]["title"] == "Q1 2027"
    board = _client(people["board"])
    assert board.get(f"/posture/assessments/{assessment.pk}/score/GV.OC-01/").status_code == 403
    assert board.get(f"/posture/assessments/{assessment.pk}/").status_code == 200
    edited = ciso.post(f"/posture/assessments/{assessment.pk}/edit/",
                       {"title": "Q1 2027 (final)", "assessed_on": "2027-03-31", "tier": ""})
    assert edited.status_code == 302
    assessment.refresh_from_db()
    assert assessment.title == "Q1 2027 (final)" and assessment.tier is None
    compare = _text(board.get("/posture/compare/"))
    assert "Q1 2027 (final)" in compare and "All functions" in compare


def test_catalogue_and_imports(people, fixtures):
    board, ciso = _client(people["board"]), _client(people["ciso"])
    page = _text(board.get("/posture/catalogue/"))
    assert "GV.OC-01" in page and "RC.CO-04" in page and "NIST SP 800-53 Rev. 5" in page
    assert "6 functions, 22 categories, 106 subcategories" in page
    assert board.get("/posture/catalogue/import/").status_code == 403
    bad = ciso.post("/posture/catalogue/import/", {"key": "bad", "file": SimpleUploadedFile("b.json", b'{"catalog": {}}')})
    assert bad.status_code == 422 and "nothing was written" in _text(bad)
    small = (fixtures / "small_catalogue.json").read_bytes()
    ok = ciso.post("/posture/catalogue/import/", {"key": "shop", "file": SimpleUploadedFile("s.json", small)})
    assert ok.status_code == 302 and ok["Location"] == "/posture/catalogue/?framework=shop"
    assert "Small Shop Controls" in _text(board.get("/posture/catalogue/?framework=shop"))
    bench = (fixtures / "benchmark_finance.json").read_bytes()
    assert ciso.post("/posture/benchmarks/import/", {"file": SimpleUploadedFile("fs.json", bench)}).status_code == 302
    listed = _text(board.get("/posture/benchmarks/"))
    assert "Financial services, large banks, 2026 survey" in listed and "SYNTHETIC, not measured" in listed
