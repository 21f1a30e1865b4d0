"""Code and component formats (issue 10): parse throughput and peak memory on large generated files,
and a SARIF import into a fresh SQLite database.

    .venv/bin/python benchmarks/code_formats.py                    # 500 MB SARIF, 100 MB of each other format
    .venv/bin/python benchmarks/code_formats.py --size-mb 20 --other-mb 5    # a quick check
    .venv/bin/python benchmarks/code_formats.py --results-first    # SARIF runs that write results before
                                                                   # their tool (they wait in a temporary file)

Files are generated into a temporary folder in the real formats: SARIF 2.1.0 (CodeQL-like: 200
rules with security-severity, a repository, artifacts, results with a region, a snippet, partial
fingerprints and, one in ten, a code flow), CycloneDX 1.6 JSON and XML (components with package
URLs, vulnerabilities with CVSS ratings, VEX analysis on one in five, each affecting two
components), DefectDojo generic findings JSON (endpoints, file paths, states) and CSV.

Each measurement runs in its own process, so its peak memory is its own: the peak resident set
size (VmHWM from /proc/self/status) of that process, interpreter and libraries included. Parsing is
`read_scan` over the file (the path `accord vulns parse` takes, validation included); the import is
`accord.vulns.services.import_scan` into a fresh SQLite database (migrate, one analyst), as
benchmarks/import_findings.py does. Target (issue 10): a 500 MB SARIF file imported within the
import's memory bound (1 GB).
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
from typing import IO, Any
from xml.sax.saxutils import escape

MB = 1024 * 1024
RULES = 200
FILES = 2000
VECTORS = ("AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:L/A:N",
           "AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", "AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N")


def _fill(out: IO[str], size: int, items: Iterator[str], separator: str = ",") -> int:
    """Write items until `size` bytes; return how many."""
    count = written = 0
    for item in items:
        if count:
            out.write(separator)
        out.write(item)
        written += len(item) + 1
        count += 1
        if written >= size:
            break
    return count


# --- generators --------------------------------------------------------------------------------

def _sarif_result(n: int) -> str:
    rule = n % RULES
    result: dict[str, Any] = {
        "ruleId": f"py/rule-{rule}", "ruleIndex": rule, "level": "error",
        "message": {"text": f"This query depends on a user-provided value (finding {n}); see the data flow."},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": f"src/app/module_{n % FILES}.py", "uriBaseId": "%SRCROOT%", "index": n % FILES},
            "region": {"startLine": n // FILES + 1, "startColumn": 9, "endColumn": 64,
                       "snippet": {"text": "cursor.execute(f\"SELECT * FROM orders WHERE id={order_id}\")"}}}}],
        "partialFingerprints": {"primaryLocationLineHash": f"{n * 2654435761 % 2**64:016x}:1"},
    }
    if n % 10 == 0:
        result["codeFlows"] = [{"threadFlows": [{"locations": [
            {"location": {"physicalLocation": {"artifactLocation": {"uri": f"src/app/views_{n % 50}.py"},
                                               "region": {"startLine": 12}}, "message": {"text": "request.GET"}}},
            {"location": {"physicalLocation": {"artifactLocation": {"uri": f"src/app/module_{n % FILES}.py"},
                                               "region": {"startLine": n // FILES + 1}}, "message": {"text": "sink"}}},
        ]}]}]
    return json.dumps(result)


def write_sarif(path: Path, size: int, *, results_first: bool = False) -> int:
    tool = json.dumps({"driver": {"name": "CodeQL", "version": "2.16.0", "rules": [
        {"id": f"py/rule-{r}", "name": f"Rule{r}", "shortDescription": {"text": f"Security rule {r}"},
         "help": {"text": "Use query parameters instead of string formatting."},
         "properties": {"security-severity": f"{4 + r % 60 / 10:.1f}", "tags": ["security", f"external/cwe/cwe-{r}"]}}
        for r in range(RULES)]}})
    context = (f'"tool": {tool}, "versionControlProvenance": [{{"repositoryUri": '
               f'"https://git.example.com/bench/app.git", "revisionId": "4b825dc6"}}], "artifacts": ['
               + ",".join(json.dumps({"location": {"uri": f"src/app/module_{f}.py"}}) for f in range(FILES)) + "]")
    with path.open("w", encoding="utf-8") as out:
        out.write('{"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0", "runs": [{')
        if not results_first:
            out.write(context + ", ")
        out.write('"results": [')
        count = _fill(out, size, (_sarif_result(n) for n in range(10**9)))
        out.write("]")
        if results_first:
            out.write(", " + context)
        out.write("}]}\n")
    return count


def _components(n: int) -> list[dict[str, str]]:
    return [{"bom-ref": f"c{n}-{side}", "type": "library", "name": f"lib-{n}-{side}", "version": f"1.{n % 97}.{side}",
             "purl": f"pkg:npm/lib-{n}-{side}@1.{n % 97}.{side}"} for side in (0, 1)]


def _vulnerability(n: int) -> dict[str, Any]:
    vulnerability: dict[str, Any] = {
        "bom-ref": f"v{n}", "id": f"CVE-{2015 + n % 10}-{10000 + n}", "source": {"name": "NVD"},
        "ratings": [{"source": {"name": "NVD"}, "score": 4 + n % 60 / 10, "severity": "high", "method": "CVSSv31",
                     "vector": "CVSS:3.1/" + VECTORS[n % len(VECTORS)]}],
        "cwes": [79, 89], "description": f"Library {n} mishandles crafted input, allowing code execution.",
        "recommendation": f"Upgrade lib-{n} to 2.0.", "affects": [{"ref": f"c{n}-0"}, {"ref": f"c{n}-1"}],
    }
    if n % 5 == 0:
        vulnerability["analysis"] = {"state": "not_affected", "justification": "code_not_reachable",
                                     "detail": "The vulnerable function is never called."}
    return vulnerability


def write_cyclonedx_json(path: Path, size: int) -> int:
    with path.open("w", encoding="utf-8") as out:
        out.write('{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "metadata": {"component": '
                  '{"type": "application", "name": "bench-app", "version": "1.0.0", "bom-ref": "app"}}, "components": [')
        count = _fill(out, size // 3, (",".join(json.dumps(c) for c in _components(n)) for n in range(10**9)))
        out.write('], "vulnerabilities": [')
        _fill(out, size * 2 // 3, (json.dumps(_vulnerability(n)) for n in range(count)))
        out.write("]}\n")
    return count


def _xml_vulnerability(n: int) -> str:
    v = _vulnerability(n)
    rating = v["ratings"][0]
    analysis = (f"<analysis><state>{v['analysis']['state']}</state><justification>{v['analysis']['justification']}"
                f"</justification><detail>{escape(v['analysis']['detail'])}</detail></analysis>" if "analysis" in v else "")
    return (f'<vulnerability bom-ref="{v["bom-ref"]}"><id>{v["id"]}</id><source><name>NVD</name></source>'
            f"<ratings><rating><score>{rating['score']:.1f}</score><severity>high</severity><method>CVSSv31</method>"
            f"<vector>{rating['vector']}</vector></rating></ratings><cwes><cwe>79</cwe><cwe>89</cwe></cwes>"
            f"<description>{escape(v['description'])}</description><recommendation>{escape(v['recommendation'])}"
            f"</recommendation>{analysis}<affects><target><ref>c{n}-0</ref></target><target><ref>c{n}-1</ref></target>"
            "</affects></vulnerability>\n")


def write_cyclonedx_xml(path: Path, size: int) -> int:
    def components(n: int) -> str:
        return "".join(f'<component type="library" bom-ref="{c["bom-ref"]}"><name>{c["name"]}</name>'
                       f'<version>{c["version"]}</version><purl>{c["purl"]}</purl></component>\n' for c in _components(n))

    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<bom xmlns="http://cyclonedx.org/schema/bom/1.6" version="1">'
                  '<metadata><component type="application" bom-ref="app"><name>bench-app</name><version>1.0.0</version>'
                  "</component></metadata>\n<components>\n")
        count = _fill(out, size // 3, (components(n) for n in range(10**9)), separator="")
        out.write("</components>\n<vulnerabilities>\n")
        _fill(out, size * 2 // 3, (_xml_vulnerability(n) for n in range(count)), separator="")
        out.write("</vulnerabilities>\n</bom>\n")
    return count


def _dojo(n: int) -> dict[str, Any]:
    finding: dict[str, Any] = {
        "title": f"Finding {n % 5000}", "severity": ("Critical", "High", "Medium", "Low", "Info")[n % 5],
        "description": f"Issue {n} found by the nightly pentest.", "mitigation": "Apply the vendor fix.",
        "date": "2026-01-06", "cve": f"CVE-2024-{20000 + n % 5000}", "cwe": 79,
        "cvssv3": "CVSS:3.1/" + VECTORS[n % len(VECTORS)], "active": True, "verified": n % 2 == 0,
        "vuln_id_from_tool": f"BENCH-{n % 5000}",
    }
    if n % 3:
        finding["endpoints"] = [f"https://host-{n % 1000}.bench.example/page/{n}"]
    else:
        finding.update(file_path=f"src/module_{n % FILES}.py", line=n // FILES + 1, service="bench-service")
    if n % 20 == 0:
        finding["false_p"] = True
    return finding


def write_dojo_json(path: Path, size: int) -> int:
    with path.open("w", encoding="utf-8") as out:
        out.write('{"name": "bench", "type": "Bench Pentest", "findings": [')
        count = _fill(out, size, (json.dumps(_dojo(n)) for n in range(10**9)))
        out.write("]}\n")
    return count


def write_dojo_csv(path: Path, size: int) -> int:
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["Date", "Title", "CweId", "Url", "Severity", "Description", "Mitigation", "Impact", "References",
                      "Active", "Verified", "FalsePositive", "Duplicate", "CVE", "CVSSV3"])
        count = 0
        while fh.tell() < size:
            f = _dojo(count)
            out.writerow(["01/06/2026", f["title"], 79, f"https://host-{count % 1000}.bench.example/page/{count}",
                          f["severity"], f["description"], f["mitigation"], "", "", "TRUE",
                          "TRUE" if f["verified"] else "FALSE", "FALSE", "FALSE", f["cve"], f["cvssv3"]])
            count += 1
    return count


# --- measurements in a child process -------------------------------------------------------------

PEAK = ("def peak_mb():\n"
        "    with open('/proc/self/status') as f:\n"
        "        return next(int(l.split()[1]) for l in f if l.startswith('VmHWM')) / 1024\n")


def child(code: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-c", PEAK + code], capture_output=True, text=True, check=False,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")})
    if done.returncode:
        sys.exit(f"benchmark child failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def parse_in_child(path: Path) -> dict[str, Any]:
    return child(
        "import json, time\n"
        "from accord.engine.vulns import read_scan\n"
        "start = time.perf_counter()\n"
        f"with open({str(path)!r}, 'rb') as f:\n"
        f"    fmt, findings = read_scan(f, source={path.name!r}, max_bytes=1 << 40)\n"
        "    count = sum(1 for _ in findings)\n"
        "print(json.dumps({'format': fmt.value, 'findings': count, 'seconds': time.perf_counter() - start,"
        " 'peak_mb': peak_mb()}))\n"
    )


def import_in_child(path: Path) -> dict[str, Any]:
    var = tempfile.mkdtemp(prefix="accord-bench-")
    return child(
        "import json, os, time\n"
        f"os.environ.update({{'ACCORD_ENV': 'development', 'ACCORD_VAR_DIR': {var!r}, 'ACCORD_MAX_UPLOAD_MB': '8192',"
        " 'DJANGO_SETTINGS_MODULE': 'accord.config.settings'})\n"
        "os.environ.pop('ACCORD_DATABASE_URL', None)\n"
        "import django\n"
        "django.setup()\n"
        "from django.core.management import call_command\n"
        "call_command('migrate', verbosity=0)\n"
        "from accord.accounts.models import User, UserRole\n"
        "from accord.vulns.services import import_scan\n"
        "analyst = User.objects.create_user(username='analyst', password=None)\n"
        "UserRole.objects.create(user=analyst, role='security_analyst')\n"
        "start = time.perf_counter()\n"
        f"with open({str(path)!r}, 'rb') as f:\n"
        f"    run = import_scan(actor=analyst, file=f, filename={path.name!r}, scope='bench')\n"
        "print(json.dumps({'format': run.source_format, 'findings': run.findings_read, 'new': run.new,"
        " 'duplicates': run.duplicates, 'seconds': time.perf_counter() - start, 'peak_mb': peak_mb()}))\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size-mb", type=float, default=500, help="size of the SARIF file (default 500)")
    parser.add_argument("--other-mb", type=float, default=100,
                        help="size of each CycloneDX and DefectDojo file (default 100; 0 skips them)")
    parser.add_argument("--results-first", action="store_true",
                        help="write the SARIF run's results before its tool and repository")
    parser.add_argument("--no-import", action="store_true", help="parse only; skip the SARIF import")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="accord-bench-code-"))
    plan: list[tuple[str, Path, Callable[[Path], dict[str, Any]]]] = []
    generators: list[tuple[str, str, Callable[[Path, int], int], float]] = [
        ("SARIF" + (", results first" if args.results_first else ""), "bench.sarif",
         lambda p, s: write_sarif(p, s, results_first=args.results_first), args.size_mb),
    ]
    if args.other_mb:
        generators += [("CycloneDX JSON", "bench.cdx.json", write_cyclonedx_json, args.other_mb),
                       ("CycloneDX XML", "bench.cdx.xml", write_cyclonedx_xml, args.other_mb),
                       ("DefectDojo JSON", "bench.dojo.json", write_dojo_json, args.other_mb),
                       ("DefectDojo CSV", "bench.dojo.csv", write_dojo_csv, args.other_mb)]
    for label, name, write, size_mb in generators:
        path = folder / name
        started = time.perf_counter()
        write(path, int(size_mb * MB))
        print(f"generated {name}: {path.stat().st_size / MB:,.0f} MB in {time.perf_counter() - started:.0f} s",
              flush=True)
        plan.append((f"parse {label}", path, parse_in_child))
        if name.endswith(".sarif") and not args.no_import:
            plan.append((f"import {label} into SQLite", path, import_in_child))
    print(f"\n{'measurement':<40} {'MB':>6} {'findings':>10} {'seconds':>8} {'findings/s':>11} {'peak RSS MB':>12}")
    for label, path, measure in plan:
        result = measure(path)
        rate = result["findings"] / result["seconds"] if result["seconds"] else 0.0
        print(f"{label:<40} {path.stat().st_size / MB:>6,.0f} {result['findings']:>10,} {result['seconds']:>8.1f} "
              f"{rate:>11,.0f} {result['peak_mb']:>12,.0f}", flush=True)
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()


if __name__ == "__main__":
    main()
