package rdsmemcached.memcached.control;

/** memcached did not answer in time or at all; the caller serves from the source instead. */
public class CacheUnavailableException extends Exception {

  /** When it happened ({@link System#nanoTime()}): a node that answers after it is back. */
  public final long failedAt = System.nanoTime();

  public CacheUnavailableException(RuntimeException cause) {
    super(cause.toString(), cause, false, false);
  }
}
