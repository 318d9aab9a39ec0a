/**
 * Request contexts: a request id, a deadline that nesting can only shorten, a cancellation tree
 * with causes, typed values, and propagation across threads and executors.
 *
 * <p>Start with {@link dev.stability.context.RequestContext}; wrap executors with {@link
 * dev.stability.context.ContextExecutors}; enable {@link dev.stability.context.StrictDeadlines} to
 * reject work that has no deadline.
 */
package dev.stability.context;
