package dev.stability.examples.demo;

/** How the inventory service behaves in a phase of the scenario. */
enum InventoryMode {
  /** Answers at once. */
  NORMAL,
  /**
   * Answers after a query that takes the configured slow delay: slow, but within every deadline.
   */
  SLOW,
  /** Runs a query that would take a minute: the request's deadline cancels it (stability-jdbc). */
  HANG
}
