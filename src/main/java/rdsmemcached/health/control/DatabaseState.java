package rdsmemcached.health.control;

/**
 * What the latest probe found out about the database, and since when that holds. Immutable: each
 * probe replaces it, so readers never see half an update.
 *
 * @param status what the latest probe found
 * @param sinceMillis epoch milliseconds of the first probe that found this status
 * @param checkedMillis epoch milliseconds of the latest probe
 * @param error why the latest probe failed (an exception's class name, never its message), or null
 */
public record DatabaseState(Status status, long sinceMillis, long checkedMillis, String error) {

  public enum Status {
    UNKNOWN,
    REACHABLE,
    UNREACHABLE
  }

  static DatabaseState unknown(long now) {
    return new DatabaseState(Status.UNKNOWN, now, now, null);
  }

  /** The state after a probe at {@code now} that failed with {@code error}, or answered (null). */
  DatabaseState after(String error, long now) {
    Status next = error == null ? Status.REACHABLE : Status.UNREACHABLE;
    return new DatabaseState(next, next == status ? sinceMillis : now, now, error);
  }

  public boolean reachable() {
    return status == Status.REACHABLE;
  }
}
