package rdsmemcached;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every setting has one default, written once: the application's in {@code
 * microprofile-config.properties}, Payara's (read before the application starts) in {@code
 * server-config/defaults.env} — never in a {@code defaultValue} beside the injection point, where
 * the two copies drifted before ({@code CACHE_DNS_REFRESH_SECONDS}: 50 in code, 30 in the file).
 * The README's table must show that same value.
 */
class SettingsTest {

  static final Path SOURCES = Path.of("src/main/java");
  static final Path APPLICATION_DEFAULTS =
      Path.of("src/main/resources/META-INF/microprofile-config.properties");
  static final Path SERVER_DEFAULTS = Path.of("server-config/defaults.env");
  static final Path README = Path.of("README.md");
  static final Path MIGRATIONS = Path.of("src/main/java/rdsmemcached/migration/Migrations.java");
  static final Pattern MIGRATION_SETTING = Pattern.compile("setting\\(\"([A-Z0-9_]+)\"\\)");
  // passwords have no default: they come from the environment (locally bin/services makes them)
  static final Set<String> PASSWORDS = Set.of("DB_PASS", "DB_MIGRATION_PASS");
  // MicroProfile's own keys (mp.openapi.filter): fixed by the application, not a user's setting
  static final String PLATFORM_PREFIX = "mp.";

  static final Pattern INJECTION =
      Pattern.compile("@ConfigProperty\\(([^)]*)\\)\\s*(?:[\\w.]+\\s+)*?([\\w<>.]+)\\s+\\w+;");
  static final Pattern NAME = Pattern.compile("name\\s*=\\s*\"([A-Z0-9_]+)\"");

  record Injection(Path file, String name, String arguments, String type) {}

  @Test
  void noDefaultBesideAnInjectionPoint() throws IOException {
    List<String> withDefault = new ArrayList<>();
    for (Injection injection : injections()) {
      if (injection.arguments().contains("defaultValue")) {
        withDefault.add(injection.name() + " in " + injection.file());
      }
    }
    assertEquals(List.of(), withDefault, "defaults belong in " + APPLICATION_DEFAULTS);
  }

  @Test
  void everySettingReadHasOneDefaultUnlessOptional() throws IOException {
    Map<String, String> application = defaults(APPLICATION_DEFAULTS);
    Map<String, String> server = defaults(SERVER_DEFAULTS);
    Set<String> both = new TreeSet<>(application.keySet());
    both.retainAll(server.keySet());
    assertEquals(Set.of(), both, "set in both default files");

    List<String> problems = new ArrayList<>();
    for (Injection injection : injections()) {
      boolean hasDefault =
          application.containsKey(injection.name()) || server.containsKey(injection.name());
      // an Optional may be set empty to turn it off (CACHE_HOST2= for a single node)
      if (!hasDefault && !injection.type().startsWith("Optional")) {
        problems.add(injection.name() + " has no default (" + injection.file() + ")");
      }
    }
    assertEquals(List.of(), problems);
  }

  @Test
  void theReadmeTableShowsEachDefault() throws IOException {
    Map<String, String> table = readmeTable();
    Map<String, String> expected = new TreeMap<>(defaults(APPLICATION_DEFAULTS));
    expected.putAll(defaults(SERVER_DEFAULTS));
    expected.keySet().removeIf(name -> name.startsWith(PLATFORM_PREFIX));
    List<String> problems = new ArrayList<>();
    expected.forEach(
        (name, value) -> {
          String shown = table.get(name);
          if (shown == null) {
            problems.add(name + " is not in the README's table");
          } else if (!shown.equals(value)) {
            problems.add(name + ": README says " + shown + ", the default is " + value);
          }
        });
    for (Injection injection : injections()) {
      if (!table.containsKey(injection.name())) {
        problems.add(injection.name() + " is not in the README's table");
      }
    }
    assertEquals(List.of(), problems.stream().distinct().toList());
  }

  /** The migration program reads the environment directly: the same rule for its settings. */
  @Test
  void everySettingOfTheMigrationsHasADefaultAndARow() throws IOException {
    Map<String, String> server = defaults(SERVER_DEFAULTS);
    Map<String, String> table = readmeTable();
    Matcher read = MIGRATION_SETTING.matcher(Files.readString(MIGRATIONS));
    List<String> problems = new ArrayList<>();
    int found = 0;
    while (read.find()) {
      found++;
      String name = read.group(1);
      if (!server.containsKey(name) && !PASSWORDS.contains(name)) {
        problems.add(name + " has no default in " + SERVER_DEFAULTS);
      }
      if (!table.containsKey(name)) {
        problems.add(name + " is not in the README's table");
      }
    }
    assertTrue(found > 5, "the migrations' settings were not found");
    assertEquals(List.of(), problems.stream().distinct().toList());
  }

  @Test
  void theReadmeParserReadsGroupedRows() {
    Map<String, String> row =
        tableRow("| `DB_HOST`, `DB_PORT`, `DB_PASS` | 127.0.0.1, 3306, — | MySQL |");
    assertEquals(Map.of("DB_HOST", "127.0.0.1", "DB_PORT", "3306", "DB_PASS", "—"), row);
  }

  static List<Injection> injections() throws IOException {
    List<Injection> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        Matcher matcher = INJECTION.matcher(Files.readString(file));
        while (matcher.find()) {
          Matcher name = NAME.matcher(matcher.group(1));
          assertTrue(name.find(), "a @ConfigProperty without a name in " + file);
          found.add(new Injection(file, name.group(1), matcher.group(1), matcher.group(2)));
        }
      }
    }
    assertTrue(found.size() > 10, "the injection pattern found too few settings: " + found);
    return found;
  }

  static Map<String, String> defaults(Path file) throws IOException {
    Map<String, String> defaults = new TreeMap<>();
    for (String line : Files.readAllLines(file)) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      int equals = trimmed.indexOf('=');
      String key = trimmed.substring(0, equals).strip();
      if (defaults.put(key, trimmed.substring(equals + 1).strip()) != null) {
        throw new AssertionError(key + " twice in " + file);
      }
    }
    return defaults;
  }

  static Map<String, String> readmeTable() throws IOException {
    Map<String, String> table = new TreeMap<>();
    boolean inTable = false;
    for (String line : Files.readAllLines(README)) {
      if (line.startsWith("| variable | default |")) {
        inTable = true;
      } else if (inTable && !line.startsWith("|")) {
        break;
      } else if (inTable && line.startsWith("| `")) {
        table.putAll(tableRow(line));
      }
    }
    assertTrue(table.size() > 10, "the README's settings table was not found");
    return table;
  }

  static Map<String, String> tableRow(String line) {
    String[] cells = line.split("\\|");
    List<String> names =
        Stream.of(cells[1].split(",")).map(n -> n.strip().replace("`", "")).toList();
    String[] values = cells[2].split(",");
    assertEquals(names.size(), values.length, "one default per name in: " + line);
    Map<String, String> row = new TreeMap<>();
    for (int i = 0; i < names.size(); i++) {
      row.put(names.get(i), values[i].strip());
    }
    return row;
  }
}
