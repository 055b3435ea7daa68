package rdsmemcached.caching.boundary;

import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import jakarta.enterprise.util.Nonbinding;
import jakarta.interceptor.InterceptorBinding;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

/**
 * Deletes the {@link CacheAside} entry named by the method's {@link CacheKey} arguments once the
 * method has succeeded — after the transaction commits when one is active, so no reader can load
 * the old row after the delete and no loader that read it before can store it (see CacheEntries).
 * Put it on writes, or on an empty method to offer plain eviction.
 */
@InterceptorBinding
@Retention(RUNTIME)
@Target({METHOD, TYPE})
public @interface CacheInvalidate {

  /** The namespace of the {@link CacheAside} method whose entry this removes. */
  @Nonbinding
  String namespace() default "";

  /** Its version. */
  @Nonbinding
  int version() default 1;
}
