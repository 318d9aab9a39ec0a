/**
 * The plumbing shared by the demo and serve mode: a small routed service on the guarded server,
 * per-service statistics, a log tap and table printing. Internal to the examples: it may change
 * without notice.
 */
package dev.stability.examples.internal;
