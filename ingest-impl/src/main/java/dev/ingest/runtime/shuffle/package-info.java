/**
 * tf.data's {@code shuffle(buffer_size)} over records ({@code RecordShuffleBuffer}), its exactly
 * uniform draws ({@code ShuffleRandom}) and one random stream per purpose ({@code Seeds}: file
 * order, record shuffle, global order), saved and restored with a checkpoint; and the order of an
 * epoch under a global shuffle ({@code GlobalOrder}, global or windowed), a keyed bijection over
 * record ids ({@code FeistelPermutation}) that is computed per position and never stored.
 *
 * <p><b>Threads:</b> the source thread ({@code ingest-source}) only.
 *
 * <p><b>May use:</b> nothing else in the runtime; a leaf.
 */
package dev.ingest.runtime.shuffle;
