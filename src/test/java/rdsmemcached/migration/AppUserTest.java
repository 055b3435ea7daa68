package rdsmemcached.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class AppUserTest {

  AppUser cut = new AppUser("app_a", "%", "app");

  @Test
  void grantsTheDataOfOneSchemaOnly() {
    assertEquals("GRANT SELECT, INSERT, UPDATE, DELETE ON `app`.* TO 'app_a'@'%'", cut.grant());
  }

  @Test
  void namesThatCouldBreakOutOfTheStatementAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new AppUser("a'@'%", "%", "app"));
    assertThrows(IllegalArgumentException.class, () -> new AppUser("app", "%' --", "app"));
    assertThrows(IllegalArgumentException.class, () -> new AppUser("app", "%", "app`.*"));
    assertThrows(IllegalArgumentException.class, () -> new AppUser("", "%", "app"));
  }
}
