/**
 * Implementation details of the testkit; everything here may change without notice, do not use it
 * directly.
 */
package dev.stability.testkit.internal;
