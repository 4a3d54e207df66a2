package dev.ingest.tensorflow;

import java.util.Objects;
import org.tensorflow.Tensor;
import org.tensorflow.types.TInt64;

/**
 * The tensors of one feature of a batch: its values and, for a ragged feature, its row splits
 * (a {@code tf.RaggedTensor}'s two components).
 *
 * <pre>
 *   fixed float32 [32], 256 rows    values: TFloat32 [256, 32]
 *   padded int64 [512], 64 rows     values: TInt64 [64, 512]
 *   var_len int64, 3 rows           values: TInt64 [5] = a b c d e    rowSplits: TInt64 [4] = 0 2 2 5
 *   bytes [], 2 rows                values: TString [2]
 * </pre>
 *
 * <h2>Ownership</h2>
 *
 * Both tensors belong to the {@link BatchTensors} that made them; they stay open until it is
 * closed. Do not close them yourself.
 *
 * @param name the feature's name
 * @param values the values: dense {@code [rows, row shape...]}, or flat {@code [values]} when
 *     ragged
 * @param rowSplits {@code [rows + 1]} row splits of a ragged feature; {@code null} when dense
 */
public record FeatureTensors(String name, Tensor values, TInt64 rowSplits) {

  public FeatureTensors {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(values, "values");
  }

  /** True when the values are flat and {@link #rowSplits()} says where each row begins. */
  public boolean ragged() {
    return rowSplits != null;
  }

  void close() {
    values.close();
    if (rowSplits != null) {
      rowSplits.close();
    }
  }
}
