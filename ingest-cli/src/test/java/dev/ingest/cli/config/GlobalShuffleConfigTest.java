package dev.ingest.cli.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingest.PipelineSpec;
import dev.ingest.PipelineSpec.GlobalShuffle;
import dev.ingest.PipelineSpec.MissingIndex;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code shuffle: {mode: global}} and {@code source.tfrecord.index} mapped onto the spec, and
 * every combination the loader or the spec refuses reported at the key that causes it.
 */
class GlobalShuffleConfigTest {
  /** SHUFFLE and SOURCE_EXTRA are replaced; the shuffle stage is on line 9. */
  private static final String PIPELINE = """
      version: 1
      source:
        tfrecord:
          files: [data]
          SOURCE_EXTRA
      stages:
        - parse_example: {features: {label: {type: int64}}}
        - batch: {batch_size: 64}
        - shuffle: SHUFFLE
      """;

  private static String pipeline(String shuffle, String sourceExtra) {
    return PIPELINE.replace("SHUFFLE", shuffle).replace("SOURCE_EXTRA", sourceExtra);
  }

  private static String pipeline(String shuffle) {
    return pipeline(shuffle, "shuffle_files: true");
  }

  private static PipelineSpec spec(String yaml, String... settings) throws ConfigException {
    return PipelineConfig.parse(yaml, List.of(settings), Map.<String, String>of()::get, "test")
        .spec();
  }

  private static List<String> problems(String yaml) {
    try {
      PipelineConfig.parse(yaml, List.of(), Map.<String, String>of()::get, "test");
    } catch (ConfigException e) {
      return e.problems().stream().map(ConfigException.Problem::toString).toList();
    }
    throw new AssertionError("expected the config to be refused:\n" + yaml);
  }

  @Test
  void modeGlobalIsAFullGlobalShuffleThatRequiresAnIndex() throws ConfigException {
    PipelineSpec spec = spec(pipeline("{mode: global}"));

    assertThat(spec.shufflesGlobally()).isTrue();
    assertThat(spec.globalShuffle()).isEqualTo(GlobalShuffle.of(0, MissingIndex.REFUSE));
    assertThat(spec.shuffleBufferSize()).isZero();
    assertThat(spec.reshuffleEachIteration()).isTrue();
  }

  @Test
  void windowAndReshuffleEachIterationReachTheSpec() throws ConfigException {
    PipelineSpec spec =
        spec(pipeline("{mode: global, window: 4096, reshuffle_each_iteration: false}"));

    assertThat(spec.globalShuffle()).isEqualTo(GlobalShuffle.of(4096, MissingIndex.REFUSE));
    assertThat(spec.reshuffleEachIteration()).isFalse();
  }

  @Test
  void indexBuildAndRequireMapOntoTheMissingIndexPolicy() throws ConfigException {
    assertThat(spec(pipeline("{mode: global}", "index: build")).globalShuffle().missingIndex())
        .isEqualTo(MissingIndex.BUILD);
    assertThat(spec(pipeline("{mode: global}", "index: require")).globalShuffle().missingIndex())
        .isEqualTo(MissingIndex.REFUSE);
  }

  @Test
  void modeBufferAndNoModeAreTheBufferShuffleOfBefore() throws ConfigException {
    PipelineSpec withoutMode = spec(pipeline("{buffer_size: 100}"));
    PipelineSpec withMode = spec(pipeline("{mode: buffer, buffer_size: 100}"));

    assertThat(withMode).isEqualTo(withoutMode);
    assertThat(withMode.fingerprint()).isEqualTo(withoutMode.fingerprint());
    assertThat(withMode.shufflesGlobally()).isFalse();
    assertThat(withMode.shuffleBufferSize()).isEqualTo(100);
  }

  @Test
  void setTurnsABufferShuffleIntoAGlobalOne() throws ConfigException {
    PipelineSpec spec = spec(pipeline("{mode: buffer}"),
        "stages.2.shuffle.mode=global");

    assertThat(spec.shufflesGlobally()).isTrue();
  }

  @Test
  void refusesABufferSizeWithModeGlobalAtItsLine() {
    assertThat(problems(pipeline("{mode: global, buffer_size: 100}"))).containsExactly(
        "stages.2.shuffle.buffer_size (line 9, column 42): a global shuffle has no buffer: it"
            + " reads any record where the record indexes say it is; remove buffer_size (or give"
            + " window: N records to keep reads near each other)");
  }

  @Test
  void refusesAWindowWithABufferShuffleAtItsLine() {
    assertThat(problems(pipeline("{buffer_size: 100, window: 8}"))).containsExactly(
        "stages.2.shuffle.window (line 9, column 41): a window belongs to a global shuffle: add"
            + " mode: global, or remove window (a buffer shuffle's size is buffer_size)");
    assertThat(problems(pipeline("{mode: buffer, buffer_size: 100, window: 8}")))
        .singleElement().asString().startsWith("stages.2.shuffle.window (line 9, column 55)");
  }

  @Test
  void refusesAWindowBelowOneRecord() {
    assertThat(problems(pipeline("{mode: global, window: 0}"))).containsExactly(
        "stages.2.shuffle.window (line 9, column 37): must be at least 1 and at most 2147483647,"
            + " got 0");
  }

  @Test
  void refusesAnUnknownModeAndABufferModeWithoutItsSize() {
    assertThat(problems(pipeline("{mode: random}"))).containsExactly(
        "stages.2.shuffle.mode (line 9, column 21): expected one of buffer, global, got random");
    assertThat(problems(pipeline("{mode: buffer}"))).containsExactly(
        "stages.2.shuffle.buffer_size (line 9, column 14): required: records in the shuffle"
            + " buffer (or mode: global for a shuffle over every record, with no buffer)");
  }

  @Test
  void refusesAnUnknownIndexPolicy() {
    assertThat(problems(pipeline("{mode: global}", "index: rebuild"))).containsExactly(
        "source.tfrecord.index (line 5, column 12): expected one of require, build, got rebuild");
  }

  @Test
  void indexBuildWithoutAGlobalShuffleIsRefusedAtTheIndexLine() {
    String refusal = "source.tfrecord.index (line 5, column 12): only a global shuffle reads"
        + " record indexes: 'index: build' needs shuffle {mode: global}";

    assertThat(problems(pipeline("{buffer_size: 100}", "index: build")))
        .containsExactly(refusal);
    assertThat(problems(pipeline("{buffer_size: 100}", "index: build")
        .replace("  - shuffle: {buffer_size: 100}\n", ""))).containsExactly(refusal);
  }

  @Test
  void whatTheSpecRefusesWithAGlobalShuffleIsReportedAtItsMode() throws ConfigException {
    String shardedBy3 = "shard: {num_shards: 3, index: 0}";

    assertThat(problems(pipeline("{mode: global}", shardedBy3))).singleElement().asString()
        .startsWith("stages.2.shuffle.mode (line 9, column 21): with a global shuffle batch_size"
            + " is the global batch")
        .endsWith("64 is not a multiple of 3");
    assertThat(problems(pipeline("{mode: global}",
        "shard: {num_shards: 2, index: 0}\n    on_corrupt: skip"))).singleElement().asString()
        .startsWith("stages.2.shuffle.mode (line 10, column 21): with a global shuffle and 2"
            + " trainers")
        .contains("on_corrupt: skip would drop bad records from some slices");
    assertThat(spec(pipeline("{mode: global}", "on_corrupt: skip")).shufflesGlobally()).isTrue();
    assertThat(problems(pipeline("{mode: global}").replace("  - batch:",
        "  - cache: {path: memory}\n  - batch:"))).singleElement().asString()
        .startsWith("stages.3.shuffle.mode (line 10, column 21): a global shuffle reads any"
            + " record in any order through the record indexes, so it takes no cache");
  }

  @Test
  void aCacheListedAfterAGlobalShuffleIsRefusedAtTheCache() {
    String yaml = pipeline("{mode: global}") + "  - cache: {path: memory}\n";

    assertThat(problems(yaml)).singleElement().asString()
        .startsWith("stages.3.cache (line 10, column 5): a global shuffle reads any record");
  }
}
