package io.maestro.variant;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What an agent proposes and a platform publishes: a post or a reel. Each {@link Variant} is of one content type;
 * the names are the wire and database values ({@code proposals.content_type}, {@code agents.content_types}).
 */
public enum ContentType {
  POST("post"),
  REEL("reel");

  private final String id;

  ContentType(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  /** The variants of this content type, in registry order. */
  public List<Variant> variants() {
    return Arrays.stream(Variant.values()).filter(v -> v.contentType() == this).toList();
  }

  public static Optional<ContentType> find(String id) {
    return Arrays.stream(values()).filter(t -> t.id.equals(id)).findFirst();
  }

  /** The wire names, in declaration order. */
  public static Set<String> ids() {
    return Variant.ordered(Arrays.stream(values()).map(ContentType::id).toList());
  }
}
