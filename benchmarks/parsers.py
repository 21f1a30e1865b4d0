"""Parse throughput and peak memory of the host and web scanner formats (issue 10), one file per format.

    .venv/bin/python benchmarks/parsers.py                      # 500,000 findings per format
    .venv/bin/python benchmarks/parsers.py --findings 1000000   # bigger files
    .venv/bin/python benchmarks/parsers.py --quick              # 2,000 findings: does it run?
    .venv/bin/python benchmarks/parsers.py --formats qualys-xml tenable-vm

For each format a file of N findings is generated into a temporary folder (hosts with 100
findings each, 500 checks with CVEs, CVSS vectors, multi-line evidence), then read in a fresh
process exactly as `accord vulns parse` reads it: `read_scan` (detection by content, the shared
validation, parse notes) and the repeat rule. Reported: findings per second of the whole read, and
the peak resident set (VmHWM) of that process, interpreter and libraries included. The Qualys
report and WAS formats hold every detection until the glossary at the end of the file; they spool
detections to a temporary file, so their memory should stay flat too.

Formats: tenable-sc (Tenable.sc CSV through the Nessus CSV parser, vectors without their prefix),
tenable-vm, greenbone-csv, qualys-vmdr, qualys-pci, qualys-xml, qualys-scan-xml, qualys-was.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

PER_HOST = 100
CHECKS = 500
VECTORS = (
    "AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
    "AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H",
    "AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:N",
    "AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H",
    "AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N",
)
WORDS = ("Critical", "High", "Medium", "Low", "Info")
PORTS = (443, 22, 80, 8443, 3389)


def detections(n: int) -> Iterator[tuple[int, int, str, str, int]]:
    """(host number, check number, IP, host name, port) for n distinct findings."""
    for i in range(n):
        host, k = divmod(i, PER_HOST)
        check = (host * 7 + k * 13) % CHECKS
        ip = f"10.{host // 65536 % 256}.{host // 256 % 256}.{host % 256}"
        yield host, check + k // CHECKS * CHECKS, ip, f"host-{host:06d}.bench.example", PORTS[k % len(PORTS)]


def cve(check: int) -> str:
    return f"CVE-{2019 + check % 6}-{20000 + check}" if check % 4 else ""


def evidence(check: int) -> str:
    return f"Installed version : {check % 9}.{check % 13}.1\nFixed version     : {check % 9}.{check % 13 + 1}.0"


# ---- writers, one per format -----------------------------------------------------------------------


def write_tenable_sc(out: TextIO, n: int) -> None:
    w = csv.writer(out)
    w.writerow(["Plugin", "Plugin Name", "Family", "Severity", "IP Address", "Protocol", "Port", "DNS Name",
                "Plugin Output", "Synopsis", "Solution", "CVSS V3 Base Score", "CVSS V3 Vector", "CVE",
                "First Discovered", "Last Observed"])
    for _, check, ip, name, port in detections(n):
        w.writerow([100000 + check, f"Product {check} multiple vulnerabilities", "Misc.", WORDS[check % 5], ip,
                    "TCP", port, name, evidence(check), "An update is available.", "Upgrade.",
                    f"{4 + check % 60 / 10:.1f}", VECTORS[check % 5], cve(check), "Feb 5, 2026 21:01:08 UTC",
                    "Nov 19, 2026 21:01:01 UTC"])


def write_tenable_vm(out: TextIO, n: int) -> None:
    w = csv.writer(out, delimiter=";")
    w.writerow(["asset.display_fqdn", "asset.display_ipv4_address", "asset.host_name", "asset.id", "definition.id",
                "definition.name", "definition.cve", "definition.cvss3.base_score", "definition.cvss3.base_vector",
                "definition.vpr.score", "definition.exploitability_ease", "definition.exploited_by_malware",
                "definition.synopsis", "definition.solution", "definition.family", "output", "port", "protocol",
                "severity", "state", "first_observed", "last_seen", "risk_modified"])
    for host, check, ip, name, port in detections(n):
        w.writerow([name, ip, name.split(".")[0], f"asset-{host}", 100000 + check, f"Product {check} flaw",
                    cve(check), f"{4 + check % 60 / 10:.1f}", "CVSS:3.0/" + VECTORS[check % 5], "6.7",
                    "Exploits are available" if check % 7 == 0 else "NOT_AVAILABLE", "FALSE",
                    "An update is available.", "Upgrade.", "Misc.", evidence(check), port, "TCP",
                    WORDS[check % 5], "ACTIVE", "2026-06-28T11:50:44.895Z", "2026-11-12T12:14:16.850Z", "NONE"])


def write_greenbone_csv(out: TextIO, n: int) -> None:
    w = csv.writer(out)
    w.writerow(["IP", "Hostname", "Port", "Port Protocol", "CVSS", "Severity", "QoD", "Solution Type", "NVT Name",
                "Summary", "Specific Result", "NVT OID", "CVEs", "Task ID", "Task Name", "Timestamp", "Result ID",
                "Impact", "Solution"])
    for host, check, ip, name, port in detections(n):
        score = 10.0 - check % 100 / 10
        w.writerow([ip, name, port, "tcp", f"{score:.1f}", WORDS[check % 4], 80, "VendorFix",
                    f"Product {check} flaw", "The product is outdated.", evidence(check),
                    f"1.3.6.1.4.1.25623.1.0.{100000 + check}", cve(check), "task-1", "weekly",
                    "2026-11-02T10:15:00+01:00", f"result-{host}-{check}", "Code execution.", "Update."])


VMDR_PREAMBLE = ('"Asset Vuln Datalist Report","10 Nov 2026 09:00AM GMT+0100","1"\n'
                 '"Example Corp","1 Example Road","Springfield","None","00000","USA"\n'
                 '"Jane Analyst","janalyst","VMDR"\n')


def write_qualys_vmdr(out: TextIO, n: int) -> None:
    out.write(VMDR_PREAMBLE)
    w = csv.writer(out, quoting=csv.QUOTE_ALL)
    w.writerow(["CVE", "CVSSv3.1 Base (nvd)", "QID", "Title", "Severity", "Type Detected", "Last Detected",
                "First Detected", "Protocol", "Port", "Status", "Asset Id", "Asset Name", "Asset IPV4", "Solution",
                "RTI", "Threat", "Results"])
    for host, check, ip, name, port in detections(n):
        w.writerow([cve(check), f"{4 + check % 60 / 10:.1f}", 38000 + check, f"Product {check} flaw",
                    1 + check % 5, "Confirmed", "Nov 09, 2026 07:00 AM", "Jul 02, 2026 10:00 AM", "TCP", port,
                    "ACTIVE", host, name, ip, "Upgrade.", "Exploit Public" if check % 7 == 0 else "",
                    "A flaw in the product.", evidence(check)])


def write_qualys_pci(out: TextIO, n: int) -> None:
    w = csv.writer(out, quoting=csv.QUOTE_ALL)
    w.writerow(["IP", "HOSTNAME", "LAST SCAN", "QID", "VULN TITLE", "TYPE", "SEVERITY", "PORT", "PROTOCOL",
                "IS_PCI", "FALSE POSITIVE STATUS", "CVSS_BASE", "Q_SEVERITY", "THREAT", "IMPACT", "SOLUTION",
                "RESULT", "CVEID"])
    for _, check, ip, name, port in detections(n):
        w.writerow([ip, name, "2026-09-16 04:00:30", 150000 + check, f"Product {check} flaw", "CONFIRMED",
                    ("High", "Medium", "Low")[check % 3], port, "tcp", "Y", "-", "5.3", 1 + check % 5,
                    "A flaw.", "Disclosure.", "Review.", evidence(check), cve(check)])


def _glossary_entry(check: int) -> str:
    cves = "".join(f"<CVE_ID><ID><![CDATA[{c}]]></ID></CVE_ID>" for c in [cve(check)] if c)
    return (f'<VULN_DETAILS id="qid_{38000 + check}"><QID>{38000 + check}</QID>'
            f"<TITLE><![CDATA[Product {check} flaw]]></TITLE><SEVERITY>{1 + check % 5}</SEVERITY>"
            "<CATEGORY>General</CATEGORY><THREAT><![CDATA[A flaw.]]></THREAT><IMPACT><![CDATA[Code execution.]]>"
            "</IMPACT><SOLUTION><![CDATA[Upgrade.]]></SOLUTION>"
            f"<CVSS3_SCORE><CVSS3_BASE>{4 + check % 60 / 10:.1f} ({VECTORS[check % 5]})</CVSS3_BASE></CVSS3_SCORE>"
            f"<CVE_ID_LIST>{cves}</CVE_ID_LIST></VULN_DETAILS>\n")


def write_qualys_xml(out: TextIO, n: int) -> None:
    out.write('<?xml version="1.0" encoding="UTF-8" ?>\n<ASSET_DATA_REPORT>\n<HEADER><COMPANY>Bench</COMPANY>'
              "</HEADER>\n<HOST_LIST>\n")
    current = -1
    checks: set[int] = set()
    for host, check, ip, name, port in detections(n):
        if host != current:
            if current >= 0:
                out.write("</VULN_INFO_LIST></HOST>\n")
            out.write(f"<HOST><IP>{ip}</IP><TRACKING_METHOD>IP</TRACKING_METHOD><DNS><![CDATA[{name}]]></DNS>"
                      "<VULN_INFO_LIST>\n")
            current = host
        checks.add(check)
        out.write(f'<VULN_INFO><QID id="qid_{38000 + check}">{38000 + check}</QID><TYPE>Vuln</TYPE>'
                  f"<PORT>{port}</PORT><PROTOCOL>TCP</PROTOCOL><RESULT><![CDATA[{evidence(check)}]]></RESULT>"
                  "<FIRST_FOUND>2026-10-01T08:00:00Z</FIRST_FOUND><LAST_FOUND>2026-11-09T08:00:00Z</LAST_FOUND>"
                  "<TIMES_FOUND>3</TIMES_FOUND><VULN_STATUS>Active</VULN_STATUS></VULN_INFO>\n")
    out.write("</VULN_INFO_LIST></HOST>\n</HOST_LIST>\n<GLOSSARY><VULN_DETAILS_LIST>\n")
    for check in sorted(checks):
        out.write(_glossary_entry(check))
    out.write("</VULN_DETAILS_LIST></GLOSSARY>\n</ASSET_DATA_REPORT>\n")


def write_qualys_scan_xml(out: TextIO, n: int) -> None:
    out.write('<?xml version="1.0" encoding="UTF-8" ?>\n<SCAN value="scan/1">\n<HEADER><KEY value="DATE">'
              "2026-11-10T08:00:00Z</KEY></HEADER>\n")
    current = -1
    for host, check, ip, name, port in detections(n):
        if host != current:
            if current >= 0:
                out.write("</VULNS></IP>\n")
            out.write(f'<IP value="{ip}" name="{name}"><OS><![CDATA[Linux]]></OS><VULNS>\n')
            current = host
        cves = f'<CVE_ID_LIST><CVE_ID><ID><![CDATA[{cve(check)}]]></ID></CVE_ID></CVE_ID_LIST>' if cve(check) else ""
        out.write(f'<CAT value="General" port="{port}" protocol="tcp"><VULN number="{38000 + check}" '
                  f'severity="{1 + check % 5}"><TITLE><![CDATA[Product {check} flaw]]></TITLE>'
                  f"<CVSS3_BASE>{4 + check % 60 / 10:.1f}</CVSS3_BASE>{cves}<DIAGNOSIS><![CDATA[A flaw.]]>"
                  "</DIAGNOSIS><CONSEQUENCE><![CDATA[Code execution.]]></CONSEQUENCE><SOLUTION><![CDATA[Upgrade.]]>"
                  f"</SOLUTION><RESULT><![CDATA[{evidence(check)}]]></RESULT></VULN></CAT>\n")
    out.write("</VULNS></IP>\n</SCAN>\n")


def write_qualys_was(out: TextIO, n: int) -> None:
    out.write("<?xml version='1.0' encoding='UTF-8'?>\n<WAS_SCAN_REPORT>\n<HEADER><NAME>Bench</NAME></HEADER>\n"
              "<RESULTS><VULNERABILITY_LIST>\n")
    checks: set[int] = set()
    for host, check, _, name, _ in detections(n):
        checks.add(check)
        out.write(f"<VULNERABILITY><UNIQUE_ID>{host}-{check}</UNIQUE_ID><QID>{150000 + check}</QID>"
                  f"<URL>https://{name}/app/page{check}</URL><PARAM>q</PARAM><STATUS>ACTIVE</STATUS>"
                  "<DETECTION_DATE>12 Mar 2026 04:42PM GMT-0400</DETECTION_DATE><PAYLOADS><PAYLOAD><NUM>1</NUM>"
                  f"<PAYLOAD>x</PAYLOAD><REQUEST><METHOD>GET</METHOD><URL>https://{name}/app/page{check}?q=x</URL>"
                  "</REQUEST></PAYLOAD></PAYLOADS><IGNORED>false</IGNORED></VULNERABILITY>\n")
    out.write("</VULNERABILITY_LIST></RESULTS>\n<GLOSSARY><QID_LIST>\n")
    for check in sorted(checks):
        out.write(f"<QID><QID>{150000 + check}</QID><CATEGORY>Confirmed Vulnerability</CATEGORY><SEVERITY>"
                  f"{1 + check % 5}</SEVERITY><TITLE>Web flaw {check}</TITLE><DESCRIPTION>A flaw.</DESCRIPTION>"
                  "<IMPACT>Session theft.</IMPACT><SOLUTION>Encode output.</SOLUTION></QID>\n")
    out.write("</QID_LIST></GLOSSARY>\n</WAS_SCAN_REPORT>\n")


WRITERS: dict[str, tuple[str, Callable[[TextIO, int], None]]] = {
    "tenable-sc": ("csv", write_tenable_sc),
    "tenable-vm": ("csv", write_tenable_vm),
    "greenbone-csv": ("csv", write_greenbone_csv),
    "qualys-vmdr": ("csv", write_qualys_vmdr),
    "qualys-pci": ("csv", write_qualys_pci),
    "qualys-xml": ("xml", write_qualys_xml),
    "qualys-scan-xml": ("xml", write_qualys_scan_xml),
    "qualys-was": ("xml", write_qualys_was),
}


# ---- measuring, in a fresh process per file --------------------------------------------------------


def child(path: str) -> None:
    """Read one file as `accord vulns parse` does; print findings, seconds and peak memory as JSON."""
    from accord.engine.vulns.dedup import Repeats
    from accord.engine.vulns.detect import read_scan
    from accord.engine.vulns.notes import ParseNotes

    started = time.perf_counter()
    notes, repeats, findings = ParseNotes(), Repeats(), 0
    with open(path, "rb") as stream:
        chosen, items = read_scan(stream, source=Path(path).name, notes=notes)
        for finding in items:
            findings += repeats.is_first(finding.fingerprint(), finding)
    seconds = time.perf_counter() - started
    with open("/proc/self/status") as status:  # the child's own peak, not the parent's
        peak_kib = next(int(line.split()[1]) for line in status if line.startswith("VmHWM"))
    print(json.dumps({"format": chosen.value, "findings": findings, "merged": repeats.merged,
                      "seconds": seconds, "peak_mb": peak_kib / 1024}))


def measure(path: Path) -> dict[str, object]:
    done = subprocess.run([sys.executable, __file__, "--child", str(path)], capture_output=True, text=True,
                          check=False)
    if done.returncode:
        raise SystemExit(f"{path.name}: {done.stderr.strip()}")
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--findings", type=int, default=500_000, help="findings per file")
    parser.add_argument("--quick", action="store_true", help="2,000 findings per file: check that it runs")
    parser.add_argument("--formats", nargs="+", choices=sorted(WRITERS), default=sorted(WRITERS))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    n = 2_000 if args.quick else args.findings
    print(f"{n:,} findings per file; load average {os.getloadavg()[0]:.2f}; Python {sys.version.split()[0]}")
    print(f"{'format':16} {'findings':>10} {'file MB':>8} {'seconds':>8} {'findings/s':>11} {'peak MB':>8}")
    with tempfile.TemporaryDirectory(prefix="accord-parsers-") as folder:
        for name in args.formats:
            suffix, write = WRITERS[name]
            path = Path(folder) / f"{name}.{suffix}"
            with path.open("w", newline="", encoding="utf-8") as out:
                write(out, n)
            result = measure(path)
            if result["findings"] != n or result["format"] != name.replace("tenable-sc", "nessus-csv"):
                raise SystemExit(f"{name}: expected {n} findings, read {result}")
            seconds = float(result["seconds"])  # type: ignore[arg-type]
            print(f"{name:16} {n:>10,} {path.stat().st_size / 1048576:>8.1f} {seconds:>8.2f} "
                  f"{n / seconds:>11,.0f} {float(result['peak_mb']):>8.1f}")  # type: ignore[arg-type]
            path.unlink()
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
