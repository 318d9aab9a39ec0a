/**
 * Implementation details of the context package. Everything here may change without notice; do not use it
 * from outside stability.
 */
package dev.stability.context.internal;
