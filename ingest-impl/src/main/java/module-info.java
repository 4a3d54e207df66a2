/**
 * The runtime of ingest: compiles a pipeline spec into Disruptor rings on off-heap memory. It
 * exports nothing: the world reaches it through the API's {@code PipelineRuntime} service, and
 * what the command line needs beside that (file arguments, Netty's JFR switch) lives in the
 * tfrecord module. The sub-packages of {@code dev.ingest.runtime} and what each may use are in
 * docs/engine.md, "Map of the runtime".
 */
module dev.ingest.impl {
  requires transitive dev.ingest.api;
  requires dev.ingest.tfrecord;
  requires com.lmax.disruptor;
  requires io.netty.buffer;
  requires io.netty.common;
  requires jdk.jfr;
  requires HdrHistogram;

  uses dev.ingest.spi.RowFileFormat;

  provides dev.ingest.spi.PipelineRuntime with dev.ingest.runtime.DisruptorRuntime;
}
