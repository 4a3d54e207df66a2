#!/usr/bin/env bash
# Runs the format-layer benchmarks and the machine's limits in one run, then renders
# benchmarks/results/format.md from JMH's JSON.
#
#   benchmarks/run.sh [JMH options...]
#
# ROUNDS (default 2) repeats the whole suite, so that the cases alternate (A, B, ..., A, B, ...)
# and a burst of noise from other work on the machine does not hit every repeat of one case;
# the report merges the rounds' iterations. Extra arguments go to JMH, e.g. `-p fileMiB=16` for
# a smaller file or `-i 3 -wi 2` for fewer iterations.
set -euo pipefail

module_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$module_dir/.." && pwd)"
jar="$module_dir/target/benchmarks.jar"
results="$module_dir/results"
rounds="${ROUNDS:-2}"
java="${JAVA:-java}"

if [[ ! -f "$jar" ]]; then
  echo "# building $jar"
  (cd "$repo_root" && mvn -B -q -Dstyle.color=never -DskipTests package -pl benchmarks -am)
fi

mkdir -p "$results"
rm -f "$results"/format*.json "$results"/format.md "$results"/format-*.log

include='dev\.ingest\.bench\.(TFRecordReadBenchmark|MachineLimitsBenchmark)\.'
json_files=()
loads=()
for ((round = 1; round <= rounds; round++)); do
  if ((round == 1)); then json="$results/format.json"; else json="$results/format-$round.json"; fi
  load="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
  loads+=("round $round: load $load at start")
  echo "# round $round of $rounds, load average $load"
  # -prof gc gives heap bytes allocated per pass, which the report turns into bytes per record.
  "$java" -jar "$jar" "$include" -prof gc -rf json -rff "$json" "$@" \
    | tee "$results/format-$round.log"
  json_files+=("$json")
done

"$java" -cp "$jar" dev.ingest.bench.FormatReport "$results/format.md" "${json_files[@]}" > /dev/null

{
  echo
  echo "## This run"
  echo
  echo "- finished: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- command: \`ROUNDS=$rounds benchmarks/run.sh${*:+ $*}\`"
  echo "- machine: $(nproc) cores, $("$java" -version 2>&1 | head -1)"
  for line in "${loads[@]}"; do echo "- $line"; done
  echo "- load at the end: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
} >> "$results/format.md"

echo "# report: $results/format.md"
cat "$results/format.md"
