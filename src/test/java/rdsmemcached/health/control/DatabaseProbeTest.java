package rdsmemcached.health.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import rdsmemcached.health.control.DatabaseState.Status;

class DatabaseProbeTest {

  final DatabaseProbe cut = new DatabaseProbe();

  @Test
  void unknownUntilTheFirstProbe() {
    assertEquals(Status.UNKNOWN, cut.state().status());
    assertFalse(cut.state().reachable());
  }

  @Test
  void anOutageStartsAtItsFirstFailedProbeAndLastsUntilTheNextAnswer() {
    cut.record(null, null, 1_000);
    assertTrue(cut.state().reachable());
    assertEquals(1_000, cut.state().sinceMillis());

    cut.record("SQLException", new SQLException("refused"), 6_000);
    cut.record("SQLException", new SQLException("refused"), 11_000);
    DatabaseState down = cut.state();
    assertEquals(Status.UNREACHABLE, down.status());
    assertEquals(6_000, down.sinceMillis(), "since the first failure, not the latest");
    assertEquals(11_000, down.checkedMillis());
    assertEquals("SQLException", down.error());

    cut.record(null, null, 16_000);
    DatabaseState back = cut.state();
    assertTrue(back.reachable());
    assertEquals(16_000, back.sinceMillis());
    assertNull(back.error(), "a reachable database carries no error");
  }

  @Test
  void anUnreachableDatabaseAtStartIsAnOutageFromTheFirstProbe() {
    cut.record("SQLException", null, 2_000);
    assertEquals(Status.UNREACHABLE, cut.state().status());
    assertEquals(2_000, cut.state().sinceMillis());
  }
}
