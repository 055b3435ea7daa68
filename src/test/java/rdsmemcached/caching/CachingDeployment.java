package rdsmemcached.caching;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import net.spy.memcached.MemcachedClientIF;
import org.jboss.shrinkwrap.api.ArchivePath;
import org.jboss.shrinkwrap.api.Filter;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.importer.ExplodedImporter;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import rdsmemcached.GetWithoutRequestBody;
import rdsmemcached.caching.boundary.CacheAside;
import rdsmemcached.it.Stack;
import rdsmemcached.lifecycle.control.ShuttingDown;

/**
 * The micro-deployment of the in-container tests: the caching machinery as the application builds
 * it (rdsmemcached.caching and the memcached client, from target/classes), spymemcached, the test's
 * own {@link Quotes} bean and the test classes, configured by the application's own defaults with
 * the test's settings over them.
 */
final class CachingDeployment {

  /**
   * Above environment variables (300): the Payara Micro Arquillian starts inherits the build's
   * environment, and the test's settings must win over it.
   */
  static final int CONFIG_ORDINAL = 400;

  private static final String CONFIG = "META-INF/microprofile-config.properties";

  private CachingDeployment() {}

  /** The deployment, with {@code settings} (e.g. CACHE_HOSTS) over the application's defaults. */
  static WebArchive of(Class<?> test, Map<String, String> settings) {
    Path classes = mainClasses();
    JavaArchive machinery =
        ShrinkWrap.create(JavaArchive.class)
            .as(ExplodedImporter.class)
            .importDirectory(classes.toFile(), machineryOnly())
            .as(JavaArchive.class);
    return ShrinkWrap.create(WebArchive.class, test.getSimpleName() + ".war")
        .merge(machinery, "/WEB-INF/classes")
        .addClasses(test, Quotes.class, Quotes.Quote.class, Quotes.Hold.class, Herd.class)
        .addClasses(Stack.class, Stack.Required.class)
        .addClass(GetWithoutRequestBody.class) // named by the defaults' mp.openapi.filter
        .addAsLibrary(loadedFrom(MemcachedClientIF.class).toFile())
        .addAsResource(new StringAsset(config(classes, settings)), CONFIG);
  }

  /** What rdsmemcached.caching needs, and nothing of the customers or the HTTP layer. */
  private static Filter<ArchivePath> machineryOnly() {
    String shuttingDown = "/" + ShuttingDown.class.getName().replace('.', '/') + ".class";
    return path -> {
      String name = path.get();
      return name.equals("/rdsmemcached")
          || name.startsWith("/rdsmemcached/caching")
          || name.startsWith("/rdsmemcached/memcached")
          || name.equals("/rdsmemcached/lifecycle")
          || name.equals("/rdsmemcached/lifecycle/control")
          || name.equals(shuttingDown);
    };
  }

  /** The application's defaults, then the test's settings, all at {@link #CONFIG_ORDINAL}. */
  private static String config(Path classes, Map<String, String> settings) {
    try {
      return Files.readString(classes.resolve(CONFIG))
          + "\n# the test's settings\nconfig_ordinal="
          + CONFIG_ORDINAL
          + "\n"
          + settings.entrySet().stream()
              .map(setting -> setting.getKey() + "=" + setting.getValue() + "\n")
              .collect(Collectors.joining());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** target/classes, where the application's classes are compiled to. */
  private static Path mainClasses() {
    return loadedFrom(CacheAside.class);
  }

  /** The directory or jar a class was loaded from. */
  private static Path loadedFrom(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
