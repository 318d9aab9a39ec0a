/**
 * Slow requests: a threshold on a request's elapsed time, and what happens over it (a JFR event, a
 * rate-limited log line with the timeline, a listener).
 */
package dev.stability.timeline.slow;
