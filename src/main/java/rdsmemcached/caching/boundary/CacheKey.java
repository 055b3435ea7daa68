package rdsmemcached.caching.boundary;

import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import java.lang.annotation.Retention;
import java.lang.annotation.Target;

/**
 * Marks the parameters that form the cache key, in order; without it every parameter does. Lets
 * {@code update(@CacheKey long id, String value)} name the same entry as {@code find(long id)}.
 */
@Retention(RUNTIME)
@Target(PARAMETER)
public @interface CacheKey {}
