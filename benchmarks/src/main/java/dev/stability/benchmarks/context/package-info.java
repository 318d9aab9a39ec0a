/**
 * Request context benchmarks against grpc-java's {@code io.grpc.Context}, measured in the same run.
 */
package dev.stability.benchmarks.context;
