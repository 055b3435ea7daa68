package rdsmemcached.customers.control;

import jakarta.ejb.ApplicationException;

/** The database could not answer (down, unreachable, pool exhausted, query timed out). */
@ApplicationException(rollback = true)
public class StoreUnavailableException extends RuntimeException {

  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
