package rdsmemcached.caching.control;

/** memcached did not answer in time or at all; the caller serves from the source instead. */
class CacheUnavailableException extends Exception {

  /** When it happened ({@link System#nanoTime()}): a node that answers after it is back. */
  final long failedAt = System.nanoTime();

  CacheUnavailableException(RuntimeException cause) {
    super(cause.toString(), cause, false, false);
  }
}
