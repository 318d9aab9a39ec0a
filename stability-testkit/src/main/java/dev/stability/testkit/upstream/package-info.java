/**
 * A real, scriptable, fault-injecting HTTP/1.1 upstream on loopback, usable as a JUnit 5 extension.
 */
package dev.stability.testkit.upstream;
