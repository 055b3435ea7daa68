package rdsmemcached.caching.control;

import jakarta.enterprise.context.RequestScoped;
import rdsmemcached.caching.control.CacheEntries.Found;

/**
 * What the fast lane ({@link FreshHits}) read from memcached for this request and could not answer
 * with, left to the slow lane ({@link CacheAsideInterceptor}), which continues from it instead of
 * asking memcached a second time: a slow node costs one timeout, not two, and an early refresh is
 * decided once.
 */
@RequestScoped
public class FastLaneHandOff {

  /** One read: the entry found (or null), and whether it is due for an early refresh. */
  record Prefetched(
      String key, Found found, boolean refreshDue, boolean unavailable, long failedAt) {}

  /** What was left, carried to a request context on another thread (the slow lane's). */
  public static final class Parcel {
    private final Prefetched read;
    private final boolean cached;

    private Parcel(Prefetched read, boolean cached) {
      this.read = read;
      this.cached = cached;
    }

    /**
     * Whether the key is likely cached: memcached held an entry (negative, or due for an early
     * refresh) or could not be read. Such a request is served before the misses: most likely it
     * needs no load at all.
     */
    public boolean cached() {
      return cached;
    }
  }

  private Prefetched left;

  /** Takes what was left out of this request context, to {@link #receive} it in another. */
  public Parcel handOver() {
    Prefetched read = left;
    left = null;
    boolean cached =
        read != null
            && (read.unavailable() || read.found() != null && !read.found().entry().isLease());
    return new Parcel(read, cached);
  }

  public void receive(Parcel parcel) {
    left = parcel.read;
  }

  void leave(Prefetched read) {
    left = read;
  }

  /** What was left for {@code key}, once; null when nothing was, or for another key. */
  Prefetched take(String key) {
    Prefetched read = left;
    if (read == null || !read.key().equals(key)) {
      return null;
    }
    left = null;
    return read;
  }
}
