/**
 * A probe that drives HTTP requests through an {@code EmbeddedChannel} and checks the answers'
 * integrity.
 */
package dev.stability.testkit.pipeline;
