/**
 * The runtime's entry and wiring: {@code DisruptorRuntime} (the {@code PipelineRuntime} service)
 * resolves a spec's files and starts a {@code RunningPipeline}, which wires the rings and the
 * stages ({@code PipelineSizes} sizes them), starts the stages' threads and the tuner, and is the
 * consumer's {@code BatchIterator}; {@code PipelineMeter} holds the stages' clocks and makes the
 * metrics of them, and two {@code BatchPosition}s say where the ready and the handed batch lie.
 *
 * <p><b>Threads:</b> the caller's thread builds a pipeline; the consumer's thread (whoever calls
 * {@code next()}) runs {@code RunningPipeline.next} and {@code ConsumerCursor}; {@code close()}
 * may come from any thread.
 *
 * <p><b>May use:</b> every sub-package; nothing below imports this package (the cycle check in
 * {@code PackageCyclesTest} holds the whole map of docs/engine.md, "Map of the runtime").
 */
package dev.ingest.runtime;
