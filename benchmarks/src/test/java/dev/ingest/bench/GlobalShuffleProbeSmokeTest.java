package dev.ingest.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs the global shuffle probe tiny, in this JVM: every variant reads every record of both
 * epochs locally and from the S3 server (the probe checks each epoch's count), the proxy sees
 * ranged GETs, every resumed pipeline's first batch is the one the uninterrupted pass gave there
 * (the probe checks it), and the report has its rows. Not a measurement: nothing about speed is
 * asserted.
 */
class GlobalShuffleProbeSmokeTest {

  @Test
  void everyVariantReadsEveryRecordAndEveryResumeGivesTheNextBatch() throws Exception {
    GlobalShuffleProbe.Setup setup = GlobalShuffleProbe.Setup.of(ProbeArguments.of(new String[] {
        "image=1200", "tabular=3000", "s3_image=600", "shards=4", "rounds=1", "window=300",
        "s3_window=100", "latency=2", "positions=4", "epochs=2", "buffer=500",
        "timed_epochs=2"}));

    GlobalShuffleProbe.Results results = GlobalShuffleProbe.measure(setup);

    assertThat(results.throughput()).extracting(GlobalShuffleProbe.Throughput::name)
        .containsExactly("image, local", "tabular, local", "image, s3");
    for (GlobalShuffleProbe.Throughput each : results.throughput()) {
      assertThat(each.runs().keySet()).containsExactly(GlobalShuffleProbe.Order.values());
      each.runs().values().forEach(runs -> assertThat(runs).singleElement().satisfies(run -> {
        assertThat(run.laterPerSecond()).isPositive();
        if (each.remote()) {
          // Every shard is read with ranged GETs in each epoch, whatever the order.
          assertThat(run.rangedGetsPerEpoch()).isGreaterThanOrEqualTo(setup.shards());
        } else {
          assertThat(run.getsPerEpoch()).isNaN();
        }
      }));
    }
    assertThat(results.resumes()).hasSize(4).allSatisfy(resume -> {
      assertThat(resume.globalMillis()).isPositive();
      assertThat(resume.globalStateBytes()).isPositive();
      assertThat(resume.epoch()).isBetween(0L, 1L);
      assertThat(resume.batchInEpoch()).isBetween(0L, results.batchesPerEpoch() - 1);
    });

    String report = GlobalShuffleProbe.render(results, setup);
    assertThat(report.lines().filter(line -> line.matches(
        "\\| (image|tabular), (local|s3) \\| [\\d,]+ \\| .*"))).hasSize(9);
    assertThat(report).contains("| image, local | ", "| global shuffle (target < 50 ms) |",
        "| shuffle(500) |");
    assertThat(report.lines().filter(line -> line.matches("\\| [01] \\| \\d+ \\| .*")))
        .hasSize(4);
  }
}
