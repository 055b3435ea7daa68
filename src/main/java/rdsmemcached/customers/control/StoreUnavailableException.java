package rdsmemcached.customers.control;

/** The database could not answer (down, unreachable, pool exhausted, query timed out). */
public class StoreUnavailableException extends RuntimeException {

  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
