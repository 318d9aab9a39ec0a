package dev.stability.config;

/** What {@link ReloadableConfig} did with one offered update. */
public enum UpdateOutcome {
  /** The update passed validation and is now current. */
  APPLIED,
  /** The update equals the current value: nothing changed, listeners were not called. */
  UNCHANGED,
  /** The update failed parsing or validation; the last good value stays in force. */
  REJECTED
}
