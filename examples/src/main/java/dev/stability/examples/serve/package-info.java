/**
 * The {@code serve} command: one guarded server with fault endpoints, metrics and the chain report.
 */
package dev.stability.examples.serve;
