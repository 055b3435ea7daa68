package rdsmemcached.customers.entity;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The body of {@code PUT /customers/{id}} as the API describes it. The resource reads the bytes
 * itself ({@code CustomerUpdates}) so that duplicate keys, unknown fields and trailing content are
 * refused rather than silently bound.
 */
@Schema(
    name = CustomerUpdate.SCHEMA,
    description = "exactly one field; unknown fields, duplicates and trailing content are a 400")
public record CustomerUpdate(
    @Schema(
            required = true,
            minLength = 1,
            maxLength = 1024,
            description = "the new value: 1 to 1024 characters, no control characters",
            example = "Updated Value")
        String value) {

  /** Its name in the OpenAPI document's components, for {@code @Schema(ref)}. */
  public static final String SCHEMA = "CustomerUpdate";
}
