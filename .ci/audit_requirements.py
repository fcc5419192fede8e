"""Known vulnerabilities in the pinned requirements, with pip-audit, saying plainly what it could not check.

Exit 1 when a pinned package has a known vulnerability. When the vulnerability database cannot be
reached (no network, or a registry mirror without PyPI's per-version JSON API), the packages are
listed as NOT AUDITED and the exit is 0, unless PIP_AUDIT_REQUIRED=1, which makes that a failure
too: a CI machine with the network should set it.
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(requirements: str) -> int:
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "audit.json"
        command = [
            str(ROOT / ".venv/bin/pip-audit"),
            "--requirement",
            requirements,
            "--no-deps",  # every line is pinned: nothing to resolve, nothing installed
            "--disable-pip",
            "--progress-spinner",
            "off",
            "--format",
            "json",
            "--output",
            str(report),
        ]
        run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)  # noqa: S603 - a fixed command
        if not report.exists():
            print(f"pip-audit could not run (exit {run.returncode}):\n{run.stderr.strip()[-2000:]}")
            return 1 if required() else 0
        dependencies = json.loads(report.read_text())["dependencies"]
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if "skip_reason" in d]
    audited = len(dependencies) - len(skipped)
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
            print(f"VULNERABLE {dependency['name']} {dependency['version']}: {vuln['id']} (fixed in {fixed})")
    if skipped:
        print(
            f"NOT AUDITED: {len(skipped)} of {len(dependencies)} packages; the vulnerability database did not answer:"
        )
        print(f"  {skipped[0]['skip_reason']}")
        if len(skipped) > 1:
            print(f"  ... and {len(skipped) - 1} more like it")
    counts = f"{audited} packages audited, {len(vulnerable)} with known vulnerabilities, {len(skipped)} not audited"
    print(f"pip-audit: {counts}")
    if vulnerable:
        return 1
    return 1 if skipped and required() else 0


def required() -> bool:
    return os.environ.get("PIP_AUDIT_REQUIRED", "") in ("1", "true", "yes")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "requirements.txt"))
