/**
 * The code shown in {@code docs/getting-started.md}, kept here so that it compiles and is tested.
 */
package dev.stability.examples.snippets;
