/** Armeria hello-world server, a peer in the benchmark harness (benchmarks/peers.sh). */
package dev.stability.benchmarks.peers.armeria;
