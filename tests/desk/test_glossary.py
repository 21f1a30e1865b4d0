"""Hover explanations: the first use of each term on a page, never inside tags or form controls."""

from __future__ import annotations

from accord.core.glossary import TERMS, explain_first_uses


def test_first_use_only_and_longest_term_first():
    html = "<th>ΔALE</th><td>ALE and ΔALE again, EPSS</td>"
    out = explain_first_uses(html)
    assert out.count('<abbr class="term"') == 3  # ΔALE, ALE, EPSS once each
    assert out.startswith(f'<th><abbr class="term" title="{TERMS["ΔALE"][:20]}')
    assert "ΔALE again" in out  # the second use stays plain


def test_attributes_form_controls_and_code_are_left_alone():
    html = ('<a title="KEV list" href="/vulns/?kev=yes">open</a><textarea>KEV</textarea>'
            '<select><option>SSVC</option></select><code>EPSS</code><p>track* and KEV</p>')
    out = explain_first_uses(html)
    assert '<a title="KEV list" href="/vulns/?kev=yes">' in out
    assert "<textarea>KEV</textarea>" in out and "<option>SSVC</option>" in out and "<code>EPSS</code>" in out
    assert '<p><abbr class="term" title="SSVC decision: track, but' in out and '<abbr class="term" title="CISA' in out


def test_words_containing_a_term_are_not_terms():
    assert explain_first_uses("<p>ALERT KEVLAR SLAB</p>") == "<p>ALERT KEVLAR SLAB</p>"


def test_pages_explain_on_hover(findings, ciso, client):
    client.force_login(ciso)
    page = client.get("/vulns/").content.decode()
    assert '<abbr class="term" title="CISA&#x27;s Known Exploited' in page or \
        '<abbr class="term" title="CISA\'s Known Exploited' in page
