/** Test support: seeded random cases for property-style tests. */
package dev.stability.testing;
