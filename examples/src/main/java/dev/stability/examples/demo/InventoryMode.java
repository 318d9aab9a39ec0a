package dev.stability.examples.demo;

/** How the inventory service behaves in a phase of the scenario. */
enum InventoryMode {
  /** Answers at once. */
  NORMAL,
  /** Answers after the configured slow delay: slow, but within every deadline. */
  SLOW,
  /** Never answers: only deadlines end these requests. */
  HANG
}
