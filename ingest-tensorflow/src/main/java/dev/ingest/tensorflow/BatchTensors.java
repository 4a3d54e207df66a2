package dev.ingest.tensorflow;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Tensor;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;

/**
 * The TensorFlow tensors of one {@link dev.ingest.Batch}, one {@link FeatureTensors} per feature in
 * ascending order of name, made by {@link TensorBridge#toTensors(dev.ingest.Batch)}.
 *
 * <pre>{@code
 * try (Batch batch = batches.next();
 *     BatchTensors tensors = TensorBridge.toTensors(batch)) {
 *   session.runner()
 *       .feed("features", tensors.floats("features"))
 *       .feed("label", tensors.longs("label"))
 *       .addTarget(train).run();
 * }
 * }</pre>
 *
 * <h2>Ownership</h2>
 *
 * The caller owns a {@code BatchTensors} and must close it; {@link #close()} closes every tensor
 * it holds, and is idempotent. Every tensor it returns belongs to it: feed it to a session (a
 * session does not take ownership of what it is fed) or read it, but do not close it separately,
 * and do not use it after this object is closed. The tensors hold their own copy of the values,
 * so the batch they came from may be closed first.
 *
 * <h2>Assumptions and guarantees</h2>
 *
 * Not thread-safe: one thread at a time, with a happens-before edge between them (a session run
 * on the same thread is the usual case).
 */
public final class BatchTensors implements AutoCloseable {
  private final int rows;
  private final Map<String, FeatureTensors> features;
  private boolean closed;

  BatchTensors(int rows, List<FeatureTensors> features) {
    this.rows = rows;
    Map<String, FeatureTensors> byName = new LinkedHashMap<>();
    for (FeatureTensors feature : features) {
      byName.put(feature.name(), feature);
    }
    this.features = Collections.unmodifiableMap(byName);
  }

  /** Rows in the batch: the first dimension of every dense tensor. */
  public int rows() {
    return rows;
  }

  /** Every feature's tensors, in ascending order of name. */
  public List<FeatureTensors> features() {
    ensureOpen();
    return new ArrayList<>(features.values());
  }

  /** The tensors of feature {@code name}; {@link IllegalArgumentException} if there is none. */
  public FeatureTensors feature(String name) {
    ensureOpen();
    FeatureTensors feature = features.get(name);
    if (feature == null) {
      throw new IllegalArgumentException(
          "the batch has no feature '" + name + "'; it has " + features.keySet());
    }
    return feature;
  }

  /** The values tensor of feature {@code name}, whatever its type. */
  public Tensor values(String name) {
    return feature(name).values();
  }

  /** The values of a float32 feature. */
  public TFloat32 floats(String name) {
    return typed(name, TFloat32.class);
  }

  /** The values of an int64 feature. */
  public TInt64 longs(String name) {
    return typed(name, TInt64.class);
  }

  /** The values of a bytes feature. */
  public TString strings(String name) {
    return typed(name, TString.class);
  }

  /** The row splits of a ragged feature; {@link IllegalStateException} for a dense one. */
  public TInt64 rowSplits(String name) {
    FeatureTensors feature = feature(name);
    if (!feature.ragged()) {
      throw new IllegalStateException("feature '" + name + "' is dense: it has no row splits");
    }
    return feature.rowSplits();
  }

  /** Closes every tensor. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    closeAll(features.values());
  }

  /** Closes each feature's tensors, even when closing one of them fails. */
  static void closeAll(Iterable<FeatureTensors> features) {
    RuntimeException failure = null;
    for (FeatureTensors feature : features) {
      try {
        feature.close();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private <T extends Tensor> T typed(String name, Class<T> type) {
    Tensor values = values(name);
    if (!type.isInstance(values)) {
      throw new IllegalStateException("feature '" + name + "' is a "
          + values.dataType() + " tensor, not " + type.getSimpleName());
    }
    return type.cast(values);
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("the tensors have been closed");
    }
  }
}
