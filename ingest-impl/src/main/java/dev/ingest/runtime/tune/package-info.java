/**
 * Autotune: the policy ({@code AutoTuner}, pure, fed {@code TuningWindow}s built from {@code
 * PipelineSample}s), the thread that applies it ({@code TuningLoop}) and the settings it changes
 * while the pipeline runs ({@code TunedSettings}: active parse workers, prefetch depth).
 *
 * <p><b>Threads:</b> {@code ingest-tune} writes the settings; the source and parse threads read
 * them at unit boundaries.
 *
 * <p><b>May use:</b> metrics (stage names, the decision event). <b>Not</b> stage: the tuner knows
 * stages by {@code metrics.Stage}, not by the classes that run them.
 */
package dev.ingest.runtime.tune;
