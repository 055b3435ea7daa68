package rdsmemcached.caching.boundary;

import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import jakarta.enterprise.util.Nonbinding;
import jakarta.interceptor.InterceptorBinding;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

/**
 * Serves the method's result from memcached, loading it with the method on a miss (cache-aside).
 *
 * <p>The key is {@code namespace:v<version>:<arguments>}; arguments must be integers or short
 * {@code [A-Za-z0-9_.-]} strings, so nothing a client sends reaches the memcached wire unchecked.
 * An {@code Optional.empty()} or {@code null} result is remembered for the negative TTL, so a
 * missing row does not re-run the query on every request. When memcached is down or slow the method
 * is called directly ({@link CacheOutcome#BYPASS}) — the cache never fails a request.
 *
 * <p>Results are stored as JSON (JSON-B), so the return type must round-trip through JSON-B. Bump
 * {@link #version()} when the stored shape changes: old entries are then simply not read.
 */
@InterceptorBinding
@Retention(RUNTIME)
@Target({METHOD, TYPE})
public @interface CacheAside {

  /** Lower-case name of what is cached, e.g. {@code customer}. */
  @Nonbinding
  String namespace() default "";

  /** Version of the stored representation. */
  @Nonbinding
  int version() default 1;
}
