#!/usr/bin/env bash
# Runs the pipeline suite: accelerator idle time (IdleTimeBenchmark), throughput and heap
# allocation end to end (PipelineBenchmark, with -prof gc), ingest against tf.data and a naive
# Java loader in the same run, then the headroom search (HeadroomSearch), and renders
# benchmarks/results/pipeline.md with PNG charts and the figures (pipeline.csv) beside it.
#
#   benchmarks/run-pipeline.sh [JMH options...]     # about 20 minutes on 2 busy cores
#   QUICK=1 benchmarks/run-pipeline.sh              # under half that: smaller data, fewer iterations
#   PUBLISH=1 benchmarks/run-pipeline.sh            # also publish the run (below)
#
# The cases alternate: for each dataset kind, and for each step time, ingest, the naive loader
# and tf.data run one after the other, so a burst of noise from other work on the machine does
# not hit every measurement of one of them. ROUNDS (default 1) repeats the whole measured part;
# the report merges the rounds' iterations. Shards are written once under
# benchmarks/results/data/ (INGEST_BENCH_DATA) and reused; delete that folder to write them
# again. Extra arguments go to every JMH run, e.g. `-p prefetch=4`. JAVA_OPTS go to the JVMs
# that drive JMH (not to its forks), e.g. `-Djmh.ignoreLock=true` to run beside another JMH run,
# which JMH otherwise refuses, rightly: two runs on two cores disturb each other.
#
# PUBLISH=1 makes this run the one the repository shows: its figures, with when, where and how
# they were measured, replace benchmarks/published/pipeline.csv, and the charts under docs/images/
# are drawn again from that file (PublishedCharts; benchmarks/draw-charts.sh does only that).
# Then update the headline table in benchmarks/README.md from results/pipeline.md and add the
# run to benchmarks/LOG.md. A QUICK run is never published: its figures are not comparable.
set -euo pipefail

module_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$module_dir/.." && pwd)"
jar="$module_dir/target/benchmarks.jar"
natives="$module_dir/target/lib"
results="$module_dir/results"
rounds="${ROUNDS:-1}"
java="${JAVA:-java}"
export INGEST_BENCH_DATA="${INGEST_BENCH_DATA:-$results/data}"

# Throughput gets more iterations than the idle runs: over 2 warm-up seconds ingest's passes
# still spread by a factor of two or more while the JIT compiles, and the end-to-end ratios read
# from them fell by a third between two runs of the same engine code.
if [[ "${QUICK:-0}" == 1 ]]; then
  data_mib=8; steps=(250 1000 4000); iterations=(-wi 1 -i 2); throughput_iterations=(-wi 1 -i 2)
  headroom_warmups=4; headroom_iterations=3
else
  data_mib=32; steps=(250 1000 4000); iterations=(-wi 2 -i 3); throughput_iterations=(-wi 6 -i 6)
  headroom_warmups=10; headroom_iterations=5
fi

if [[ ! -f "$jar" || ! -d "$natives" ]]; then
  echo "# building $jar"
  (cd "$repo_root" && mvn -B -q -Dstyle.color=never -DskipTests package -pl benchmarks -am)
fi
# TensorFlow's natives are beside the jar, not in it; JMH's forks inherit the class path.
classpath="$jar:$natives/*"

mkdir -p "$results" "$INGEST_BENCH_DATA"
rm -f "$results"/pipeline-*.json "$results"/headroom.json "$results"/pipeline.md "$results"/pipeline.csv "$results"/*.png

loads=()
json_files=()
started="$(date -u '+%Y-%m-%d %H:%M UTC')"
# jmh JSON ITERATION_OPTIONS... -- JMH_ARGS...
jmh() {
  local json="$1"; shift
  local counts=()
  while [[ "$1" != -- ]]; do counts+=("$1"); shift; done
  shift
  "$java" ${JAVA_OPTS:-} -Djava.awt.headless=true -cp "$classpath" org.openjdk.jmh.Main "$@" \
    -p dataMiB="$data_mib" "${counts[@]}" -rf json -rff "$json" ${extra_args[@]+"${extra_args[@]}"}
  json_files+=("$json")
}
extra_args=("$@")

for ((round = 1; round <= rounds; round++)); do
  load="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
  loads+=("round $round: load $load at start")
  echo "# round $round of $rounds, load average $load"
  for kind in image tabular text; do
    for step in "${steps[@]}"; do
      jmh "$results/pipeline-idle-$kind-$step-$round.json" "${iterations[@]}" -- \
        'dev\.ingest\.bench\.IdleTimeBenchmark\.' -p kind="$kind" -p stepMicros="$step"
    done
    # -prof gc gives heap bytes per pass, which the report turns into bytes per record.
    jmh "$results/pipeline-throughput-$kind-$round.json" "${throughput_iterations[@]}" -- \
      'dev\.ingest\.bench\.PipelineBenchmark\.' -p kind="$kind" -prof gc
  done
done

# Headroom probes the pipeline near its capacity, where a JIT still warming up starves the
# consumer: its forks warm up longer than the comparisons above.
echo "# headroom search, load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
"$java" ${JAVA_OPTS:-} -Djava.awt.headless=true -cp "$classpath" -DdataMiB="$data_mib" \
  -Dwarmups="$headroom_warmups" -Diterations="$headroom_iterations" \
  dev.ingest.bench.HeadroomSearch "$results/headroom.json"

"$java" -Djava.awt.headless=true -cp "$classpath" dev.ingest.bench.PipelineReport \
  "$results" "$results/headroom.json" "${json_files[@]}" > /dev/null

{
  echo
  echo "## This run"
  echo
  echo "- started $started, finished $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- command: \`${JAVA_OPTS:+JAVA_OPTS=\"$JAVA_OPTS\" }${QUICK:+QUICK=$QUICK }ROUNDS=$rounds benchmarks/run-pipeline.sh${*:+ $*}\`"
  echo "- settings: ${data_mib} MiB of shards per kind, JMH \`${iterations[*]}\` for idle, \`${throughput_iterations[*]}\` for throughput (1 s iterations), steps ${steps[*]} µs; headroom \`-wi $headroom_warmups -i $headroom_iterations\` per share"
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ //'), $("$java" -version 2>&1 | head -1)"
  for line in "${loads[@]}"; do echo "- $line"; done
  echo "- load at the end: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
} >> "$results/pipeline.md"

if [[ "${PUBLISH:-0}" == 1 ]]; then
  if [[ "${QUICK:-0}" == 1 ]]; then
    echo "# not published: a QUICK run's figures are not comparable with a full run's" >&2
  else
    published="$module_dir/published/pipeline.csv"
    mkdir -p "$(dirname "$published")"
    {
      echo "# The pipeline suite's published run: the figures benchmarks/README.md quotes, and from which"
      echo "# docs/images/ is drawn (PublishedCharts). Written by PUBLISH=1 benchmarks/run-pipeline.sh."
      echo "# measured: $started to $(date -u '+%H:%M UTC') at commit $(git -C "$repo_root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
      echo "# command: ROUNDS=$rounds benchmarks/run-pipeline.sh${*:+ $*} (${data_mib} MiB of shards per kind; idle ${iterations[*]}, throughput ${throughput_iterations[*]}, 1 s iterations)"
      echo "# machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ //')), $("$java" -version 2>&1 | head -1), ${loads[*]}"
      cat "$results/pipeline.csv"
    } > "$published"
    JAVA="$java" "$module_dir/draw-charts.sh" "$published" "$repo_root/docs/images"
    echo "# published: $published and the charts in docs/images/"
  fi
fi

echo "# report: $results/pipeline.md"
cat "$results/pipeline.md"
