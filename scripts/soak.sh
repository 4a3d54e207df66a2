#!/usr/bin/env bash
# The soak: runs dev.ingest.bench.SoakProbe (a shuffled, mapped, file-cached pipeline, closed and
# resumed over and over) for MINUTES minutes in a JVM of its own, samples heap, direct memory,
# RSS, threads and file descriptors each second, judges them flat after warm-up (the exit status
# is 1 when they are not, with the reasons printed), and draws the samples as a PNG chart.
#
#   scripts/soak.sh [MINUTES]            # default 10; writes benchmarks/results/soak-MINUTESm.{csv,md,png}
#   PUBLISH=1 scripts/soak.sh 30         # and copies the chart to docs/images/soak.png
#
# Extra settings go to the probe as name=value after MINUTES (records=, shards=, segment=, seed=).
# Linux only (the probe reads /proc/self). Builds benchmarks/target/benchmarks.jar if it is
# missing (delete it to rebuild). See docs/reliability.md, "Soak".
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
minutes="${1:-10}"
shift || true
jar="$repo_root/benchmarks/target/benchmarks.jar"
results="${RESULTS:-$repo_root/benchmarks/results}"
java="${JAVA:-java}"
name="soak-${minutes}m"

if [[ ! -f "$jar" ]]; then
  echo "# building $jar"
  (cd "$repo_root" && mvn -B -q -Dstyle.color=never -DskipTests package -pl benchmarks -am)
fi
mkdir -p "$results"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
# The flags are SoakProbe.JVM_FLAGS: a fixed, pre-touched heap, so that RSS shows native growth.
status=0
"$java" -Xms256m -Xmx256m -XX:+AlwaysPreTouch -XX:MaxDirectMemorySize=512m \
  -Dio.netty.leakDetection.level=disabled --add-opens=java.base/java.nio=ALL-UNNAMED \
  -cp "$jar" dev.ingest.bench.SoakProbe "minutes=$minutes" "out=$results/$name.csv" \
  "report=$results/$name.md" "chart=$results/$name.png" "$@" || status=$?
{
  echo
  echo "- finished: $(date -u '+%Y-%m-%d %H:%M UTC'); commit $(git -C "$repo_root" rev-parse --short HEAD); command: \`scripts/soak.sh $minutes${*:+ $*}\`"
  echo "- machine: $(nproc) cores, $("$java" -version 2>&1 | head -1); load average at the start: $load_before, at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
} >> "$results/$name.md"
echo "# samples: $results/$name.csv; report: $results/$name.md; chart: $results/$name.png"
if [[ "${PUBLISH:-0}" == 1 && -f "$results/$name.png" ]]; then
  cp "$results/$name.png" "$repo_root/docs/images/soak.png"
  echo "# published: docs/images/soak.png"
fi
exit "$status"
