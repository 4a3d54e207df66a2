package dev.ingest.runtime.shuffle;

import java.util.SplittableRandom;

/**
 * A keyed pseudo-random bijection over {@code [0, size)} for any size up to 2<sup>62</sup>,
 * computed one value at a time in O(1) time and memory: a balanced Feistel network over the
 * smallest power-of-two domain of an even number of bits that holds {@code size} values,
 * restricted to {@code [0, size)} by cycle-walking.
 *
 * <p><b>Why a bijection.</b> A value of the domain is split into two halves of {@code h} bits,
 * {@code (L, R)}; a round maps it to {@code (R, L ^ F(R))}. Whatever {@code F} is, the round is
 * undone by {@code (L, R) = (R' ^ F(L'), L')}, so each round, and the whole network, is a
 * permutation of the {@code 2^(2h)} values. {@code F} is SplitMix64's finaliser applied to the
 * half XOR a per-round key: it diffuses every input bit into every output bit, so that after
 * {@value #ROUNDS} rounds (Luby and Rackoff's bound is 4 for a pseudo-random permutation, Patarin's
 * is 6 against stronger distinguishers; the rest is margin for small {@code h}) the network
 * behaves as a random permutation for the tests in {@code GlobalOrderStatisticsTest}.
 *
 * <p><b>Cycle-walking.</b> To permute {@code [0, size)} inside the larger domain, the network is
 * applied again while the value falls outside: start from a value inside, follow its cycle of
 * the domain permutation, stop at the next value inside. That maps {@code [0, size)} onto
 * itself one-to-one (two inside values cannot reach the same one, because the walk backward from
 * it with the inverse network stops at exactly one of them), and walking the inverse network
 * the same way inverts it. The domain is less than {@code 4 * size} for {@code size >= 2} (the
 * next power of two is below {@code 2 * size}, rounding its bits up to an even count at most
 * doubles it), so a walk takes fewer than 4 applications on average.
 *
 * <p><b>Tweaks.</b> Each call takes a {@code tweak} XORed into every round key, so that one
 * instance gives a family of unrelated permutations (one per window of a windowed order) without
 * deriving keys per call. Halves are at most 31 bits and round keys 64 random bits, so distinct
 * tweaks feed the finaliser disjoint inputs except with negligible probability.
 *
 * <p>Immutable; safe to share between threads. Nothing is allocated per call.
 */
final class FeistelPermutation {
  static final int ROUNDS = 8;
  /** The largest size: halves of 31 bits keep every value of the domain a positive long. */
  static final long MAX_SIZE = 1L << 62;

  private final long[] roundKeys = new long[ROUNDS];

  /** Draws the round keys from {@code keys}. */
  FeistelPermutation(SplittableRandom keys) {
    for (int round = 0; round < ROUNDS; round++) {
      roundKeys[round] = keys.nextLong();
    }
  }

  /**
   * The bits of one half of the domain for {@code size} values: the smallest {@code h >= 1} with
   * {@code 2^(2h) >= size}.
   */
  static int halfBits(long size) {
    if (size < 0 || size > MAX_SIZE) {
      throw new IllegalArgumentException("size must be in [0, 2^62], got " + size);
    }
    int bits = 64 - Long.numberOfLeadingZeros(Math.max(size - 1, 1));
    return (bits + 1) / 2;
  }

  /**
   * The image of {@code value} in [0, size) under the permutation for {@code tweak}; {@code
   * halfBits} must be {@link #halfBits}{@code (size)} (passed in so that callers compute it once).
   */
  long forward(long value, long size, int halfBits, long tweak) {
    if (size == 1) {
      return 0; // a walk in a domain of 4 for one value would take 4 applications on average
    }
    long x = value;
    do {
      x = encrypt(x, halfBits, tweak);
    } while (x >= size);
    return x;
  }

  /** The inverse of {@link #forward} with the same size, half bits and tweak. */
  long backward(long value, long size, int halfBits, long tweak) {
    if (size == 1) {
      return 0;
    }
    long x = value;
    do {
      x = decrypt(x, halfBits, tweak);
    } while (x >= size);
    return x;
  }

  private long encrypt(long x, int halfBits, long tweak) {
    long mask = (1L << halfBits) - 1;
    long left = x >>> halfBits;
    long right = x & mask;
    for (int round = 0; round < ROUNDS; round++) {
      long next = left ^ (roundFunction(right, roundKeys[round] ^ tweak) & mask);
      left = right;
      right = next;
    }
    return left << halfBits | right;
  }

  private long decrypt(long x, int halfBits, long tweak) {
    long mask = (1L << halfBits) - 1;
    long left = x >>> halfBits;
    long right = x & mask;
    for (int round = ROUNDS - 1; round >= 0; round--) {
      long previous = right ^ (roundFunction(left, roundKeys[round] ^ tweak) & mask);
      right = left;
      left = previous;
    }
    return left << halfBits | right;
  }

  /** SplitMix64's finaliser (Stafford's variant 13) of the half under the round's key. */
  private static long roundFunction(long half, long key) {
    long z = half ^ key;
    z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
    return z ^ (z >>> 31);
  }
}
