/**
 * Testing support: JUnit 5 extensions, a fake ticker, timeout-alignment assertions and a
 * fault-injecting upstream.
 */
package dev.stability.testkit;
