/**
 * Deadline propagation on the wire: relative timeout headers in gRPC grammar ({@code
 * x-request-timeout}, {@code grpc-timeout}), Envoy's {@code x-envoy-expected-rq-timeout-ms} and
 * Connect's {@code connect-timeout-ms}, read under a trust policy that caps what untrusted callers
 * may ask for, and re-stamped at every egress.
 *
 * <p>Only relative timeouts cross the wire, never absolute times: clocks of two machines disagree.
 */
package dev.stability.context.wire;
