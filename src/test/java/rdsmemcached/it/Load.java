package rdsmemcached.it;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A bounded load on loopback: {@code users} threads, each sending GETs one after another over the
 * given paths, for at most {@code duration} and {@code maxRequests} requests in all.
 */
final class Load {

  /** One request: what it got, how long it took, and when it was sent (ms into the phase). */
  record Sample(String path, int status, String xCache, long millis, long sentAt) {}

  record Report(String phase, List<Sample> samples, Duration took) {

    Map<Integer, Long> statuses() {
      var counts = new TreeMap<Integer, Long>();
      samples.forEach(s -> counts.merge(s.status(), 1L, Long::sum));
      return counts;
    }

    Map<String, Long> outcomes() {
      var counts = new TreeMap<String, Long>();
      samples.forEach(s -> counts.merge(s.xCache(), 1L, Long::sum));
      return counts;
    }

    long serverErrors() {
      return samples.stream().filter(s -> s.status() >= 500).count();
    }

    long percentile(double p) {
      long[] millis = samples.stream().mapToLong(Sample::millis).sorted().toArray();
      if (millis.length == 0) {
        return 0;
      }
      return millis[(int) Math.min(millis.length - 1, Math.ceil(p / 100 * millis.length) - 1)];
    }

    double hitRatio() {
      return samples.isEmpty() ? 0 : (double) outcomes().getOrDefault("HIT", 0L) / samples.size();
    }

    /** The slowest requests: {@code <ms>@<sent at, s into the phase> <X-Cache>}. */
    String slowest(int n) {
      return samples.stream()
          .sorted(java.util.Comparator.comparingLong(Sample::millis).reversed())
          .limit(n)
          .map(s -> String.format("%d@%.1fs %s", s.millis(), s.sentAt() / 1000.0, s.xCache()))
          .collect(java.util.stream.Collectors.joining(", "));
    }

    String line() {
      return String.format(
          "%-34s %6d req %7.0f req/s  p50 %5d ms  p99 %5d ms  max %5d ms  status %s  X-Cache %s",
          phase,
          samples.size(),
          samples.size() / Math.max(0.001, took.toMillis() / 1000.0),
          percentile(50),
          percentile(99),
          percentile(100),
          statuses(),
          outcomes());
    }
  }

  private Load() {}

  static Report run(String phase, List<String> paths, int users, Duration duration, int maxRequests)
      throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(users);
    long start = System.nanoTime();
    long deadline = start + duration.toNanos();
    int perUser = Math.max(1, maxRequests / users);
    try {
      List<Future<List<Sample>>> work = new ArrayList<>();
      for (int u = 0; u < users; u++) {
        int offset = u;
        work.add(
            threads.submit(
                () -> {
                  List<Sample> mine = new ArrayList<>();
                  for (int i = 0; i < perUser && System.nanoTime() < deadline; i++) {
                    String path = paths.get((offset + i * users) % paths.size());
                    URI uri = Stack.uri(path);
                    long sent = System.nanoTime();
                    HttpResponse<String> response;
                    try {
                      response =
                          Stack.HTTP.send(
                              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(15)).build(),
                              HttpResponse.BodyHandlers.ofString());
                    } catch (java.io.IOException failed) {
                      mine.add(
                          new Sample(
                              path,
                              599,
                              "none",
                              (System.nanoTime() - sent) / 1_000_000,
                              (sent - start) / 1_000_000));
                      continue;
                    }
                    mine.add(
                        new Sample(
                            path,
                            response.statusCode(),
                            Stack.xCache(response),
                            (System.nanoTime() - sent) / 1_000_000,
                            (sent - start) / 1_000_000));
                  }
                  return mine;
                }));
      }
      List<Sample> all = new ArrayList<>();
      for (var future : work) {
        all.addAll(future.get());
      }
      var report = new Report(phase, all, Duration.ofNanos(System.nanoTime() - start));
      System.out.println("[fault-suite] " + report.line());
      return report;
    } finally {
      threads.shutdownNow();
    }
  }

  static List<String> paths(String prefix, long... ids) {
    return Arrays.stream(ids).mapToObj(id -> prefix + id).toList();
  }
}
