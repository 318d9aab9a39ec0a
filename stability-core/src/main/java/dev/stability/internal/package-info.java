/**
 * Helpers stability's own modules share (JSON escaping, log text quoting, log storm control,
 * bounded metric tags). Everything here may change without notice; do not use it from outside
 * stability.
 */
package dev.stability.internal;
