package dev.ingest.runtime;

import com.lmax.disruptor.util.Util;
import dev.ingest.PipelineSpec;
import dev.ingest.Transform;

/**
 * How big a pipeline's parts are: its parse workers, its prefetch depth, its rings' slots and the
 * buffers it keeps for reuse. Worked out from the spec alone, before anything is allocated.
 *
 * @param workers parse workers started (under AUTO threads, every one the CPU budget allows)
 * @param autoWorkers whether the tuner moves the active workers
 * @param activeWorkers the workers active at the start
 * @param assembling whether a batch stage fills the batches from parsed chunks
 * @param tunesDepth whether the tuner moves the prefetch depth
 * @param firstDepth the prefetch depth at the start
 * @param prefetchDepthLimit the deepest the prefetch may go
 * @param slots the unit ring's slots, from the source to the workers
 * @param assembledSlots the batch stage's ring's slots (when {@code assembling})
 * @param recycledBuffers the most buffers of any one size {@code RecycledColumns} keeps
 */
record PipelineSizes(int workers, boolean autoWorkers, int activeWorkers, boolean assembling,
    boolean tunesDepth, int firstDepth, int prefetchDepthLimit, int slots, int assembledSlots,
    int recycledBuffers) {
  /**
   * The prefetch depth a tuned AUTO prefetch starts from, and the deepest the tuner may take it.
   * It starts shallow because it only ever deepens: fewer batches in flight stay in the caches
   * (on image records without a map, depth 2 beat 8 by about a fifth; PipelineBenchmark in
   * benchmarks measures a pipeline end to end), and a consumer that waits for bursts gets the
   * depth doubled.
   */
  static final int AUTO_FIRST_PREFETCH = 2;
  static final int AUTO_MAX_PREFETCH = 32;
  /** AUTO prefetch where it is not tuned (after a batch stage). */
  static final int AUTO_UNTUNED_PREFETCH = 4;

  static PipelineSizes of(PipelineSpec spec) {
    // Under AUTO threads every worker the CPU budget allows starts, and the tuner keeps some
    // active: it starts with a core left to the read stage, which otherwise competes with them.
    int workers = spec.options().workerThreads();
    boolean autoWorkers = spec.options().autoThreads();
    int activeWorkers = autoWorkers
        ? Math.max(1, Math.min(workers, spec.options().cpuCores() - 1)) : workers;
    // Filters, and invalid records skipped, make batches of records that pass: the workers then
    // parse chunks, unpadded, and an assembly stage fills and pads the batches. Row maps with padded_batch need it too, so that
    // they see rows before padding, as tf.data's map before padded_batch does.
    boolean rowMaps = spec.transforms().stream().anyMatch(t -> t instanceof Transform.MapRows);
    // A cache of rows keeps rows unpadded, and its units are chunks of rows gathered from it.
    boolean assembling = spec.dropsRows() || rowMaps && !spec.padding().lengths().isEmpty()
        || spec.cache().holdsRows();
    // With the batch stage the prefetch ring is its own (AUTO there is the first depth, untuned).
    boolean tunesDepth = spec.autoPrefetch() && !assembling;
    int firstDepth = !spec.autoPrefetch() ? spec.prefetch()
        : tunesDepth ? AUTO_FIRST_PREFETCH : AUTO_UNTUNED_PREFETCH;
    int prefetchDepthLimit = tunesDepth ? AUTO_MAX_PREFETCH : firstDepth;
    // Disruptor rings have a power of two of slots. Without a batch stage the consumer reads the
    // unit ring itself, so it holds the deepest prefetch (a ring cannot grow when the tuner
    // deepens it) plus one unit being parsed per worker. With one, the workers parse chunks: two
    // each, one being parsed and the next already published, and the prefetch is the batch
    // stage's own ring.
    int slots = Util.ceilingNextPowerOfTwo(
        assembling ? 2 * workers : prefetchDepthLimit + workers);
    int assembledSlots = Util.ceilingNextPowerOfTwo(firstDepth);
    // A parsed batch sits in every slot of the rings, plus the one the consumer holds; each has
    // at most three buffers per feature (values, row splits, byte offsets).
    int batchesAlive = slots + (assembling ? assembledSlots : 0) + 1;
    int columnBuffers = batchesAlive * 3 * Math.max(1, spec.features().features().size());
    // The source's readers take their read buffers from the same pool: one per file open in the
    // cycle (one more while a resumed shuffle buffer is read back), and a unit that borrows
    // records (rather than copying them) holds their read buffers until it is parsed, a buffer
    // or two per file in the cycle. Two per file for every slot's unit, and for two units more
    // (the readers' own buffers), bound both.
    int cycle = spec.source().cycleLength();
    int readBuffers = (slots + 2) * 2 * cycle;
    return new PipelineSizes(workers, autoWorkers, activeWorkers, assembling, tunesDepth,
        firstDepth, prefetchDepthLimit, slots, assembledSlots, columnBuffers + readBuffers);
  }

  /** Whether anything is AUTO, so that a tuner thread runs. */
  boolean tuned() {
    return autoWorkers || tunesDepth;
  }
}
