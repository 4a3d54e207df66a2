package dev.ingest.runtime.stage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingest.Column;
import dev.ingest.MutableBatch;
import dev.ingest.PipelineOptions;
import dev.ingest.runtime.memory.MemoryBudget;
import dev.ingest.tfrecord.DirectMemory;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A unit's ownership: what it holds after each hand-over, and who gives the batch and the
 * budget's bytes back. A unit that forgot a batch it still owned, or kept a reservation after
 * handing its batch on, would leak memory or the budget only slowly in a real run.
 */
class WorkUnitTest {
  private static final PooledByteBufAllocator NETTY = PooledByteBufAllocator.DEFAULT;
  private static final DirectMemory READ_BUFFERS = new DirectMemory() {
    @Override
    public ByteBuf allocate(int bytes) {
      return NETTY.directBuffer(bytes, bytes);
    }

    @Override
    public void free(ByteBuf buffer) {
      buffer.release();
    }
  };

  /** A batch of {@code bytes} that counts its references and nothing else. */
  private static final class CountedBatch implements MutableBatch {
    private final long bytes;
    private final int rows;
    private int references = 1;

    CountedBatch(long bytes, int rows) {
      this.bytes = bytes;
      this.rows = rows;
    }

    @Override
    public long memoryBytes() {
      return bytes;
    }

    @Override
    public int rows() {
      return rows;
    }

    @Override
    public List<Column> columns() {
      return List.of();
    }

    @Override
    public Column column(String name) {
      throw new IllegalArgumentException(name);
    }

    @Override
    public FloatBuffer mutableFloats(String name) {
      throw new IllegalArgumentException(name);
    }

    @Override
    public LongBuffer mutableLongs(String name) {
      throw new IllegalArgumentException(name);
    }

    @Override
    public CountedBatch retain() {
      references++;
      return this;
    }

    @Override
    public boolean release() {
      return --references == 0;
    }

    @Override
    public int refCnt() {
      return references;
    }

    @Override
    public void close() {
      release();
    }
  }

  private static MemoryBudget budget() {
    return MemoryBudget.of(new PipelineOptions(42, true, 1, 1 << 20));
  }

  @Test
  void theConsumerOwnsATakenBatchAndTheUnitNoLongerCountsItsBytes() {
    MemoryBudget budget = budget();
    WorkUnit slot = new WorkUnit();
    CountedBatch batch = new CountedBatch(1000, 4);
    slot.markPosition(3, 7, null, 2);
    slot.loadBatch(batch, 250, budget);
    assertThat(slot.kind()).isEqualTo(WorkUnit.Kind.BATCH);
    assertThat(budget.used()).isEqualTo(1000);

    assertThat(slot.takeBatch(budget)).isSameAs(batch);

    assertThat(budget.used()).isZero();
    assertThat(slot.reservedBytes()).isZero();
    assertThat(slot.epoch()).isEqualTo(3);
    assertThat(slot.batchInEpoch()).isEqualTo(7);
    assertThat(slot.rowsAfterCheckpoint()).isEqualTo(2);
    assertThat(slot.recordBytes()).isEqualTo(250);
    slot.releaseAll(); // shutdown must not free what the consumer now owns
    assertThat(batch.refCnt()).isEqualTo(1);
  }

  @Test
  void aStageDoneWithTheBatchGivesBackTheBatchAndTheBudgetOnce() {
    MemoryBudget budget = budget();
    WorkUnit slot = new WorkUnit();
    CountedBatch batch = new CountedBatch(1000, 4);
    slot.loadBatch(batch, 250, budget);

    slot.releaseBatch(budget);
    slot.releaseBatch(budget);

    assertThat(batch.refCnt()).isZero();
    assertThat(budget.used()).isZero();
  }

  @Test
  void aFailedParseGivesBackWhatTheUnitHeldAndCarriesTheFailureOnly() {
    MemoryBudget budget = budget();
    WorkUnit unit = new WorkUnit(NETTY, READ_BUFFERS, 4);
    budget.adjust(600);
    StagedRecords spare = new StagedRecords(NETTY, READ_BUFFERS, 4);
    try {
      StagedRecords empty = unit.loadRecords(spare, 600);
      CountedBatch parsed = new CountedBatch(900, 4);
      unit.attachParsed(parsed);
      IllegalStateException error = new IllegalStateException("a transform threw");

      unit.releaseBatch(budget);
      unit.markFailed("map", error);

      assertThat(parsed.refCnt()).isZero();
      assertThat(budget.used()).isZero();
      assertThat(unit.kind()).isEqualTo(WorkUnit.Kind.FAILED);
      assertThat(unit.failedStage()).isEqualTo("map");
      assertThat(unit.error()).isSameAs(error);
      assertThat(unit.reservedBytes()).isZero();
      assertThat(unit.batch()).isNull();
      empty.release();
    } finally {
      unit.releaseAll();
    }
  }

  @Test
  void aParsedBatchSwapsTheSourcesEstimateForItsOwnSize() {
    MemoryBudget budget = budget();
    WorkUnit unit = new WorkUnit(NETTY, READ_BUFFERS, 4);
    budget.adjust(5000); // what the source reserved for the records and their parsed batch
    StagedRecords spare = new StagedRecords(NETTY, READ_BUFFERS, 4);
    try {
      StagedRecords empty = unit.loadRecords(spare, 5000);
      assertThat(empty).isNotSameAs(spare);
      assertThat(unit.records()).isSameAs(spare);
      empty.release();
      CountedBatch parsed = new CountedBatch(1200, 4);
      unit.attachParsed(parsed);

      unit.chargeParsedBatch(budget);

      assertThat(unit.reservedBytes()).isEqualTo(1200);
      assertThat(budget.used()).isEqualTo(1200);
      assertThat(unit.keptCount()).isEqualTo(4);
      assertThat(unit.keptRow(2)).isEqualTo(2);
      assertThat(unit.takeBatch(budget)).isSameAs(parsed);
      assertThat(budget.used()).isZero();
    } finally {
      unit.releaseAll();
    }
  }

  @Test
  void aReusedSlotCarriesOnlyWhatItsLastHandOverSaid() {
    MemoryBudget budget = budget();
    WorkUnit slot = new WorkUnit();
    slot.markFailed("parse", new IllegalStateException("bad record"));
    slot.markEnd();
    assertThat(slot.kind()).isEqualTo(WorkUnit.Kind.END);
    assertThat(slot.error()).isNull();
    assertThat(slot.failedStage()).isNull();

    CountedBatch batch = new CountedBatch(100, 1);
    slot.loadBatch(batch, 10, budget);
    assertThat(slot.kind()).isEqualTo(WorkUnit.Kind.BATCH);
    assertThat(slot.error()).isNull();
    slot.releaseBatch(budget);
  }
}
