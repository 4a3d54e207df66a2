package dev.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ingest.PipelineSpec.CacheSpec;
import dev.ingest.PipelineSpec.ShardBy;
import dev.ingest.PipelineSpec.SourceSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class DatasetTest {
  private static final ExampleSpec FEATURES =
      ExampleSpec.of(FeatureSpec.fixed("label", DType.INT64));
  private static final RowMapper MAP = row -> { };
  private static final RowFilter FILTER = row -> true;
  private static final BatchMapper MAP_BATCHES = batch -> { };
  private static final PaddingSpec PADDING = PaddingSpec.none().pad("tokens", 8);
  private static final PipelineOptions OPTIONS = PipelineOptions.defaults().withSeed(7);

  @Test
  void aFreshDatasetHoldsTheDocumentedDefaults() {
    PipelineSpec spec = Dataset.tfrecord("data/train").parseExample(FEATURES).spec();

    assertThat(spec).isEqualTo(new PipelineSpec(
        new SourceSpec(List.of("data/train"), "auto", true, CorruptionPolicy.FAIL, 1, 0,
            ShardBy.FILE, true, 4, 16, 0),
        FEATURES, List.of(), 0, true, 1, false, PaddingSpec.none(), 4, 1, 0, -1,
        CacheSpec.none(), PipelineOptions.defaults()));
    assertThat(spec.source()).extracting(SourceSpec::cycleLength, SourceSpec::blockLength,
            SourceSpec::numParallelCalls)
        .containsExactly(Dataset.DEFAULT_CYCLE_LENGTH, Dataset.DEFAULT_BLOCK_LENGTH,
            Dataset.DEFAULT_INTERLEAVE_PARALLEL_CALLS);
  }

  /**
   * Every call sets what it names and nothing else: applied in one order and in the reverse order,
   * a call that reset or overwrote another call's setting would lose it in one of the two.
   */
  @Test
  void everyCallChangesOnlyWhatItNames() {
    List<UnaryOperator<Dataset>> calls = List.of(
        d -> d.compression("gzip"),
        d -> d.onCorrupt(CorruptionPolicy.SKIP),
        d -> d.shard(3, 2, ShardBy.RECORD),
        d -> d.shuffleFiles(false),
        d -> d.interleave(5, 7, 2),
        d -> d.parseExample(FEATURES),
        d -> d.shuffle(100, false),
        d -> d.paddedBatch(32, PADDING, true),
        d -> d.prefetch(9),
        d -> d.repeat(3),
        d -> d.skip(11),
        d -> d.take(13),
        d -> d.withOptions(OPTIONS));
    List<UnaryOperator<Dataset>> reversed = new ArrayList<>(calls);
    Collections.reverse(reversed);

    for (List<UnaryOperator<Dataset>> order : List.of(calls, reversed)) {
      // The cache is the one call whose place matters (see cacheKeepsWhatReachesItsPlace).
      Dataset dataset = Dataset.tfrecord("data/train").cache("cache/train");
      for (UnaryOperator<Dataset> call : order) {
        dataset = call.apply(dataset);
      }
      assertThat(dataset.spec()).isEqualTo(new PipelineSpec(
          new SourceSpec(List.of("data/train"), "gzip", true, CorruptionPolicy.SKIP, 3, 2,
              ShardBy.RECORD, false, 5, 7, 2),
          FEATURES, List.of(), 100, false, 32, true, PADDING, 9, 3, 11, 13,
          CacheSpec.files("cache/train"), OPTIONS));
    }
  }

  @Test
  void cacheKeepsWhatReachesItsPlace() {
    Dataset source = Dataset.tfrecord("data/train");
    assertThat(source.cache().parseExample(FEATURES).map(MAP).shuffle(10).spec().cache())
        .isEqualTo(CacheSpec.memory());
    PipelineSpec rows = source.parseExample(FEATURES).map(MAP).filter(FILTER).cache("c/t")
        .map(MAP).shuffle(10).spec();
    assertThat(rows.cache()).isEqualTo(new CacheSpec(CacheSpec.Kind.FILES, "c/t",
        CacheSpec.Holds.ROWS, 2, true));
    assertThat(rows.permutesCachedRows()).isTrue();
    assertThat(rows.shufflesRecords()).isFalse();
    PipelineSpec shuffledFirst = source.parseExample(FEATURES).shuffle(10).cache().spec();
    assertThat(shuffledFirst.cache().holdsRows()).isTrue();
    assertThat(shuffledFirst.permutesCachedRows()).isFalse();
    assertThat(shuffledFirst.shufflesRecords()).isTrue();
    // A shuffle after a cache of rows draws other batches than a buffer: another fingerprint.
    assertThat(rows.fingerprint()).isNotEqualTo(source.parseExample(FEATURES).map(MAP)
        .filter(FILTER).map(MAP).shuffle(10).cache("c/t").spec().fingerprint());
    assertThatThrownBy(() -> source.parseExample(FEATURES).mapBatches(MAP_BATCHES).cache().spec())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("map_batches");
  }

  @Test
  void aCallLeavesTheDatasetItWasMadeFromAsItWas() {
    Dataset base = Dataset.tfrecord("data/train").parseExample(FEATURES);
    PipelineSpec before = base.spec();

    base.shuffle(10).batch(4, true).interleave(2, 3).map(MAP).cache().repeat(-1);

    assertThat(base.spec()).isEqualTo(before);
  }

  @Test
  void transformsKeepTheOrderTheyWereAddedIn() {
    PipelineSpec spec = Dataset.tfrecord("data/train").parseExample(FEATURES)
        .map("first", MAP).filter("second", FILTER).mapBatches("third", MAP_BATCHES).map(MAP)
        .spec();

    assertThat(spec.transforms()).containsExactly(new Transform.MapRows("first", MAP),
        new Transform.FilterRows("second", FILTER), new Transform.MapBatches("third", MAP_BATCHES),
        new Transform.MapRows("map", MAP));
  }

  @Test
  void batchDropsAnEarlierPaddedBatchsPadding() {
    PipelineSpec spec = Dataset.tfrecord("data/train").parseExample(FEATURES)
        .paddedBatch(8, PADDING, true).batch(16, false).spec();

    assertThat(spec.padding()).isEqualTo(PaddingSpec.none());
    assertThat(spec.batchSize()).isEqualTo(16);
    assertThat(spec.dropRemainder()).isFalse();
  }

  @Test
  void interleaveKeepsTheReaderThreadsUnlessGivenAndAutoCycleIsTheDefault() {
    SourceSpec source = Dataset.tfrecord("data/train").interleave(2, 3, Dataset.AUTO)
        .interleave(Dataset.AUTO, 5).parseExample(FEATURES).spec().source();

    assertThat(source.cycleLength()).isEqualTo(Dataset.DEFAULT_CYCLE_LENGTH);
    assertThat(source.blockLength()).isEqualTo(5);
    assertThat(source.numParallelCalls()).isEqualTo(Dataset.AUTO);
  }

  @Test
  void aSourceIsCheckedWhenItChangesAndTheOtherStagesWhenTheSpecIsBuilt() {
    assertThatThrownBy(() -> Dataset.tfrecord("data/train").shard(2, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("shard index must be in [0, 2), got 2");
    assertThatThrownBy(() -> Dataset.tfrecord("data/train").interleave(4, 0))
        .hasMessage("block_length must be at least 1, got 0");
    assertThatThrownBy(() -> Dataset.tfrecord("data/train").cache("cache/"))
        .isInstanceOf(IllegalArgumentException.class);

    Dataset invalidBatch = Dataset.tfrecord("data/train").batch(0, false);
    assertThatThrownBy(invalidBatch::spec).hasMessage("the pipeline needs a parse_example stage");
    assertThatThrownBy(() -> invalidBatch.parseExample(FEATURES).spec())
        .hasMessage("batch_size must be at least 1, got 0");
  }
}
