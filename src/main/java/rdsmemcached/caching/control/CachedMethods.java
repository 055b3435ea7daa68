package rdsmemcached.caching.control;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The cached and invalidating methods, each described once ({@link CachedMethod}), and the JSON
 * binding their entries are written with: shared by the interceptors and the fast lane.
 */
@ApplicationScoped
public class CachedMethods {

  private final Map<Method, CachedMethod> described = new ConcurrentHashMap<>();
  private final Jsonb json = JsonbBuilder.create();

  CachedMethod describe(Method method) {
    return described.computeIfAbsent(method, CachedMethod::of);
  }

  String encode(CachedMethod method, Object result) {
    return method.encode(json, result);
  }

  Object decode(CachedMethod method, String stored) {
    return method.decode(json, stored);
  }

  @PreDestroy
  void close() {
    try {
      json.close();
    } catch (Exception ignored) {
      // nothing held that outlives the application
    }
  }
}
