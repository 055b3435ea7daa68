package rdsmemcached.memcached.control;

import java.lang.System.Logger.Level;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import net.spy.memcached.MemcachedClientIF;

/**
 * A memcached client that follows DNS: node names are resolved again now and then, and when an
 * address changed (ElastiCache replaced a node) a new client is built and the old one shut down.
 * spymemcached resolves names once and would reconnect to the old address forever.
 */
final class ReResolvingClient implements InvocationHandler {

  static final System.Logger LOG = System.getLogger(ReResolvingClient.class.getName());

  private final Supplier<List<InetSocketAddress>> resolve;
  private final Function<List<InetSocketAddress>, MemcachedClientIF> build;
  private volatile List<InetSocketAddress> addresses;
  private volatile MemcachedClientIF current;

  ReResolvingClient(
      Supplier<List<InetSocketAddress>> resolve,
      Function<List<InetSocketAddress>, MemcachedClientIF> build) {
    this.resolve = resolve;
    this.build = build;
    this.addresses = resolve.get();
    this.current = build.apply(addresses);
  }

  MemcachedClientIF proxy() {
    return (MemcachedClientIF)
        Proxy.newProxyInstance(
            MemcachedClientIF.class.getClassLoader(),
            new Class<?>[] {MemcachedClientIF.class},
            this);
  }

  MemcachedClientIF current() {
    return current;
  }

  /** Resolves the names again; rebuilds the client when an address changed (then true). */
  synchronized boolean refresh() {
    List<InetSocketAddress> now;
    try {
      now = resolve.get();
    } catch (RuntimeException unresolvable) {
      LOG.log(
          Level.WARNING, "memcached node names not resolvable now: {0}", unresolvable.toString());
      return false;
    }
    if (now.stream().anyMatch(InetSocketAddress::isUnresolved) || sameAddresses(now, addresses)) {
      return false;
    }
    LOG.log(
        Level.WARNING, "memcached node addresses changed {0} -> {1}; reconnecting", addresses, now);
    MemcachedClientIF old = current;
    current = build.apply(now);
    addresses = now;
    old.shutdown(1, TimeUnit.SECONDS);
    return true;
  }

  private static boolean sameAddresses(List<InetSocketAddress> a, List<InetSocketAddress> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (a.get(i).getPort() != b.get(i).getPort()
          || !Objects.equals(a.get(i).getAddress(), b.get(i).getAddress())) {
        return false;
      }
    }
    return true;
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] arguments) throws Throwable {
    try {
      return method.invoke(current, arguments);
    } catch (InvocationTargetException failure) {
      throw failure.getCause();
    }
  }
}
