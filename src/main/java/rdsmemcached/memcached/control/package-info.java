/**
 * The memcached client and its health, apart from the cache-aside algorithm in {@code caching}: the
 * spymemcached client's producer ({@link rdsmemcached.memcached.control.MemcachedClientProducer})
 * and its DNS re-resolution ({@link rdsmemcached.memcached.control.ReResolvingClient}), the
 * per-node circuit breaker ({@link rdsmemcached.memcached.control.NodeBreakers}), and the measure
 * of how long this process was descheduled ({@link rdsmemcached.memcached.control.ProcessStalls})
 * that keeps a CPU-starved task from blaming a healthy node. {@code caching} uses it through {@code
 * CacheEntries}; health reports it through {@code CacheNodes}.
 */
package rdsmemcached.memcached.control;
