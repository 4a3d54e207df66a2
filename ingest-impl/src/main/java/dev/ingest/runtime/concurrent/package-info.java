/**
 * Waiting without locks: the spin, yield then park ladder ({@code Backoff}) and a single waiter's
 * park and wake-up ({@code Wakeup}).
 *
 * <p><b>Threads:</b> any; each instance is used by the threads its owner names (a {@code Wakeup}
 * by one sleeper and its wakers).
 *
 * <p><b>May use:</b> nothing else in the runtime; a leaf.
 */
package dev.ingest.runtime.concurrent;
