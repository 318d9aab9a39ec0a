/**
 * The phase timeline of one request: when it was accepted, read, handled, and when each downstream
 * call went through its phases; recorded by the server, the client and the database adapter, read
 * by the guard and the chain tracker when they explain a deadline.
 */
package dev.stability.timeline;
