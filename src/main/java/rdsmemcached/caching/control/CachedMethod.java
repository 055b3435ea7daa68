package rdsmemcached.caching.control;

import jakarta.json.bind.Jsonb;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.IntStream;
import rdsmemcached.caching.boundary.CacheAside;
import rdsmemcached.caching.boundary.CacheInvalidate;
import rdsmemcached.caching.boundary.CacheKey;

/**
 * How one cached or invalidating method's entries are keyed and stored: JSON of the value, or the
 * JSON literal {@code null} for "no result" (an empty Optional or null), the negative entry.
 */
record CachedMethod(
    String namespace, String keyPrefix, int[] keyParameters, Type valueType, boolean optional) {

  static final String NEGATIVE = "null";

  static CachedMethod of(Method method) {
    String namespace;
    int version;
    CacheAside aside = annotation(method, CacheAside.class);
    if (aside != null) {
      namespace = aside.namespace();
      version = aside.version();
    } else {
      CacheInvalidate invalidate = annotation(method, CacheInvalidate.class);
      namespace = invalidate.namespace();
      version = invalidate.version();
    }
    if (namespace.isEmpty()) {
      namespace = method.getName().toLowerCase();
    }
    String prefix = CacheKeys.prefix(namespace, version);
    int[] keyParameters = keyParameters(method);
    Type returned = method.getGenericReturnType();
    if (returned instanceof ParameterizedType generic && generic.getRawType() == Optional.class) {
      return new CachedMethod(
          namespace, prefix, keyParameters, generic.getActualTypeArguments()[0], true);
    }
    return new CachedMethod(namespace, prefix, keyParameters, returned, false);
  }

  private static <A extends Annotation> A annotation(Method method, Class<A> type) {
    A onMethod = method.getAnnotation(type);
    return onMethod != null ? onMethod : method.getDeclaringClass().getAnnotation(type);
  }

  private static int[] keyParameters(Method method) {
    var annotations = method.getParameterAnnotations();
    int[] marked =
        IntStream.range(0, annotations.length)
            .filter(i -> Arrays.stream(annotations[i]).anyMatch(CacheKey.class::isInstance))
            .toArray();
    return marked.length > 0 ? marked : IntStream.range(0, annotations.length).toArray();
  }

  String key(Object[] arguments) {
    Object[] keyArguments = new Object[keyParameters.length];
    for (int i = 0; i < keyParameters.length; i++) {
      keyArguments[i] = arguments[keyParameters[i]];
    }
    return CacheKeys.of(keyPrefix, keyArguments);
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
