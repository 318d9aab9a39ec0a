/**
 * Exception guards: every exception thrown while serving a request, on any thread, becomes exactly
 * one {@link dev.stability.guard.Incident} for that request and one RFC 9457 problem response.
 *
 * <p>Start with {@link dev.stability.guard.Guard}; configure it with {@link
 * dev.stability.guard.GuardConfig}; render client-facing errors with {@link
 * dev.stability.guard.ProblemDetails}.
 */
package dev.stability.guard;
