"""Meridian's vulnerabilities: KEV and EPSS feeds, two weekly scans and a re-scan, some triage.

The feeds and scans are written here in the real formats (CISA KEV JSON, FIRST EPSS CSV, Accord's
generic CSV and a Nessus CSV export) and loaded through the same services as a user's files, so
the demo exercises the whole path. Dates are relative to today, so SLA states stay realistic for a
company that scans weekly: first sightings fall on scan days over the last five months, known-
exploited findings are mostly from the last two scans (a handful were missed and are overdue), and
the KEV catalogue of two weeks ago is loaded before the scans, today's (one new listing) after them.
"""

from __future__ import annotations

import csv
import io
import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.utils import timezone

from accord.demo.accounts import DemoContext
from accord.org import selectors as org_selectors
from accord.vulns import selectors as vuln_selectors
from accord.vulns import services as vulns

SEED = 4004
NET = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"


@dataclass(frozen=True)
class Check:
    rule_id: str
    title: str
    cves: tuple[str, ...]
    vector: str
    severity: str
    applies: str  # linux, windows, network, web, database, endpoint
    solution: str
    exploit: bool = False
    kev_days_ago: int | None = None  # listed in the demo KEV feed this many days ago


CHECKS: tuple[Check, ...] = (
    Check("200162", "PHP 8.x < 8.3.8 CGI argument injection", ("CVE-2024-4577",), NET, "critical", "web",
          "Upgrade PHP to 8.3.8 or later.", True, 160),
    Check("156032", "Apache Log4j 2.x < 2.17.0 remote code execution (Log4Shell)",
          ("CVE-2021-44228", "CVE-2021-45046"), "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", "critical", "linux",
          "Upgrade Log4j to 2.17.1 or later.", True, 1000),
    Check("194476", "Palo Alto PAN-OS GlobalProtect command injection", ("CVE-2024-3400",),
          "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", "critical", "network", "Upgrade PAN-OS.", True, 210),
    Check("190889", "Fortinet FortiOS SSL VPN out-of-bounds write", ("CVE-2024-21762",), NET, "critical", "network",
          "Upgrade FortiOS to 7.2.7 or later.", True, 280),
    Check("183028", "Cisco IOS XE web UI privilege escalation", ("CVE-2023-20198",), NET, "critical", "network",
          "Disable the HTTP server feature or upgrade.", True, 400),
    Check("185520", "Citrix NetScaler ADC information disclosure (Citrix Bleed)", ("CVE-2023-4966",),
          "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", "high", "web", "Upgrade NetScaler ADC.", True, 390),
    Check("152102", "Windows Print Spooler remote code execution (PrintNightmare)", ("CVE-2021-34527",),
          "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", "high", "windows", "Apply the July 2021 update.", True, 1200),
    Check("166555", "Microsoft Exchange Server ProxyNotShell", ("CVE-2022-41040", "CVE-2022-41082"),
          "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", "high", "windows", "Apply the November 2022 update.", True,
          750),
    Check("182245", "Atlassian Confluence broken access control", ("CVE-2023-22515",), NET, "critical", "web",
          "Upgrade Confluence Data Center.", True, 420),
    Check("187315", "SSH Terrapin prefix truncation weakness", ("CVE-2023-48795",),
          "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:N", "medium", "linux", "Upgrade OpenSSH to 9.6 or later."),
    Check("201194", "OpenSSH < 9.8 signal handler race (regreSSHion)", ("CVE-2024-6387",),
          "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H", "high", "linux", "Upgrade OpenSSH to 9.8 or later."),
    Check("193432", "XZ Utils 5.6.x backdoor", ("CVE-2024-3094",), "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H",
          "critical", "linux", "Downgrade xz to 5.4.6."),
    Check("191234", "glibc qsort memory corruption", ("CVE-2023-6779", "CVE-2023-6780"),
          "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", "high", "linux", "Update glibc."),
    Check("179001", "Linux kernel netfilter use-after-free", ("CVE-2024-1086",),
          "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", "high", "linux", "Update the kernel.", True, 180),
    Check("168750", "OpenSSL 3.0.x X.509 email address buffer overflow", ("CVE-2022-3602",),
          "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", "high", "linux", "Upgrade OpenSSL to 3.0.7."),
    Check("192960", "Windows SmartScreen security feature bypass", ("CVE-2024-21412",),
          "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", "high", "endpoint", "Apply the February 2024 update.",
          True, 270),
    Check("204567", "Microsoft Windows cumulative update missing (July)", ("CVE-2024-38063",), NET, "critical",
          "windows", "Apply the latest cumulative update."),
    Check("199121", "Google Chrome < 125 multiple vulnerabilities", ("CVE-2024-4671", "CVE-2024-4761"),
          "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", "high", "endpoint", "Update Chrome.", True, 190),
    Check("200544", "Microsoft Office remote code execution", ("CVE-2024-30103",),
          "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", "high", "endpoint", "Apply the June 2024 update."),
    Check("17694", "PostgreSQL 13.x < 13.16 multiple vulnerabilities", ("CVE-2024-7348",),
          "CVSS:3.1/AV:N/AC:H/PR:L/UI:N/S:U/C:H/I:H/A:H", "high", "database", "Upgrade PostgreSQL."),
    Check("18003", "Oracle MySQL server multiple vulnerabilities", ("CVE-2024-20996",),
          "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:N/I:N/A:H", "medium", "database", "Apply the Oracle CPU."),
    Check("42873", "SSL medium strength cipher suites supported (SWEET32)", ("CVE-2016-2183",),
          "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", "high", "web", "Disable 3DES cipher suites."),
    Check("51192", "SSL certificate cannot be trusted", (), "", "medium", "web",
          "Install a certificate signed by a trusted authority."),
    Check("57582", "SSL self-signed certificate", (), "", "medium", "web", "Install a proper certificate."),
    Check("104743", "TLS version 1.0 protocol detection", (), "", "medium", "web", "Enable only TLS 1.2 and 1.3."),
    Check("10114", "ICMP timestamp request remote date disclosure", ("CVE-1999-0524",), "", "low", "network",
          "Filter ICMP timestamp requests."),
    Check("70658", "SSH server CBC mode ciphers enabled", ("CVE-2008-5161",), "", "low", "linux",
          "Disable CBC mode ciphers."),
    Check("153953", "SSH weak key exchange algorithms enabled", (), "", "low", "linux",
          "Disable weak key exchange algorithms."),
    Check("57608", "SMB signing not required", (), "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:L/A:N", "medium",
          "windows", "Enforce SMB signing."),
    Check("97833", "Microsoft Windows SMBv1 multiple vulnerabilities (MS17-010)",
          ("CVE-2017-0143", "CVE-2017-0144"), "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H", "high", "windows",
          "Apply MS17-010 and disable SMBv1.", True, 2100),
    Check("168018", "Apache HTTP Server 2.4.x < 2.4.59 multiple vulnerabilities", ("CVE-2024-27316",),
          "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", "high", "web", "Upgrade Apache httpd."),
    Check("173260", "nginx HTTP/2 rapid reset denial of service", ("CVE-2023-44487",),
          "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", "high", "web", "Upgrade nginx.", True, 400),
    Check("160477", "Spring Framework remote code execution (Spring4Shell)", ("CVE-2022-22965",), NET, "critical",
          "linux", "Upgrade Spring Framework.", True, 950),
    Check("211726", "VMware Tools authentication bypass", ("CVE-2023-20867",),
          "CVSS:3.1/AV:L/AC:H/PR:H/UI:N/S:U/C:L/I:L/A:N", "low", "linux", "Update VMware Tools."),
)

# Which checks a host's role and platform can show, and how likely each is on one host.
PLATFORM = {"server": ("linux", "web"), "database": ("linux", "database"), "container": ("linux", "web"),
            "cloud": ("linux", "web"), "network": ("network",), "workstation": ("endpoint", "windows")}
_KEV_VENDORS = {"CVE-2021-44228": ("Apache", "Log4j2"), "CVE-2024-3400": ("Palo Alto Networks", "PAN-OS")}


def kev_json(today: datetime, *, released: datetime | None = None) -> bytes:
    """A small KEV catalogue in CISA's format: the demo checks that CISA lists, plus some others.

    `released` (default: today) is when CISA published it: listings added after it are not in it yet.
    """
    released = released or today
    entries = []
    for check in CHECKS:
        if check.kev_days_ago is None:
            continue
        added = (today - timedelta(days=check.kev_days_ago)).date()
        vendor, product = _KEV_VENDORS.get(check.cves[0], (check.title.split()[0], check.title.split()[1]))
        for cve in check.cves:
            entries.append({
                "cveID": cve, "vendorProject": vendor, "product": product,
                "vulnerabilityName": check.title, "dateAdded": added.isoformat(),
                "shortDescription": f"{check.title}.", "requiredAction": "Apply mitigations per vendor instructions "
                "or discontinue use of the product if mitigations are unavailable.",
                "dueDate": (added + timedelta(days=21)).isoformat(),
                "knownRansomwareCampaignUse": "Known" if check.kev_days_ago > 500 else "Unknown",
                "notes": f"https://nvd.nist.gov/vuln/detail/{cve}", "cwes": ["CWE-20"],
            })
    # A listing from ten days ago on findings first seen weeks earlier: when today's catalogue is loaded their
    # decision escalates and their KEV clock counts from the listing (14 days), so most are due this week.
    entries.append({"cveID": "CVE-2024-38063", "vendorProject": "Microsoft", "product": "Windows",
                    "vulnerabilityName": "Microsoft Windows TCP/IP remote code execution",
                    "dateAdded": (today - timedelta(days=10)).date().isoformat(),
                    "shortDescription": "Windows TCP/IP IPv6 integer underflow.",
                    "requiredAction": "Apply the vendor's update.",
                    "dueDate": (today + timedelta(days=4)).date().isoformat(),
                    "knownRansomwareCampaignUse": "Unknown", "notes": "", "cwes": ["CWE-191"]})
    cutoff = released.date().isoformat()
    entries = [entry for entry in entries if str(entry["dateAdded"]) <= cutoff]
    document = {"title": "CISA Catalog of Known Exploited Vulnerabilities",
                "catalogVersion": released.strftime("%Y.%m.%d"),
                "dateReleased": released.strftime("%Y-%m-%dT%H:%M:%S.0000Z"), "count": len(entries),
                "vulnerabilities": entries}
    return json.dumps(document, indent=2).encode()


def epss_csv(today: datetime, rng: random.Random) -> bytes:
    lines = [f"#model_version:v2025.03.14,score_date:{today.strftime('%Y-%m-%dT12:00:00Z')}", "cve,epss,percentile"]
    for check in CHECKS:
        for cve in check.cves:
            high = check.kev_days_ago is not None or check.exploit
            score = rng.uniform(0.4, 0.97) if high else rng.random() ** 3 * 0.3
            lines.append(f"{cve},{score:.5f},{min(0.99999, 0.5 + score / 2):.5f}")
    return ("\n".join(lines) + "\n").encode()


def _applicable(kind: str, os_name: str) -> list[Check]:
    platforms = set(PLATFORM.get(kind, ("linux",)))
    if "windows" in os_name.lower():
        platforms = (platforms - {"linux"}) | {"windows"}
    return [c for c in CHECKS if c.applies in platforms]


def _ports(check: Check) -> tuple[int, ...]:
    """Where a check shows: TLS and web checks on several services of a host."""
    if check.applies == "web":
        return (443, 8443, 636) if not check.cves else (443, 8443)
    return (22,) if check.applies == "linux" else (445,) if check.applies == "windows" else (0,)


def _age_days(check: Check, host_rng: random.Random) -> int:
    """Days since a weekly scan first saw `check` on a host (first sightings fall on scan days).

    Meridian fixes known-exploited flaws within the KEV clock, so most open KEV findings came up in
    the last two weekly scans; about one host in twenty missed its patch and is weeks overdue. Other
    findings stay open longer: their first sightings spread over the last five months.
    """
    if check.kev_days_ago is not None:
        missed = host_rng.random() < 0.05
        weeks = host_rng.randint(3, 10) if missed else host_rng.randint(0, 1)
    else:
        weeks = int(host_rng.triangular(0, 22, 2))
    return 7 * weeks


def scan_csv(assets: list[tuple[str, str, str, str]], today: datetime, rng: random.Random,
             dropped: float = 0.0) -> bytes:
    """Accord's generic CSV for the weekly internal scan; `dropped` leaves out a share (remediated)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["hostname", "ip", "scanner", "rule_id", "title", "severity", "cves", "cvss3_vector", "port",
                     "protocol", "exploit_available", "solution", "evidence", "first_seen"])
    for hostname, ip, kind, os_name in assets:
        host_rng = random.Random(f"{SEED}-{hostname}")  # noqa: S311 - demo data
        # Hygiene findings are everywhere, known-exploited ones on a few hosts (those that missed a patch).
        for check, port in [(c, p) for c in _applicable(kind, os_name) for p in _ports(c)]:
            chance = 0.08 if check.kev_days_ago is not None else (0.7 if not check.cves else 0.5)
            if host_rng.random() >= chance:
                continue
            age = _age_days(check, host_rng)
            if dropped and rng.random() < dropped:
                continue
            writer.writerow([hostname, ip, "nessus", check.rule_id, check.title, check.severity, " ".join(check.cves),
                             check.vector, port, "tcp",
                             "yes" if check.exploit else "no", check.solution,
                             f"Detected on {hostname}: vulnerable version installed.",
                             (today - timedelta(days=age)).strftime("%Y-%m-%dT%H:%M:%SZ")])
    return out.getvalue().encode()


def nessus_dmz_csv(assets: list[tuple[str, str, str, str]]) -> bytes:
    """A Nessus CSV export (current columns) of the internet-facing hosts."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Plugin ID", "CVE", "CVSS v2.0 Base Score", "Risk", "Host", "Protocol", "Port", "Name",
                     "Synopsis", "Description", "Solution", "See Also", "Plugin Output", "CVSS v3.0 Base Score",
                     "CVSS v3.0 Vector", "VPR Score", "EPSS Score", "Metasploit"])
    web = [c for c in CHECKS if c.applies in ("web", "network")]
    for hostname, ip, _, _ in assets:
        for check in web[: 6 + len(hostname) % 5]:
            for cve in check.cves or ("",):
                writer.writerow([check.rule_id, cve, "", check.severity.capitalize(), ip, "tcp", 443, check.title,
                                 check.title + ".", f"The remote host {hostname} is affected.", check.solution, "",
                                 "Installed version : see vendor advisory", "", check.vector, "", "",
                                 "TRUE" if check.exploit else "FALSE"])
    return out.getvalue().encode()


def _upload(data: bytes, name: str) -> io.BytesIO:
    stream = io.BytesIO(data)
    stream.name = name
    return stream


def build_vulnerabilities(context: DemoContext) -> str:
    rng = random.Random(SEED)  # noqa: S311 - demo data, not security
    analyst, ciso = context.users["analyst"], context.users["ciso"]
    today = timezone.now().astimezone(UTC).replace(microsecond=0)
    # The catalogue as of two weeks ago first; today's, with one new listing, after the scans (below).
    earlier = today - timedelta(days=14)
    vulns.load_kev(actor=analyst, file=_upload(kev_json(today, released=earlier), "kev.json"),
                   filename=f"known_exploited_vulnerabilities-{earlier:%Y-%m-%d}.json")
    vulns.load_epss(actor=analyst, file=_upload(epss_csv(today, rng), "epss.csv"),
                    filename=f"epss_scores-{today:%Y-%m-%d}.csv")

    assets = [(a.hostname, a.ip_address or "", a.kind, a.operating_system)
              for a in org_selectors.assets_visible_to(analyst).order_by("hostname")]
    internal = scan_csv(assets, today, rng)
    name = f"internal-weekly-{(today - timedelta(days=7)):%Y-%m-%d}.csv"
    vulns.import_scan(actor=analyst, file=_upload(internal, name), filename=name, scope="internal-weekly")
    rescan = scan_csv(assets, today, random.Random(SEED + 1), dropped=0.08)  # noqa: S311 - demo data
    name = f"internal-weekly-{today:%Y-%m-%d}.csv"
    run = vulns.import_scan(actor=analyst, file=_upload(rescan, name), filename=name, scope="internal-weekly")
    exposed = [(a.hostname, a.ip_address or "", a.kind, a.operating_system) for a in
               org_selectors.assets_visible_to(analyst, org_selectors.AssetFilter(internet_exposed=True))]
    exposed += [("vpn-gw-01.meridian.example", "203.0.113.10", "network", ""),
                ("partner-sftp.meridian.example", "203.0.113.25", "server", "")]  # not in the inventory yet
    vulns.import_scan(actor=analyst, file=_upload(nessus_dmz_csv(exposed), "dmz-external.csv"),
                      filename="dmz-external.csv", scope="dmz-external", format="nessus-csv")
    vulns.load_kev(actor=analyst, file=_upload(kev_json(today), "kev.json"),
                   filename="known_exploited_vulnerabilities.json")

    # Triage: the analyst downgrades one finding on a host that is not reachable from outside.
    candidate = vuln_selectors.findings_visible_to(analyst, vuln_selectors.FindingFilter(decision="act")).filter(
        asset__environment="staging").first()
    if candidate is not None:
        vulns.override_decision(actor=analyst, finding=candidate, decision="attend",
                                justification="Staging host behind the admin VPN, no inbound access; patch with "
                                              "the next staging window.")
    vulns.propose_sla_policy(actor=ciso, act_days=5, attend_days=30, track_star_days=60, track_days=180,
                             reason="Shorten act to five days and track* to sixty after the Q3 incident review.")
    total = vuln_selectors.findings_visible_to(analyst, vuln_selectors.FindingFilter(state="all")).count()
    return f"{total} findings ({run.fixed} fixed on re-scan), KEV and EPSS feeds, an SLA policy proposal"
