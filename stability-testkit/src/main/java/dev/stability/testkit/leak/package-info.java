/** JUnit 5 extensions that fail a test which leaks buffers, threads or timers. */
package dev.stability.testkit.leak;
