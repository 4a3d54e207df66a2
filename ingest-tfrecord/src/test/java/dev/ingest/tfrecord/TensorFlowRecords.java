package dev.ingest.tfrecord;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TFOutOfRangeException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.data.Iterator;
import org.tensorflow.op.data.IteratorGetNext;
import org.tensorflow.types.TString;
import org.tensorflow.types.family.TType;

/**
 * TensorFlow's own C++ TFRecord writer and reader, driven through TensorFlow Java raw ops, so that
 * tests can check our files against the reference implementation rather than against ourselves.
 *
 * <p>Each call builds its own {@link Graph} and {@link Session} and closes them (and every tensor)
 * before returning, so nothing of TensorFlow outlives a call. Compression types are TensorFlow's
 * spellings: {@code ""} (plain), {@code "GZIP"}, {@code "ZLIB"}.
 */
final class TensorFlowRecords {
  /** tf.data's default read buffer for TFRecordDataset (256 KiB); any size reads the same bytes. */
  private static final long READ_BUFFER_BYTES = 256 * 1024;

  private TensorFlowRecords() {}

  /**
   * Writes {@code records} to {@code file} with TensorFlow's {@code DatasetToTFRecord} op, fed by
   * a {@code TensorSliceDataset} over one string vector.
   */
  static void writeWithTensorFlow(Path file, List<byte[]> records, String compressionType) {
    try (Graph graph = new Graph();
        TString values =
            TString.tensorOfBytes(
                Shape.of(records.size()), DataBuffers.ofObjects(records.toArray(byte[][]::new)))) {
      Ops tf = Ops.create(graph);
      Operand<?> slices = tf.constantOf(values);
      var dataset = tf.data.tensorSliceDataset(List.of(slices), List.of(Shape.scalar()));
      var write =
          tf.data.datasetToTfRecord(
              dataset, tf.constant(file.toString()), tf.constant(compressionType));
      try (Session session = new Session(graph)) {
        session.run(write);
      }
    }
  }

  /**
   * Reads every record of {@code file} with TensorFlow's {@code TFRecordDataset} and returns them
   * in file order.
   *
   * <p>The V1 op is emitted by name because {@code tf.data.tfRecordDataset} emits {@code
   * TFRecordDatasetV2}, which TensorFlow 2.18 rejects at {@code MakeIterator} ("3 inputs
   * specified of 4 inputs").
   */
  static List<byte[]> readWithTensorFlow(Path file, String compressionType) {
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      Operation dataset =
          tf.scope()
              .opBuilder("TFRecordDataset", "TFRecordDataset")
              .addInput(tf.constant(file.toString()).asOutput())
              .addInput(tf.constant(compressionType).asOutput())
              .addInput(tf.constant(READ_BUFFER_BYTES).asOutput())
              .build();
      List<Class<? extends TType>> types = List.of(TString.class);
      List<Shape> shapes = List.of(Shape.scalar());
      Iterator iterator = tf.data.iterator("", "", types, shapes);
      var makeIterator = tf.data.makeIterator(dataset.<TType>output(0), iterator);
      IteratorGetNext next = tf.data.iteratorGetNext(iterator, types, shapes);

      List<byte[]> records = new ArrayList<>();
      try (Session session = new Session(graph)) {
        session.run(makeIterator);
        while (true) {
          try (Result result = session.runner().fetch(next.components().get(0)).run()) {
            records.add(((TString) result.get(0)).asBytes().getObject());
          } catch (TFOutOfRangeException endOfSequence) {
            // tf.data signals a clean end of the dataset as OUT_OF_RANGE from IteratorGetNext.
            return records;
          }
        }
      }
    }
  }
}
