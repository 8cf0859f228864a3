#!/usr/bin/env bash
# The test command: installs what the tests need (scripts/install-test-deps.sh), builds and runs
# every test project against real PostgreSQL clusters that the fixtures start themselves, then
# prints one closing line "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-test-deps.sh || exit 1

results="${TEST_RESULTS:-TestResults}"
rm -rf "$results"
dotnet test PriceIngest.sln --configuration Release \
  --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" "$@"
status=$?

python3 - "$results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
for path in glob.glob(sys.argv[1] + "/**/*.trx", recursive=True):
    c = ET.parse(path).getroot().find("t:ResultSummary/t:Counters", ns)
    passed += int(c.get("passed", 0))
    failed += int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0)) + int(c.get("aborted", 0))
    # xunit's skipped tests are counted in "total" but not in "executed".
    skipped += int(c.get("total", 0)) - int(c.get("executed", 0))
    # Name each failure next to the summary: CI keeps only the end of the output.
    for r in ET.parse(path).getroot().iter("{%s}UnitTestResult" % ns["t"]):
        if r.get("outcome") not in ("Passed", "NotExecuted"):
            message = r.find("t:Output/t:ErrorInfo/t:Message", ns)
            first = (message.text or "").strip().splitlines()[:3] if message is not None else []
            print(f"FAILED {r.get('testName')}: {' | '.join(first)[:600]}")
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
exit $status
