package rdsmemcached.loads.boundary;

import jakarta.interceptor.InterceptorBinding;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A method that loads from the database: it runs only while it holds one of the {@code LOAD_SLOTS}
 * load slots, waiting at most {@code LOAD_WAIT_MS} for one, else it is shed with {@link
 * LoadsSaturatedException} (503 problem+json with {@code Retry-After}). Its interceptor runs inside
 * {@code @CacheAside}'s: a hit, or a request that joins another's load of the same key, never takes
 * a slot.
 */
@InterceptorBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface LoadSlot {}
