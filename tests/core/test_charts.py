"""Chart labels are plain text: a "$" in a service name is a dollar sign, not matplotlib's math syntax."""

from __future__ import annotations

import io

from accord.core.charts import chart
from accord.org import services as org
from accord.vulns.importer import import_scan


def test_dollar_signs_in_labels_are_text():
    with chart() as (_, ax, drawn):
        # (as math, the last label is a syntax error that raises)
        ax.bar(["Cash $ desk", "$x^2$ pricing", "Pay $\\frac{x$ desk"], [1, 2, 3])
    assert "Cash $ desk" in drawn.svg and "$x^2$ pricing" in drawn.svg


def test_sla_page_draws_a_service_named_with_dollars(org_data, admin, ciso, client):
    service = org.create_business_service(actor=admin, name="Payments $\\frac{x$ desk", criticality_tier=2,
                                          mission_impact="medium")
    org.create_asset(actor=admin, hostname="pay-01", ip_address="10.0.9.1", business_service=service)
    scan = "hostname,ip,scanner,rule_id,title,severity\npay-01,,nessus,1,Old TLS,medium\n"
    import_scan(actor=ciso, file=io.BytesIO(scan.encode()), filename="pay.csv", format="csv")
    client.force_login(ciso)
    page = client.get("/vulns/sla/")
    assert page.status_code == 200
    assert "Payments $\\frac{x$ desk" in page.content.decode()
