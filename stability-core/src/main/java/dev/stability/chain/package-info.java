/**
 * Chain integrity: a framework-neutral model of a request passing through named stages, which
 * detects stages that swallow a request, answer twice, write after the end or forward twice, names
 * the offender, and repairs what it can; plus per-stage statistics rendered as JSON, Markdown or
 * Mermaid, and a per-request {@link dev.stability.timeline.PhaseTimeline}.
 *
 * <p>Start with {@link dev.stability.chain.ChainTracker}; an adapter (the Netty module, the
 * testkit) creates an {@link dev.stability.chain.TrackedRequest} per request and reports what each
 * stage did.
 */
package dev.stability.chain;
