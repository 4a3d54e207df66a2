#!/usr/bin/env bash
# Fuzzes every Jazzer target (the @FuzzTest methods of the *FuzzTest classes) for a set time
# each, one target per JVM, and prints per target the inputs executed and what was found.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET_FILTER]
#
#   SECONDS_PER_TARGET  fuzzing time of each target (default 120)
#   TARGET_FILTER       only the targets whose Class#method contains this text
#   MVN_FLAGS           extra Maven flags, e.g. MVN_FLAGS=-o to stay offline
#   FUZZ_TIMEOUT        seconds one input may take before it counts as a hang (default 10)
#
# A finding fails its target: Jazzer writes the input as crash-<sha1> into the target's
# committed corpus, src/test/resources/<package>/<Class>Inputs/<method>/, so that once the bug
# is fixed every test run replays it (the normal test run, without JAZZER_FUZZ, only replays).
# What the fuzzer learns along the way stays in <module>/.cifuzz-corpus/ (not committed), and
# the next run starts from it. Logs: target/fuzz/<Class>-<method>.log.
#
# How the time is bounded: jazzer-junit 0.24 passes its libFuzzer flags from the annotation
# (@FuzzTest(maxDuration)) first and then the flags given as the JUnit configuration parameters
# jazzer.internal.arg.N, which win; this script gives -max_total_time and -timeout that way.
# JUnit's own timeout (junit-platform.properties) is switched off for the run, as it would
# otherwise time the whole fuzzing run as one test.
set -euo pipefail

SECONDS_PER_TARGET="${1:-120}"
TARGET_FILTER="${2:-}"
FUZZ_TIMEOUT="${FUZZ_TIMEOUT:-10}"
cd "$(dirname "$0")/.."

# module  class#method
TARGETS=(
  "ingest-tfrecord dev.ingest.tfrecord.TFRecordReaderFuzzTest#readFraming"
  "ingest-tfrecord dev.ingest.tfrecord.example.ExampleParserFuzzTest#parseExamples"
  "ingest-tfrecord dev.ingest.tfrecord.index.RecordIndexFuzzTest#decodeSidecar"
  "ingest-impl dev.ingest.runtime.PipelineStateFuzzTest#resumeFromState"
  "ingest-impl dev.ingest.runtime.cache.CacheManifestFuzzTest#readManifest"
  "ingest-cli dev.ingest.cli.config.PipelineConfigFuzzTest#parsePipeline"
  "ingest-cli dev.ingest.cli.RowCacheManifestFuzzTest#readManifest"
)

LOGS=target/fuzz
mkdir -p "$LOGS"

declare -a SUMMARY
failed=0
for entry in "${TARGETS[@]}"; do
  module="${entry%% *}"
  target="${entry#* }"
  if [[ -n "$TARGET_FILTER" && "$target" != *"$TARGET_FILTER"* ]]; then
    continue
  fi
  log="$LOGS/$(basename "${target//#/-}").log"
  echo "fuzzing $target for ${SECONDS_PER_TARGET}s (log: $log)"
  start=$(date +%s)
  status=0
  # shellcheck disable=SC2086
  JAZZER_FUZZ=1 mvn -B ${MVN_FLAGS:-} package -pl "$module" -am \
    -Dtest="$target" -Dsurefire.failIfNoSpecifiedTests=false \
    -Djazzer.hooks=true -Djazzer.instrument='dev.ingest.**' \
    -Djazzer.internal.arg.0=fuzz \
    -Djazzer.internal.arg.1=-max_total_time="$SECONDS_PER_TARGET" \
    -Djazzer.internal.arg.2=-timeout="$FUZZ_TIMEOUT" \
    -Djunit.jupiter.execution.timeout.mode=disabled \
    "-Dsurefire.argLine=-Xmx1g -XX:MaxDirectMemorySize=512m -Dio.netty.leakDetection.level=simple" \
    >"$log" 2>&1 || status=$?
  elapsed=$(( $(date +%s) - start ))
  # libFuzzer ends with "Done N runs in S second(s)"; a run cut short by a finding has only
  # its "#N ..." progress lines.
  runs=$(grep -aoE '^Done [0-9]+ runs' "$log" | tail -1 | grep -oE '[0-9]+' || true)
  if [[ -z "$runs" ]]; then
    runs=$(grep -aoE '^#[0-9]+' "$log" | tail -1 | tr -d '#' || true)
  fi
  # Jazzer prints a deduplication token for every finding (exception, hang, out of memory).
  findings=$(grep -ac '^DEDUP_TOKEN:' "$log" || true)
  crash=$(grep -aoE 'Test unit written to [^ ]+' "$log" | head -1 | sed 's/Test unit written to //' || true)
  verdict="ok"
  if [[ $status -ne 0 || $findings -gt 0 ]]; then
    verdict="FINDING${crash:+ ($crash)}"
    failed=1
  fi
  SUMMARY+=("$(printf '%-62s %12s %8s  %s' "$target" "${runs:-?}" "${elapsed}s" "$verdict")")
done

echo
printf '%-62s %12s %8s  %s\n' "target" "executions" "time" "findings"
for line in "${SUMMARY[@]}"; do
  echo "$line"
done
exit $failed
