package dev.ingest.bench;

import dev.ingest.tfrecord.sample.SampleKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.ConcreteFunction;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.exceptions.TFOutOfRangeException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.data.Iterator;
import org.tensorflow.op.data.IteratorGetNext;
import org.tensorflow.op.data.ParallelMapDataset;
import org.tensorflow.op.data.ParseExampleDataset;
import org.tensorflow.op.io.ParseExample;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.FunctionDefLibrary;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NameAttrList;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.OpDef;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;
import org.tensorflow.types.family.TType;

/**
 * The peer every end-to-end figure is compared with: TensorFlow's own C++ tf.data runtime, driven
 * from Java through raw ops, over the same shards ingest reads. The graph is what a Python user
 * writes for these files:
 *
 * <pre>
 *   files ─ interleave(TFRecordDataset, cycle 4, block 16, num_parallel_calls=P, deterministic)
 *         ─ repeat(epochs) ─ batch(B) ─ parse_example(num_parallel_calls=P) ─ prefetch(D)
 * </pre>
 *
 * Dense features (image, tabular) are parsed by {@code ParseExampleDataset}; text's ragged tokens
 * by a parallel map over {@code ParseExampleV2}, because {@code ParseExampleDataset} cannot hand
 * ragged outputs to Java (see TENSORFLOW-JAVA.md). {@code P} is the number of threads ingest is
 * given, so both get the same parallelism on the same cores.
 *
 * <h2>Assumptions and guarantees</h2>
 *
 * One thread calls {@link #next()} and {@link #close()}. Starting builds the graph and the
 * iterator (tf.data's threads start then); closing destroys the iterator, which can block for
 * seconds in TF 2.18 while its threads notice, so callers keep both out of timed code.
 */
final class TfDataPipeline implements AutoCloseable {
  /** tf.data's default read buffer for TFRecordDataset. */
  private static final long READ_BUFFER_BYTES = 256 * 1024;
  private static final long CYCLE_LENGTH = 4;
  private static final long BLOCK_LENGTH = 16;
  /** tf.data's AUTOTUNE, for the buffers Python leaves to it. */
  private static final long AUTOTUNE = -1;
  private static final String READ_FILE_FUNCTION = "ingest_bench_read_tfrecord";

  private final Graph graph;
  private final Session session;
  private final List<Output<? extends TType>> components;
  private final int rowsComponent;

  private TfDataPipeline(Graph graph, Session session, List<Output<? extends TType>> components,
      int rowsComponent) {
    this.graph = graph;
    this.session = session;
    this.components = components;
    this.rowsComponent = rowsComponent;
  }

  /**
   * Builds the graph and starts tf.data's iterator over {@code files}; the caller owns the result
   * and must close it.
   *
   * @param parallelism tf.data's {@code num_parallel_calls} for reading and for parsing
   * @param epochs passes over the files; -1 repeats forever
   */
  static TfDataPipeline start(List<Path> files, SampleKind kind, int batchSize, int prefetch,
      int parallelism, long epochs) {
    Graph graph = new Graph();
    try {
      Ops tf = Ops.create(graph);
      graph.importGraphDef(GraphDef.newBuilder()
          .setLibrary(FunctionDefLibrary.newBuilder().addFunction(readFileFunction()))
          .build());
      Operand<? extends TType> records = readInParallel(tf, files, parallelism);
      Operand<? extends TType> repeated = tf.data.repeatDataset(records, tf.constant(epochs),
          List.of(TString.class), List.of(Shape.scalar())).handle();
      Operand<? extends TType> batched = tf.data.batchDataset(repeated, tf.constant((long) batchSize),
          tf.constant(false), List.of(TString.class), List.of(Shape.of(Shape.UNKNOWN_SIZE))).handle();
      Parsed parsed = kind == SampleKind.TEXT
          ? parseRagged(tf, batched, parallelism)
          : parseDense(tf, kind, batched, parallelism);
      Operand<? extends TType> prefetched = tf.data.prefetchDataset(parsed.dataset(),
          tf.constant((long) prefetch), parsed.types(), parsed.shapes()).handle();

      Iterator iterator = tf.data.iterator("", "", parsed.types(), parsed.shapes());
      Operation makeIterator = tf.data.makeIterator(prefetched, iterator).op();
      IteratorGetNext next = tf.data.iteratorGetNext(iterator, parsed.types(), parsed.shapes());
      List<Output<? extends TType>> components = new ArrayList<>();
      next.components().forEach(component -> components.add(component.asOutput()));
      Session session = new Session(graph);
      try {
        session.runner().addTarget(makeIterator).run().close();
      } catch (RuntimeException e) {
        session.close();
        throw e;
      }
      return new TfDataPipeline(graph, session, components, parsed.labelComponent());
    } catch (RuntimeException e) {
      graph.close();
      throw e;
    }
  }

  /**
   * Checks that tf.data, set up as the benchmarks set it up but for one epoch, reads every record
   * of the shards: the same records ingest is timed on. Runs a pipeline to its end and closes it.
   *
   * @throws IllegalStateException if it read another number of records
   */
  static void checkReadsEveryRecord(SampleShards data, int batchSize, int prefetch,
      int parallelism) {
    long rows = 0;
    try (TfDataPipeline once =
        start(data.files(), data.sampleKind(), batchSize, prefetch, parallelism, 1)) {
      for (long batch = once.next(); batch >= 0; batch = once.next()) {
        rows += batch;
      }
    }
    if (rows != data.records()) {
      throw new IllegalStateException(
          "tf.data read " + rows + " records of " + data.files().size() + " shards holding "
              + data.records());
    }
  }

  /**
   * Takes the next batch from tf.data into this JVM (every component fetched, as a trainer would
   * feed them on) and returns its rows, or -1 after the last batch of a finite pipeline.
   */
  long next() {
    Session.Runner runner = session.runner();
    components.forEach(runner::fetch);
    try (Result result = runner.run()) {
      return result.get(rowsComponent).shape().get(0);
    } catch (TFOutOfRangeException endOfSequence) {
      // tf.data signals the end of a finite dataset as OUT_OF_RANGE from IteratorGetNext.
      return -1;
    }
  }

  @Override
  public void close() {
    try {
      session.close();
    } finally {
      graph.close();
    }
  }

  /**
   * Python's {@code TFRecordDataset(files, num_parallel_reads=P)} with ingest's interleave shape:
   * {@code ParallelInterleaveDatasetV4} over the file names, each read by {@link
   * #readFileFunction()}. The op is built by name because its function returns a dataset (a
   * variant), which a Java {@link ConcreteFunction} cannot.
   */
  private static Operand<? extends TType> readInParallel(Ops tf, List<Path> files, int parallelism) {
    String[] names = files.stream().map(Path::toString).toArray(String[]::new);
    Operand<? extends TType> fileNames = tf.data.tensorSliceDataset(
        List.of(tf.constant(Shape.of(names.length), DataBuffers.ofObjects(names))),
        List.of(Shape.scalar())).handle();
    Operation interleave = tf.scope().opBuilder("ParallelInterleaveDatasetV4", "read_files")
        .addInput(fileNames.asOutput())
        .addInputList(new Output<?>[0])
        .addInput(tf.constant(CYCLE_LENGTH).asOutput())
        .addInput(tf.constant(BLOCK_LENGTH).asOutput())
        .addInput(tf.constant(AUTOTUNE).asOutput())
        .addInput(tf.constant(AUTOTUNE).asOutput())
        .addInput(tf.constant((long) parallelism).asOutput())
        .setAttr("f", AttrValue.newBuilder()
            .setFunc(NameAttrList.newBuilder().setName(READ_FILE_FUNCTION)).build())
        .setAttr("deterministic", "true")
        .setAttr("Targuments", new DataType[0])
        .setAttr("output_types", new DataType[] {DataType.DT_STRING})
        .setAttr("output_shapes", new Shape[] {Shape.scalar()})
        .build();
    return interleave.output(0);
  }

  /** {@code filename -> TFRecordDataset(filename)} (the V1 op: V2 fails in TF 2.18), by hand. */
  static FunctionDef readFileFunction() {
    return FunctionDef.newBuilder()
        .setSignature(OpDef.newBuilder()
            .setName(READ_FILE_FUNCTION)
            .addInputArg(OpDef.ArgDef.newBuilder().setName("filename").setType(DataType.DT_STRING))
            .addOutputArg(OpDef.ArgDef.newBuilder().setName("records").setType(DataType.DT_VARIANT))
            .setIsStateful(true))
        .addNodeDef(constant("compression", TensorProto.newBuilder()
            .setDtype(DataType.DT_STRING)
            .setTensorShape(TensorShapeProto.getDefaultInstance())
            .addStringVal(com.google.protobuf.ByteString.EMPTY)))
        .addNodeDef(constant("buffer_size", TensorProto.newBuilder()
            .setDtype(DataType.DT_INT64)
            .setTensorShape(TensorShapeProto.getDefaultInstance())
            .addInt64Val(READ_BUFFER_BYTES)))
        .addNodeDef(NodeDef.newBuilder()
            .setName("reader")
            .setOp("TFRecordDataset")
            .addInput("filename")
            .addInput("compression:output:0")
            .addInput("buffer_size:output:0"))
        .putRet("records", "reader:handle:0")
        .build();
  }

  private static NodeDef constant(String name, TensorProto.Builder value) {
    return NodeDef.newBuilder()
        .setName(name)
        .setOp("Const")
        .putAttr("dtype", AttrValue.newBuilder().setType(value.getDtype()).build())
        .putAttr("value", AttrValue.newBuilder().setTensor(value).build())
        .build();
  }

  /** A parsed dataset with its components' types and shapes, and which one is the label. */
  private record Parsed(Operand<? extends TType> dataset, List<Class<? extends TType>> types,
      List<Shape> shapes, int labelComponent) {}

  /** {@code ParseExampleDataset} over batches: image bytes or tabular floats, and the label. */
  private static Parsed parseDense(Ops tf, SampleKind kind, Operand<? extends TType> batches,
      int parallelism) {
    boolean image = kind == SampleKind.IMAGE;
    Class<? extends TType> valueType = image ? TString.class : TFloat32.class;
    Shape valueShape = image ? Shape.scalar() : Shape.of(SampleKind.TABULAR_FEATURES);
    // Dense keys in sorted order, as TF's parser expects them.
    List<String> keys = image ? List.of("image", "label") : List.of("features", "label");
    List<Class<? extends TType>> types = List.of(valueType, TInt64.class);
    List<Shape> exampleShapes = List.of(valueShape, Shape.scalar());
    List<Shape> batchShapes = exampleShapes.stream()
        .map(shape -> shape.prepend(Shape.UNKNOWN_SIZE)).toList();
    // Empty defaults: both features are required in every record.
    List<Operand<?>> defaults = List.of(
        image ? tf.constant(Shape.of(0), DataBuffers.ofObjects(new String[0]))
            : tf.constant(Shape.of(0), DataBuffers.of(new float[0], true, false)),
        tf.constant(Shape.of(0), DataBuffers.of(new long[0], true, false)));
    ParseExampleDataset parsed = tf.data.parseExampleDataset(batches,
        tf.constant((long) parallelism), defaults, List.of(), keys, List.of(), exampleShapes,
        types, batchShapes, List.of(), List.of(), ParseExampleDataset.deterministic("true"));
    return new Parsed(parsed.handle(), types, batchShapes, 1);
  }

  /**
   * A parallel map of {@code ParseExampleV2} over batches: the tokens as ragged values and row
   * splits, and the label.
   */
  private static Parsed parseRagged(Ops tf, Operand<? extends TType> batches, int parallelism) {
    ConcreteFunction parse = ConcreteFunction.create(fn -> {
      Placeholder<TString> serialized = fn.placeholder(TString.class);
      ParseExample example = fn.io.parseExample(serialized,
          fn.constant(Shape.of(0), DataBuffers.ofObjects(new String[0])),
          fn.constant(Shape.of(0), DataBuffers.ofObjects(new String[0])),
          fn.constant(Shape.of(1), DataBuffers.ofObjects(new String[] {"label"})),
          fn.constant(Shape.of(1), DataBuffers.ofObjects(new String[] {"tokens"})),
          List.of(fn.constant(Shape.of(0), DataBuffers.of(new long[0], true, false))),
          0L, List.of(), List.of(TInt64.class), List.of(TInt64.class), List.of(Shape.scalar()));
      return Signature.builder()
          .input("serialized", serialized)
          .output("label", example.denseValues().get(0))
          .output("tokens", example.raggedValues().get(0))
          .output("token_splits", example.raggedRowSplits().get(0))
          .build();
    });
    List<Class<? extends TType>> types = List.of(TInt64.class, TInt64.class, TInt64.class);
    List<Shape> shapes = List.of(Shape.of(Shape.UNKNOWN_SIZE), Shape.of(Shape.UNKNOWN_SIZE),
        Shape.of(Shape.UNKNOWN_SIZE));
    ParallelMapDataset parsed = tf.data.parallelMapDataset(batches, List.of(),
        tf.constant((long) parallelism), parse, types, shapes,
        ParallelMapDataset.deterministic("true"));
    return new Parsed(parsed.handle(), types, shapes, 0);
  }
}
