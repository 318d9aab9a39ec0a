/**
 * Implementation details of the guard and chain packages (JSON escaping, log storm control). Everything here may
 * change without notice; do not use it from outside stability.
 */
package dev.stability.internal;
