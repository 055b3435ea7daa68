package rdsmemcached.caching.control;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The loads running in this JVM, one per key ({@link SingleFlight}): regular loads under the key,
 * loads of requests that could not reach memcached under {@link #bypassKey}. One per application,
 * shared by every instance of the interceptors.
 */
@ApplicationScoped
public class LoadFlights extends SingleFlight<CacheAsideInterceptor.Loaded> {

  static final String BYPASS_SUFFIX = "#bypass";

  static String bypassKey(String key) {
    return key + BYPASS_SUFFIX;
  }

  /** After a write: no request that starts now joins a load of the key that began before it. */
  void forgetBoth(String key) {
    forget(key);
    forget(bypassKey(key));
  }
}
