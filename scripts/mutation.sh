#!/usr/bin/env bash
# Mutation testing with PIT over the TFRecord format layer and the runtime, on demand (not part
# of `mvn verify`, not in every CI run).
#
#   scripts/mutation.sh [tfrecord|runtime|all] [class-glob,...] [test-glob,...]
#
#   scripts/mutation.sh tfrecord                  # mutate dev.ingest.tfrecord.*, its tests
#   scripts/mutation.sh runtime 'dev.ingest.runtime.shuffle.*' 'dev.ingest.runtime.shuffle.*'
#                                                 # one package, with that package's tests
#   MUTATION_THREADS=4 scripts/mutation.sh all    # both modules, every test of each
#
# The whole runtime (80 classes, a suite of pipelines) takes hours on two cores: narrow it to
# the packages you changed, with the tests that exercise them.
#
# It compiles the reactor up to the chosen module (offline when MAVEN_OFFLINE=1, the default)
# and runs org.pitest:pitest-maven:mutationCoverage there. The reports land in
# <module>/target/pit-reports/ (index.html, mutations.xml, mutations.csv), and the script ends
# by printing the mutation score per package from mutations.xml. Tests that start child JVMs,
# kill processes, fuzz or load TensorFlow are left out (see mutation.excludedTestClasses in the
# parent pom).
set -euo pipefail

cd "$(dirname "$0")/.."

target="${1:-tfrecord}"
classes="${2:-}"
tests="${3:-}"
threads="${MUTATION_THREADS:-2}"
offline=()
if [[ "${MAVEN_OFFLINE:-1}" == "1" ]]; then offline=(-o); fi

case "$target" in
  tfrecord) modules=ingest-tfrecord; reports=(ingest-tfrecord); skip=(-Dmutation.skipRuntime=true) ;;
  runtime)  modules=ingest-impl; reports=(ingest-impl); skip=(-Dmutation.skipTfrecord=true) ;;
  all)      modules=ingest-impl; reports=(ingest-tfrecord ingest-impl); skip=() ;;
  *) echo "usage: $0 [tfrecord|runtime|all] [class-glob,...]" >&2; exit 2 ;;
esac

narrow=()
if [[ -n "$classes" ]]; then narrow+=(-Dmutation.targetClasses="$classes"); fi
if [[ -n "$tests" ]]; then narrow+=(-Dmutation.targetTests="$tests"); fi

mvn -B "${offline[@]}" -pl "$modules" -am \
  test-compile org.pitest:pitest-maven:mutationCoverage \
  -Dmutation.threads="$threads" ${skip[@]+"${skip[@]}"} ${narrow[@]+"${narrow[@]}"}

for module in "${reports[@]}"; do
  xml="$module/target/pit-reports/mutations.xml"
  [[ -f "$xml" ]] || continue
  echo "== $module: mutation score per package ($xml)"
  python3 - "$xml" <<'PY'
import collections, sys, xml.etree.ElementTree as ET
rows = collections.defaultdict(lambda: collections.Counter())
for m in ET.parse(sys.argv[1]).getroot().iter("mutation"):
    cls = m.findtext("mutatedClass")
    pkg = cls.rsplit(".", 1)[0]
    rows[pkg][m.get("status")] += 1
total = collections.Counter()
print(f"{'package':40} {'mutants':>8} {'killed':>8} {'no cover':>8} {'score':>7}")
for pkg in sorted(rows):
    c = rows[pkg]; total.update(c)
    n = sum(c.values()); killed = c["KILLED"] + c["TIMED_OUT"] + c["MEMORY_ERROR"] + c["RUN_ERROR"]
    print(f"{pkg:40} {n:8} {killed:8} {c['NO_COVERAGE']:8} {100 * killed / n:6.0f}%")
n = sum(total.values()); killed = total["KILLED"] + total["TIMED_OUT"] + total["MEMORY_ERROR"] + total["RUN_ERROR"]
print(f"{'total':40} {n:8} {killed:8} {total['NO_COVERAGE']:8} {100 * killed / max(n, 1):6.0f}%")
PY
done
