"""The posture API end to end: frameworks (CSF 2.0 and an OSCAL import), an assessment scored, its
profile with gaps, OSCAL out and back in, benchmarks, side by side; refusals answer 403/404/422."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from accord.posture import oscal
from accord.posture.models import Assessment


def test_posture_through_the_api(people, api_as, fixtures):
    ciso, board, owner, analyst = (api_as(people[n]) for n in ("ciso", "board", "owner", "analyst"))
    listed = board.get("/posture/frameworks")
    assert listed.status_code == 200
    assert listed.json() == [{"key": "csf-2.0", "title": "NIST Cybersecurity Framework (CSF) 2.0: the Core",
                              "version": "2.0", "builtin": True,
                              "counts": {"functions": 6, "categories": 22, "subcategories": 106}}]
    core = board.get("/posture/frameworks/csf-2.0").json()
    assert [len(c["subcategories"]) for c in core["functions"][0]["categories"]] == [5, 7, 4, 2, 3, 10]
    assert owner.get("/posture/frameworks").status_code == 403
    assert board.get("/posture/frameworks/nope").status_code == 404

    small = (fixtures / "small_catalogue.json").read_bytes()
    imported = ciso.client.post("/api/v1/posture/frameworks", {"key": "shop", "file": SimpleUploadedFile("s.json", small)},
                                headers=ciso.headers)
    assert imported.status_code == 201 and imported.json()["counts"]["subcategories"] == 5
    refused = ciso.client.post("/api/v1/posture/frameworks", {"key": "bad", "file": SimpleUploadedFile("b.json", b"{}")},
                               headers=ciso.headers)
    assert refused.status_code == 422 and "'catalog' is a required property" in refused.json()["problems"][0]["message"]
    assert analyst.client.post("/api/v1/posture/frameworks", {"key": "x", "file": SimpleUploadedFile("s.json", small)},
                               headers=analyst.headers).status_code == 403

    created = ciso.post("/posture/assessments", {"title": "Q4 2026", "assessed_on": "2026-11-30", "tier": 2})
    assert created.status_code == 201 and created.json()["tier_label"] == "Tier 2: Risk Informed"
    aid = created.json()["id"]
    assert ciso.post("/posture/assessments", {"title": "X", "assessed_on": "2026-11-30", "tier": 9}).status_code == 422
    assert board.post("/posture/assessments", {"title": "X", "assessed_on": "2026-11-30"}).status_code == 403
    scored = ciso.call("PUT", f"/posture/assessments/{aid}/scores/GV.OC-01",
                       {"current": 1, "target": 3, "evidence": "No mission link", "owner": "cio", "scored_on": "2026-11-20"})
    assert scored.status_code == 200 and scored.json()["owner"] == "cio"
    ciso.call("PUT", f"/posture/assessments/{aid}/scores/GV.OC-02", {"current": 2, "target": 3})
    bad = ciso.call("PUT", f"/posture/assessments/{aid}/scores/GV.OC-99", {"current": 2, "target": 3})
    assert bad.status_code == 422 and bad.json()["problems"][0]["field"] == "subcategory"
    assert ciso.call("PUT", f"/posture/assessments/{aid}/scores/GV.OC-01", {"current": 5}).status_code == 422
    assert ciso.call("PUT", f"/posture/assessments/{aid}/scores/GV.OC-01", {"owner": "ghost"}).status_code == 404

    detail = board.get(f"/posture/assessments/{aid}").json()
    assert [(s["subcategory"], s["current"], s["owner"]) for s in detail["scores"]] == [
        ("GV.OC-01", 1, "cio"), ("GV.OC-02", 2, None)]
    profile = board.get(f"/posture/assessments/{aid}/profile").json()
    gv_oc = next(c for c in profile["categories"] if c["id"] == "GV.OC")
    assert (gv_oc["current"], gv_oc["target"], gv_oc["gap_to_target"], gv_oc["benchmark"]) == (1.5, 3.0, 1.5, 2.4)
    assert profile["benchmark"]["synthetic"] is True and profile["overall"]["scored"] == 2
    strict = board.get(f"/posture/assessments/{aid}/profile?mode=strict").json()
    assert next(c for c in strict["categories"] if c["id"] == "GV.OC")["current"] == 0.0
    assert board.get(f"/posture/assessments/{aid}/profile?mode=median").status_code == 422
    assert board.get(f"/posture/assessments/{aid}/profile?benchmark=nope").status_code == 404
    assert board.get("/posture/gaps").json()["overall"] == profile["overall"]

    exported = board.get(f"/posture/assessments/{aid}/oscal")
    assert exported.status_code == 200 and oscal.schema_problems(exported.json(), "assessment-results") == []
    back = ciso.client.post("/api/v1/posture/assessments/import-oscal",
                            {"file": SimpleUploadedFile("q4.json", exported.content)}, headers=ciso.headers)
    assert back.status_code == 201 and back.json()["title"] == "Q4 2026"
    assert Assessment.objects.count() == 2

    side = board.get(f"/posture/compare?ids={aid},{back.json()['id']}").json()
    assert [a["id"] for a in side["assessments"]] == [aid, back.json()["id"]]
    assert side["overall"] == [1.5, 1.5]
    assert board.get("/posture/compare?ids=1;2").status_code == 422

    fs = (fixtures / "benchmark_finance.json").read_bytes()
    loaded = ciso.client.post("/api/v1/posture/benchmarks", {"file": SimpleUploadedFile("fs.json", fs)},
                              headers=ciso.headers)
    assert loaded.status_code == 201 and loaded.json()["synthetic"] is False
    keys = [b["key"] for b in board.get("/posture/benchmarks").json()]
    assert keys == ["fs-isac-large-2026", "synthetic-all-industries-mid"]
    assert board.get("/posture/gaps").json()["benchmark"]["key"] == "fs-isac-large-2026"
    patched = ciso.patch(f"/posture/assessments/{aid}", {"tier": 3})
    assert patched.status_code == 200 and patched.json()["tier"] == 3
    assert board.patch(f"/posture/assessments/{aid}", {"tier": 1}).status_code == 403
    for path in ("/posture/assessments", f"/posture/assessments/{aid}", f"/posture/assessments/{aid}/profile",
                 f"/posture/assessments/{aid}/oscal", "/posture/compare", "/posture/benchmarks", "/posture/gaps"):
        assert owner.get(path).status_code == 403, path
    assert board.get("/posture/assessments/999999").status_code == 404
