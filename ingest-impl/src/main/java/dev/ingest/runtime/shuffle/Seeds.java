package dev.ingest.runtime.shuffle;

import java.util.SplittableRandom;

/**
 * Every random choice of a pipeline comes from (seed, epoch, purpose), never from threads or
 * time, so the same spec and seed give the same batches at any parallelism.
 */
public final class Seeds {
  /** Purposes, so that file order and shuffle draw from unrelated streams. */
  public static final long FILE_ORDER = 0x6F72_6465_7266L;
  static final long SHUFFLE = 0x7368_7566_666CL;
  static final long ROW_ORDER = 0x726F_776F_7264L;
  static final long GLOBAL_ORDER = 0x676C_6F62_616CL;

  private Seeds() {}

  public static SplittableRandom random(long seed, long epoch, long purpose) {
    return new SplittableRandom(mix(seed, epoch, purpose));
  }

  /** The shuffle buffer's generator for an epoch (its state can be saved and restored). */
  public static ShuffleRandom shuffle(long seed, long epoch) {
    return new ShuffleRandom(mix(seed, epoch, SHUFFLE));
  }

  /**
   * The generator of a cache of rows' permutation for an epoch. Its seed goes through a finalizer
   * first: {@link #mix} alone gives consecutive seeds states one SplittableRandom increment apart,
   * so one seed's stream would be the next seed's shifted by a step. (The older streams keep
   * {@link #mix} as it is: changing it would change every pipeline's batches for its seed.)
   */
  public static SplittableRandom permutation(long seed, long epoch) {
    return new SplittableRandom(finalise(mix(seed, epoch, ROW_ORDER)));
  }

  /**
   * The generator of the keys of an epoch's {@link GlobalOrder}; finalised as {@link
   * #permutation} is, so that neighbouring seeds or epochs give unrelated keys.
   */
  public static SplittableRandom globalOrder(long seed, long epoch) {
    return new SplittableRandom(finalise(mix(seed, epoch, GLOBAL_ORDER)));
  }

  /** SplitMix64's finaliser: every input bit flips each output bit with probability near 1/2. */
  private static long finalise(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
    return z ^ (z >>> 31);
  }

  private static long mix(long seed, long epoch, long purpose) {
    return seed * 0x9E37_79B9_7F4A_7C15L ^ (epoch + 1) * 0xBF58_476D_1CE4_E5B9L ^ purpose;
  }
}
