package dev.ingest.runtime.stage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingest.CorruptRecordException;
import dev.ingest.RecordProblem;
import dev.ingest.tfrecord.DirectMemory;
import dev.ingest.tfrecord.MaskedCrc32c;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/** Borrowed records stay where they were read, hold their buffer, and give it back when done. */
class StagedRecordsTest {
  private static final PooledByteBufAllocator NETTY = PooledByteBufAllocator.DEFAULT;
  private static final Path FILE = Path.of("part-0.tfrecord");

  /** Counts what is freed to it (the pool a borrowed buffer goes back to), then releases it. */
  private static final class CountingMemory implements DirectMemory {
    final List<ByteBuf> freed = new ArrayList<>();

    @Override
    public ByteBuf allocate(int bytes) {
      return NETTY.directBuffer(bytes, bytes);
    }

    @Override
    public void free(ByteBuf buffer) {
      freed.add(buffer);
      buffer.release();
    }
  }

  private static ByteBuf filled(int bytes, int seed) {
    ByteBuf buffer = NETTY.directBuffer(bytes, bytes);
    for (int i = 0; i < bytes; i++) {
      buffer.writeByte(seed + i * 31);
    }
    return buffer;
  }

  private static int maskedCrc(ByteBuf buffer, int start, int length) {
    return MaskedCrc32c.of(new CRC32C(), buffer.nioBuffer(start, length));
  }

  @Test
  void borrowedRecordsHoldTheirBufferOncePerRunAndGiveItBackWhenLast() {
    CountingMemory pool = new CountingMemory();
    StagedRecords staged = new StagedRecords(NETTY, pool, 8);
    ByteBuf first = filled(10_000, 1);
    ByteBuf second = filled(10_000, 2);
    try {
      staged.add(first, 0, 3000, FILE, 0, 0, true);
      staged.add(first, 3000, 3000, FILE, 3016, 1, true);
      staged.add(second, 0, 100, FILE, 6032, 2, false); // copied
      staged.add(second, 100, 4000, FILE, 6148, 3, true);
      assertThat(first.refCnt()).as("retained once for its run of two records").isEqualTo(2);
      assertThat(second.refCnt()).isEqualTo(2);
      assertThat(staged.bytes()).isEqualTo(3000 + 3000 + 100 + 4000);
      assertThat(staged.records().buffer(1)).isSameAs(first);
      assertThat(staged.records().start(1)).isEqualTo(3000);
      assertThat(staged.records().buffer(2)).as("a copied record").isNotSameAs(second);
      assertThat(ByteBufUtil.getBytes(staged.records().buffer(2), staged.records().start(2), 100))
          .isEqualTo(ByteBufUtil.getBytes(second, 0, 100));

      // The reader lets go of the first buffer before the batch is parsed: the batch is last.
      first.release();
      staged.clear();
      assertThat(pool.freed).as("only the buffer the batch held last").hasSize(1);
      assertThat(pool.freed.get(0)).isSameAs(first);
      assertThat(first.refCnt()).isZero();
      assertThat(second.refCnt()).as("the reader still holds it").isEqualTo(1);
      assertThat(staged.bytes()).isZero();
    } finally {
      if (first.refCnt() > 0) {
        first.release();
      }
      second.release();
      staged.release();
    }
  }

  @Test
  void recordsLeftUncheckedAreCopiedAndCheckedInTheArena() {
    StagedRecords staged = new StagedRecords(NETTY, new CountingMemory(), 8);
    ByteBuf buffer = filled(5000, 3);
    try {
      staged.addUnchecked(buffer, 0, 1000, FILE, 0, 0, maskedCrc(buffer, 0, 1000));
      staged.addUnchecked(buffer, 2000, 1000, FILE, 2032, 2, maskedCrc(buffer, 2000, 1000));
      assertThat(buffer.refCnt()).as("not borrowed").isEqualTo(1);
      assertThat(staged.records().buffer(1)).isNotSameAs(buffer);
      assertThat(staged.checkDataCrcs(new CRC32C())).as("both intact").isNull();

      ByteBuf copy = staged.records().buffer(1);
      int at = staged.records().start(1) + 500;
      copy.setByte(at, copy.getByte(at) ^ 1); // the second record's copy, after staging
      CorruptRecordException corrupt = staged.checkDataCrcs(new CRC32C());
      assertThat(corrupt).isNotNull();
      assertThat(corrupt.problem().kind()).isEqualTo(RecordProblem.Kind.DATA_CRC);
      assertThat(corrupt.problem().recordIndex()).isEqualTo(2);
      assertThat(corrupt.problem().offset()).isEqualTo(2032);
    } finally {
      staged.release();
      buffer.release();
    }
  }
}
