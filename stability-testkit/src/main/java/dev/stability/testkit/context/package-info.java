/**
 * Assertions about request contexts: what a task ran with, and that nothing stays attached after a
 * test.
 */
package dev.stability.testkit.context;
