/**
 * Carries a request's deadline and cancellation into JDBC: bounded connection acquisition,
 * cancelled statements.
 */
package dev.stability.jdbc;
