package rdsmemcached.customers.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import rdsmemcached.problems.boundary.ProblemException;

class CustomerIdsTest {

  @ParameterizedTest
  @CsvSource({
    "1, 1",
    "01, 1",
    "+1, 1",
    "0000000000000000000000000000042, 42",
    "9223372036854775807, 9223372036854775807"
  })
  void acceptsPositiveAsciiIntegers(String raw, long expected) {
    assertEquals(expected, CustomerIds.parse(raw));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "+",
        "0",
        "000",
        "-1",
        "+-1",
        "1.0",
        "1 x",
        " 1",
        "1 ",
        "1e3",
        "0x10",
        "abc",
        "１",
        "١",
        "9223372036854775808",
        "18446744073709551617",
        "00000000000000000000000000000000001"
      })
  void rejectsEverythingElse(String raw) {
    var problem = assertThrows(ProblemException.class, () -> CustomerIds.parse(raw));
    assertEquals(400, problem.status().getStatusCode());
  }
}
