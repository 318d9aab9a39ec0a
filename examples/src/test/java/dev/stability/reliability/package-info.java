/**
 * The reliability suite: soak with faults, slowloris, malformed input and upstream loss against a
 * real guarded server on loopback. CI-sized by default; {@code -Dreliability.long=true} runs the
 * long versions.
 */
package dev.stability.reliability;
