package dev.ingest.runtime.shuffle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * {@link TrainerSlice}: the trainers' slices of a global batch are disjoint and together the
 * global batch, for any number of trainers; an epoch's places are all read exactly once; shares
 * differ by at most one record; a dropped remainder leaves equal shares.
 */
class TrainerSliceTest {

  /** The places each trainer reads at each of its steps, for n trainers. */
  private static List<List<TreeSet<Long>>> steps(long records, long globalBatch, int trainers,
      boolean dropRemainder) {
    List<List<TreeSet<Long>>> byTrainer = new ArrayList<>();
    for (int i = 0; i < trainers; i++) {
      TrainerSlice slice = new TrainerSlice(records, globalBatch, trainers, i, dropRemainder);
      List<TreeSet<Long>> batches = new ArrayList<>();
      for (long b = 0; b < slice.batches(); b++) {
        TreeSet<Long> places = new TreeSet<>();
        long first = slice.firstOfBatch(b);
        for (long j = first; j < first + slice.batchSize(b); j++) {
          places.add(slice.placeOf(j));
        }
        assertThat(places).as("batch %d of trainer %d", b, i).hasSize((int) slice.batchSize(b));
        batches.add(places);
      }
      long total = batches.stream().mapToLong(TreeSet::size).sum();
      assertThat(total).isEqualTo(slice.records());
      byTrainer.add(batches);
    }
    return byTrainer;
  }

  /** Per step, the union of what every trainer reads. */
  private static List<TreeSet<Long>> unionPerStep(List<List<TreeSet<Long>>> byTrainer) {
    List<TreeSet<Long>> union = new ArrayList<>();
    for (List<TreeSet<Long>> batches : byTrainer) {
      for (int step = 0; step < batches.size(); step++) {
        if (union.size() <= step) {
          union.add(new TreeSet<>());
        }
        int before = union.get(step).size();
        union.get(step).addAll(batches.get(step));
        assertThat(union.get(step)).as("trainers' slices overlap at step %d", step)
            .hasSize(before + batches.get(step).size());
      }
    }
    return union;
  }

  @Property(tries = 300)
  void everyStepIsTheSameGlobalBatchForAnyNumberOfTrainers(
      @ForAll @IntRange(min = 0, max = 500) int records,
      @ForAll @IntRange(min = 1, max = 12) int sliceSize, @ForAll boolean dropRemainder) {
    List<TreeSet<Long>> reference = null;
    for (int trainers : new int[] {1, 2, 4, 8}) {
      long globalBatch = (long) sliceSize * 8; // a multiple of every trainer count tried
      List<TreeSet<Long>> union = unionPerStep(steps(records, globalBatch, trainers,
          dropRemainder));
      if (reference == null) {
        reference = union;
        // One trainer reads global batch k as places [kG, (k+1)G): the global order, cut.
        for (int step = 0; step < union.size(); step++) {
          assertThat(union.get(step).first()).isEqualTo(step * globalBatch);
          assertThat(union.get(step).last() - union.get(step).first() + 1)
              .isEqualTo(union.get(step).size());
        }
        long kept = dropRemainder ? records / globalBatch * globalBatch : records;
        assertThat(union.stream().mapToLong(TreeSet::size).sum()).isEqualTo(kept);
      } else {
        assertThat(union).as("%d trainers", trainers).isEqualTo(reference);
      }
    }
  }

  @Property(tries = 300)
  void sharesDifferByAtMostOneRecordAndAreEqualWhenTheRemainderIsDropped(
      @ForAll @IntRange(min = 0, max = 2000) int records,
      @ForAll @IntRange(min = 1, max = 9) int trainers,
      @ForAll @IntRange(min = 1, max = 20) int sliceSize, @ForAll boolean dropRemainder) {
    long globalBatch = (long) sliceSize * trainers;
    long least = Long.MAX_VALUE;
    long most = 0;
    for (int i = 0; i < trainers; i++) {
      long share = new TrainerSlice(records, globalBatch, trainers, i, dropRemainder).records();
      least = Math.min(least, share);
      most = Math.max(most, share);
    }
    assertThat(most - least).isLessThanOrEqualTo(dropRemainder ? 0 : 1);
  }

  @Test
  void aShortLastGlobalBatchIsSplitEvenlyAndAnEmptySliceIsNoBatch() {
    // 10 records, global batch 8, 4 trainers: one full batch, then 2 records for 4 trainers.
    List<List<TreeSet<Long>>> byTrainer = steps(10, 8, 4, false);
    assertThat(byTrainer.get(0).get(0)).containsExactly(0L, 1L);
    assertThat(byTrainer.get(3).get(0)).containsExactly(6L, 7L);
    assertThat(byTrainer.stream().mapToInt(List::size)).containsExactly(1, 2, 1, 2);
    assertThat(byTrainer.get(1).get(1)).containsExactly(8L);
    assertThat(byTrainer.get(3).get(1)).containsExactly(9L);
  }

  @Test
  void aGlobalBatchThatTrainersCannotShareEquallyIsRefused() {
    assertThatThrownBy(() -> new TrainerSlice(100, 10, 4, 0, false))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TrainerSlice(100, 8, 4, 4, false))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void placesBeyondTwoToTheThirtyOneWork() {
    long records = (1L << 33) + 5;
    TrainerSlice slice = new TrainerSlice(records, 1024, 8, 7, false);
    long last = slice.records() - 1;
    assertThat(slice.placeOf(last)).isLessThan(records);
    assertThat(slice.placeOf(0)).isEqualTo(7 * 128);
  }
}
