/** The runtime of ingest: compiles a pipeline spec into Disruptor rings on off-heap memory. */
module dev.ingest.impl {
  requires transitive dev.ingest.api;
  requires dev.ingest.tfrecord;
  requires com.lmax.disruptor;
  requires io.netty.buffer;
  requires io.netty.common;
  requires jdk.jfr;
  requires HdrHistogram;

  // Exported for the CLI (RecordFiles); the runtime's internals are to stay unexported.
  exports dev.ingest.runtime;

  provides dev.ingest.spi.PipelineRuntime with dev.ingest.runtime.DisruptorRuntime;
}
