package dev.ingest.runtime.shuffle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link Seeds}: every (seed, epoch, purpose) its own stream, the same one every time, and
 * neighbouring seeds' permutation and global-order streams not one another's shifted.
 */
class SeedsTest {
  @Test
  void everySeedAndEpochGetsItsOwnStreamForEachPurpose() {
    Set<Long> firstDraws = new HashSet<>();
    int streams = 0;
    for (long seed = -3; seed < 12; seed++) {
      for (long epoch = 0; epoch < 12; epoch++) {
        firstDraws.add(Seeds.shuffle(seed, epoch).state());
        firstDraws.add(Seeds.permutation(seed, epoch).nextLong());
        firstDraws.add(Seeds.globalOrder(seed, epoch).nextLong());
        firstDraws.add(Seeds.random(seed, epoch, Seeds.FILE_ORDER).nextLong());
        streams += 4;
      }
    }
    assertThat(firstDraws).hasSize(streams);
  }

  @Test
  void theSameSeedEpochAndPurposeGiveTheSameStream() {
    assertThat(Seeds.shuffle(42, 3).state()).isEqualTo(Seeds.shuffle(42, 3).state());
    assertThat(Seeds.permutation(42, 3).nextLong()).isEqualTo(Seeds.permutation(42, 3).nextLong());
    assertThat(Seeds.globalOrder(42, 3).nextLong()).isEqualTo(Seeds.globalOrder(42, 3).nextLong());
    assertThat(Seeds.random(42, 3, Seeds.FILE_ORDER).nextLong())
        .isEqualTo(Seeds.random(42, 3, Seeds.FILE_ORDER).nextLong());
  }

  @Test
  void neighbouringSeedsPermutationsAreNotOneStreamShifted() {
    // Unfinalised, seed s + 1's generator would start one SplittableRandom step after seed s's.
    for (long seed = 0; seed < 50; seed++) {
      Set<Long> early = new HashSet<>();
      SplittableRandom permutation = Seeds.permutation(seed, 0);
      SplittableRandom order = Seeds.globalOrder(seed, 0);
      for (int i = 0; i < 8; i++) {
        early.add(permutation.nextLong());
        early.add(order.nextLong());
      }
      assertThat(early).doesNotContain(Seeds.permutation(seed + 1, 0).nextLong(),
          Seeds.globalOrder(seed + 1, 0).nextLong(), Seeds.permutation(seed, 1).nextLong(),
          Seeds.globalOrder(seed, 1).nextLong());
    }
  }
}
