package dev.ingest.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The settings every benchmark here shares; JMH reads these annotations from the superclass.
 *
 * <p>Sized for a shared 2-core machine: one fork, a few one-second iterations (the loops are
 * simple, so the JIT settles within the warm-up), and the heap and direct memory pinned so that
 * a run does not resize them mid-measurement. Netty's leak detector samples buffers and would
 * add its own cost, so it is off here (tests run it at its strictest instead).
 *
 * <p>One operation is one full pass over a file or buffer; the bytes and records a pass handled
 * are reported per second through {@code @AuxCounters}, which is what the report reads.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {
      "-Xms1g",
      "-Xmx1g",
      "-XX:MaxDirectMemorySize=1g",
      "-Dio.netty.leakDetection.level=disabled"
    })
public abstract class BenchmarkDefaults {
  /** Bytes asked of the file per read, as the reader does by default. */
  static final int READ_CHUNK_BYTES = 256 * 1024;

  static final int MIB = 1024 * 1024;
}
