package rdsmemcached.customers.entity;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/**
 * One row of {@code customers} plus what the slow query's SLEEP returned; field order is the
 * original's.
 */
@JsonbPropertyOrder({"id", "value", "sleepResult"})
public record Customer(long id, String value, long sleepResult) {}
