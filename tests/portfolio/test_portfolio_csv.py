"""CSV import (all or nothing, errors with line and column) and export (formula cells escaped)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from accord.core.errors import ValidationFailed
from accord.core.models import AuditEvent
from accord.portfolio import csv_io
from accord.portfolio.models import Initiative, InitiativeEffect

HEADER = "slug,title,one_off_cost,annual_cost,sponsor,mandatory,requires,capacity,csf_subcategories,effects\n"
EFFECT = json.dumps([{"scenario": "ransomware-erp", "factor": "vulnerability",
                      "effectiveness": {"pert": [0.2, 0.3, 0.4]}}]).replace('"', '""')


def _import(actor, text, name="initiatives.csv"):
    return csv_io.import_initiatives_csv(actor=actor, file=io.BytesIO(text.encode()), filename=name)


def test_a_good_file_creates_links_and_effects(ciso, scenarios):
    text = HEADER + (
        f'pam,PAM for admins,150000,60000,ciso,no,mfa,Platform=2,PR.AA-05,"{EFFECT}"\n'
        "mfa,MFA everywhere,60000,35000,joint,yes,,,PR.AA-03,\n"
    )
    report = _import(ciso, text)
    assert (report.rows, report.created, report.updated) == (2, 2, 0)
    pam = Initiative.objects.get(slug="pam")
    assert [r.slug for r in pam.requires.all()] == ["mfa"]  # named before it appears in the file
    assert pam.capacity.get().units == 2 and pam.csf_subcategories == ["PR.AA-05"]
    assert InitiativeEffect.objects.get().effectiveness == {"pert": [0.2, 0.3, 0.4]}
    assert Initiative.objects.get(slug="mfa").mandatory
    again = _import(ciso, text.replace("150000", "160000"))
    assert (again.created, again.updated) == (0, 2)
    assert Initiative.objects.get(slug="pam").one_off_cost == 160000
    assert AuditEvent.objects.filter(action="initiative.import_finished").count() == 2


def test_a_bad_file_is_refused_whole_with_line_and_column(ciso, scenarios):
    bad_effect = EFFECT.replace("0.4]", "1.4]")  # an effectiveness is a probability
    text = HEADER + (
        "ok,Fine,10,0,ciso,no,,,,\n"
        "neg,Negative,-5,0,ciso,no,,,,\n"
        "csf,Bad CSF,0,0,cfo,maybe,ghost,Nobody=2,PR.AA-1,\n"
        f'eff,Bad effect,0,0,ciso,no,,,,"{bad_effect}"\n'
        "ok,Duplicate,0,0,ciso,no,,,,\n"
        "short,row\n"
    )
    with pytest.raises(ValidationFailed) as exc:
        _import(ciso, text)
    found = {(p.line, p.column) for p in exc.value.problems}
    assert {(3, "one_off_cost"), (4, "sponsor"), (4, "mandatory"), (4, "capacity"), (4, "csf_subcategories"),
            (5, "effects"), (6, "slug"), (7, "")} <= found
    assert exc.value.source == "initiatives.csv"
    assert not Initiative.objects.exists() and not InitiativeEffect.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="initiative.").exists()


def test_unknown_and_missing_columns_are_refused_on_line_1(ciso, org_data):
    with pytest.raises(ValidationFailed) as exc:
        _import(ciso, "slug,titel\nx,y\n")
    assert {(p.line, p.column) for p in exc.value.problems} == {(1, "titel"), (1, "title")}
    with pytest.raises(ValidationFailed):
        _import(ciso, "")
    with pytest.raises(ValidationFailed) as exc:
        _import(ciso, "slug,title\n\xff\n".encode("latin-1").decode("latin-1"))
    assert not Initiative.objects.exists()


def test_export_escapes_formula_cells_and_imports_back(ciso, portfolio):
    from accord.portfolio import services

    services.update_initiative(actor=ciso, initiative=portfolio["edr"], title="=HYPERLINK(\"x\")",
                               description="+1 -2 @me")
    text = csv_io.export_initiatives_csv(ciso)
    rows = list(csv.DictReader(io.StringIO(text)))
    edr = next(r for r in rows if r["slug"] == "edr")
    assert edr["title"] == "'=HYPERLINK(\"x\")" and edr["description"] == "'+1 -2 @me"
    assert json.loads(next(r for r in rows if r["slug"] == "mfa")["effects"])[0]["factor"] in {"tef", "lef"}
    assert all(not cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r.values())
    report = _import(ciso, text)
    assert report.updated == 3
    assert Initiative.objects.get(slug="edr").title == "=HYPERLINK(\"x\")"
    assert InitiativeEffect.objects.count() == 4


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx"])
def test_safe_cell(cell):
    assert csv_io.safe_cell(cell) == "'" + cell
    assert csv_io.unescape_cell(csv_io.safe_cell(cell)) == cell
    assert csv_io.safe_cell("plain") == "plain"
