/**
 * Timeout alignment: a model of the layers a request crosses (server, handler budget, downstream
 * clients) and assertions that every inner timeout fires before the outer one that waits for it.
 */
package dev.stability.testkit.alignment;
