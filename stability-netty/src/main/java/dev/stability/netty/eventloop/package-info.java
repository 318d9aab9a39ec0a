/**
 * Keeps event loops honest: {@link dev.stability.netty.eventloop.EventLoopWatchdog} notices a loop
 * that has not come back for longer than a threshold (a handler doing blocking work) and names the
 * handler; {@link dev.stability.netty.eventloop.BlockingOffload} runs blocking work off the loop
 * with the request's context.
 */
package dev.stability.netty.eventloop;
