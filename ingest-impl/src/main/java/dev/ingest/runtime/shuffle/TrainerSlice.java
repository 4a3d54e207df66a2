package dev.ingest.runtime.shuffle;

/**
 * Which places of an epoch's global order one of {@code trainers} data-parallel trainers reads
 * under a global shuffle: the global order is cut into global batches of {@code globalBatch}
 * places, and trainer {@code i} takes the {@code i}-th of {@code trainers} slices of each. The
 * union of the trainers' batches at any step is therefore one global batch, whatever the number
 * of trainers, and that number may change between a saved state and its resume (the state counts
 * global batches).
 *
 * <p>Every full global batch splits into equal slices of {@code globalBatch / trainers} (the
 * global batch must be a multiple of the trainers). An epoch's short last global batch of {@code
 * s} places, kept unless {@code dropRemainder}, splits at {@code floor(i * s / trainers)}, so
 * trainers' shares of an epoch differ by at most one record, and a trainer whose slice of it is
 * empty has one batch fewer that epoch.
 *
 * <p>Immutable; places are {@code long}, so epochs of more than {@code 2^31} records work.
 */
public final class TrainerSlice {
  private final long records;
  private final long globalBatch;
  private final int trainers;
  private final int trainer;
  private final long sliceSize;
  /** Full global batches in the epoch. */
  private final long fullBatches;
  /** Places in the short last global batch (0 when there is none or it is dropped). */
  private final long lastBatch;
  /** Where this trainer's slice of the short last batch starts within it, and its size. */
  private final long lastSliceStart;
  private final long lastSliceSize;

  /**
   * @param records places in the epoch's global order (all records of all shards)
   * @param globalBatch records per global batch, a multiple of {@code trainers}
   * @param trainers how many trainers share each global batch ({@code num_shards})
   * @param trainer which of them this is ({@code index})
   * @param dropRemainder whether the epoch's short last global batch is dropped for everyone
   */
  public TrainerSlice(long records, long globalBatch, int trainers, int trainer,
      boolean dropRemainder) {
    if (records < 0 || globalBatch < 1 || trainers < 1 || trainer < 0 || trainer >= trainers
        || globalBatch % trainers != 0) {
      throw new IllegalArgumentException("no slice " + trainer + " of " + trainers + " for "
          + records + " records in global batches of " + globalBatch);
    }
    this.records = records;
    this.globalBatch = globalBatch;
    this.trainers = trainers;
    this.trainer = trainer;
    this.sliceSize = globalBatch / trainers;
    this.fullBatches = records / globalBatch;
    this.lastBatch = dropRemainder ? 0 : records % globalBatch;
    this.lastSliceStart = trainer * lastBatch / trainers;
    this.lastSliceSize = (trainer + 1L) * lastBatch / trainers - lastSliceStart;
  }

  /** The records this trainer reads in the epoch. */
  public long records() {
    return fullBatches * sliceSize + lastSliceSize;
  }

  /** This trainer's batches in the epoch (a short last one included, if it has any records). */
  public long batches() {
    return fullBatches + (lastSliceSize > 0 ? 1 : 0);
  }

  /** Records in this trainer's batch {@code batch} of the epoch. */
  public long batchSize(long batch) {
    return batch < fullBatches ? sliceSize : lastSliceSize;
  }

  /** This trainer's first record of its batch {@code batch}, counted in its own records. */
  public long firstOfBatch(long batch) {
    return Math.min(batch, fullBatches) * sliceSize + (batch > fullBatches ? lastSliceSize : 0);
  }

  /** The place in the global order of this trainer's {@code j}-th record of the epoch. */
  public long placeOf(long j) {
    long batch = j / sliceSize;
    if (batch < fullBatches) {
      return batch * globalBatch + trainer * sliceSize + j % sliceSize;
    }
    return fullBatches * globalBatch + lastSliceStart + (j - fullBatches * sliceSize);
  }

  @Override
  public String toString() {
    return "slice " + trainer + " of " + trainers + " of global batches of " + globalBatch
        + " over " + records + " records";
  }
}
