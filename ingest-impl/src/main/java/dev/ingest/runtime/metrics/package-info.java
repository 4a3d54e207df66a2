/**
 * What a run measures and reports: the stages' names ({@code Stage}), busy and wait time per stage
 * ({@code StageClock}; a fused map's or filter's, one per parse worker, {@code
 * FusedTransformClocks}), latency histograms ({@code StageLatency}), the bottleneck and its hint
 * ({@code Bottleneck}), and the JDK Flight Recorder events ({@code StageWaitEvent}, {@code
 * StageWorkEvent}, {@code TunerDecisionEvent}, created only once JFR is on: {@code
 * FlightEvents}).
 *
 * <p><b>Threads:</b> each clock has one writer, its stage's thread, and is read by the consumer
 * and the tuner; events are committed on the thread that waited or worked.
 *
 * <p><b>May use:</b> nothing else in the runtime; a leaf every other package may use.
 */
package dev.ingest.runtime.metrics;
