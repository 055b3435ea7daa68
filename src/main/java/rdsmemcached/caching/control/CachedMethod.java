package rdsmemcached.caching.control;

import jakarta.json.bind.Jsonb;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Optional;
import rdsmemcached.caching.boundary.CacheAside;

/**
 * How one {@link CacheAside} method's results are keyed and stored: JSON of the value, or the JSON
 * literal {@code null} for "no result" (an empty Optional or null), the negative entry.
 */
record CachedMethod(String keyPrefix, Type valueType, boolean optional) {

  static final String NEGATIVE = "null";

  static CachedMethod of(Method method) {
    CacheAside spec = method.getAnnotation(CacheAside.class);
    if (spec == null) {
      spec = method.getDeclaringClass().getAnnotation(CacheAside.class);
    }
    String namespace =
        spec.namespace().isEmpty() ? method.getName().toLowerCase() : spec.namespace();
    String prefix = CacheKeys.prefix(namespace, spec.version());
    Type returned = method.getGenericReturnType();
    if (returned instanceof ParameterizedType generic && generic.getRawType() == Optional.class) {
      return new CachedMethod(prefix, generic.getActualTypeArguments()[0], true);
    }
    return new CachedMethod(prefix, returned, false);
  }

  boolean isNegative(Object result) {
    return result == null || (optional && ((Optional<?>) result).isEmpty());
  }

  String encode(Jsonb json, Object result) {
    if (isNegative(result)) {
      return NEGATIVE;
    }
    return json.toJson(optional ? ((Optional<?>) result).get() : result);
  }

  Object decode(Jsonb json, String stored) {
    Object value = NEGATIVE.equals(stored) ? null : json.fromJson(stored, valueType);
    return optional ? Optional.ofNullable(value) : value;
  }
}
