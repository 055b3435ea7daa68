package rdsmemcached.customers.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import rdsmemcached.problems.boundary.ProblemException;

/** The body of PUT /customers/{id}: exactly {"value": "..."} or a precise 400/413. */
class CustomerUpdatesTest {

  static InputStream body(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }

  static ProblemException refused(InputStream body) {
    return assertThrows(ProblemException.class, () -> CustomerUpdates.value(body));
  }

  @Test
  void readsTheValueWithWhitespaceEscapesAndAnyScript() {
    assertEquals("Updated", CustomerUpdates.value(body(" { \"value\" : \"Updated\" } \n")));
    assertEquals("a\"b\\c/é", CustomerUpdates.value(body("{\"value\":\"a\\\"b\\\\c\\/\\u00e9\"}")));
    assertEquals("値🙂", CustomerUpdates.value(body("{\"value\":\"値🙂\"}")));
  }

  @Test
  void theLimitsAreCountedInCharactersAndBytes() {
    String longest = "🙂".repeat(CustomerUpdates.MAX_VALUE_LENGTH); // 1024 code points
    assertEquals(longest, CustomerUpdates.value(body("{\"value\":\"" + longest + "\"}")));
    assertEquals(
        400, refused(body("{\"value\":\"" + "x".repeat(1025) + "\"}")).status().getStatusCode());
    String padded = "{\"value\":\"x\"" + " ".repeat(CustomerUpdates.MAX_BODY_BYTES) + "}";
    ProblemException tooLarge = refused(body(padded));
    assertEquals(413, tooLarge.status().getStatusCode());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "   ",
        "null",
        "[]",
        "\"value\"",
        "{}",
        "{\"value\":1}",
        "{\"value\":null}",
        "{\"value\":[\"x\"]}",
        "{\"value\":\"\"}",
        "{\"other\":\"x\"}",
        "{\"value\":\"x\",\"other\":\"y\"}",
        "{\"value\":\"x\",\"value\":\"y\"}",
        "{\"value\":\"x\"} {}",
        "{\"value\":\"x\"}x",
        "{\"value\":\"x\"",
        "{\"value\":\"a\\u0000b\"}",
        "{\"value\":\"tab\\there\"}",
        "{'value':'x'}"
      })
  void anythingElseIsA400WithoutAStackTrace(String text) {
    ProblemException problem = refused(body(text));
    assertEquals(400, problem.status().getStatusCode(), text);
    assertEquals(null, problem.getCause(), "our own words, not the parser's");
  }

  @Test
  void bytesThatAreNotUtf8AreA400() {
    byte[] latin1 = "{\"value\":\"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);
    ProblemException problem = refused(new ByteArrayInputStream(latin1));
    assertEquals("the body must be UTF-8", problem.getMessage());
  }

  @Test
  void aBodyThatCannotBeReadIsA400() {
    InputStream broken =
        new InputStream() {
          @Override
          public int read() throws IOException {
            throw new IOException("connection reset");
          }
        };
    assertEquals("the body could not be read", refused(broken).getMessage());
  }
}
