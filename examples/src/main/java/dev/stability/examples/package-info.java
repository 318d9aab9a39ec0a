/** The runnable demo and the serve mode that show the library at work. */
package dev.stability.examples;
