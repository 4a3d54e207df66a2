package dev.ingest.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingest.Dataset;
import dev.ingest.PipelineOptions;
import org.junit.jupiter.api.Test;

class PipelineSizesTest {
  /** Three workers, two files open at once, two features (IdRecords' id and payload). */
  private static Dataset threeWorkers() {
    return Dataset.tfrecord("unread/*.tfrecord")
        .interleave(2, 1)
        .parseExample(IdRecords.SPEC)
        .batch(8, false)
        .withOptions(PipelineOptions.defaults().withThreads(3));
  }

  @Test
  void withoutABatchStageTheRingHoldsThePrefetchAndAUnitPerWorker() {
    PipelineSizes sizes = PipelineSizes.of(threeWorkers().prefetch(4).spec());

    assertThat(sizes.assembling()).isFalse();
    assertThat(sizes.slots()).isEqualTo(8); // 4 + 3, to a power of two
    // (8 slots + the consumer's batch) * 3 buffers * 2 features + (8 + 2) * 2 * 2 files
    assertThat(sizes.recycledBuffers()).isEqualTo(9 * 3 * 2 + 10 * 2 * 2);
  }

  @Test
  void aFilterPutsTwoChunksPerWorkerInTheRingAndThePrefetchInTheBatchStagesRing() {
    PipelineSizes sizes =
        PipelineSizes.of(threeWorkers().filter(row -> true).prefetch(3).spec());

    assertThat(sizes.assembling()).isTrue();
    assertThat(sizes.slots()).isEqualTo(8); // 2 * 3, to a power of two
    assertThat(sizes.assembledSlots()).isEqualTo(4);
    assertThat(sizes.recycledBuffers()).isEqualTo((8 + 4 + 1) * 3 * 2 + 10 * 2 * 2);
  }

  @Test
  void anAutoPrefetchStartsShallowInARingSizedForTheDeepest() {
    PipelineSizes sizes = PipelineSizes.of(threeWorkers().prefetch(Dataset.AUTO).spec());

    assertThat(sizes.tunesDepth()).isTrue();
    assertThat(sizes.tuned()).isTrue();
    assertThat(sizes.firstDepth()).isEqualTo(PipelineSizes.AUTO_FIRST_PREFETCH);
    assertThat(sizes.prefetchDepthLimit()).isEqualTo(PipelineSizes.AUTO_MAX_PREFETCH);
    assertThat(sizes.slots()).isEqualTo(64); // 32 + 3, to a power of two
  }
}
