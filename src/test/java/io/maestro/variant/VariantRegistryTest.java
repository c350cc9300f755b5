package io.maestro.variant;

import static org.assertj.core.api.Assertions.assertThat;

import io.maestro.db.Migrations;
import io.maestro.testing.TestPostgres;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Variant registry: one place for every job kind, and the database and the API document agree with it")
class VariantRegistryTest {
  private static String url;

  @BeforeAll
  static void migrate() {
    url = TestPostgres.newDatabase();
    Migrations.migrate(url, 10_000);
  }

  /** The values a single-column CHECK constraint allows, read back from pg_constraint as PostgreSQL stores it. */
  private static Set<String> checkValues(String table, String column) throws Exception {
    List<String> definitions = new ArrayList<>();
    try (Connection c = TestPostgres.connect(url); PreparedStatement s = c.prepareStatement("""
        SELECT pg_get_constraintdef(con.oid)
          FROM pg_constraint con
          JOIN pg_attribute att ON att.attrelid = con.conrelid AND att.attnum = con.conkey[1]
         WHERE con.conrelid = ?::regclass AND con.contype = 'c' AND cardinality(con.conkey) = 1
           AND att.attname = ?""")) {
      s.setString(1, table);
      s.setString(2, column);
      try (ResultSet rows = s.executeQuery()) {
        while (rows.next()) {
          definitions.add(rows.getString(1));
        }
      }
    }
    assertThat(definitions).as("CHECK constraints on %s.%s", table, column).hasSize(1);
    Set<String> values = new LinkedHashSet<>();
    Matcher m = Pattern.compile("'([^']*)'::text").matcher(definitions.get(0));
    while (m.find()) {
      values.add(m.group(1));
    }
    assertThat(values).as(definitions.get(0)).isNotEmpty();
    return values;
  }

  @Test
  @DisplayName("jobs.variant's CHECK constraint allows exactly the registry's variants")
  void jobsCheckMatchesRegistry() throws Exception {
    assertThat(checkValues("jobs", "variant")).containsExactlyInAnyOrderElementsOf(Variant.ids());
  }

  @Test
  @DisplayName("proposals.content_type's CHECK constraint allows exactly the registry's content types")
  void proposalsCheckMatchesRegistry() throws Exception {
    assertThat(checkValues("proposals", "content_type")).containsExactlyInAnyOrderElementsOf(ContentType.ids());
  }

  @Test
  @DisplayName("agents.variant's CHECK constraint allows exactly the variants an agent may be pinned to, and auto")
  void agentsCheckMatchesRegistry() throws Exception {
    assertThat(checkValues("agents", "variant")).containsExactlyInAnyOrderElementsOf(Variant.agentChoices());
  }

  @Test
  @DisplayName("the OpenAPI document's Variant, ContentType and AgentVariant schemas list the registry's names")
  void openApiMatchesRegistry() throws Exception {
    JsonObject schemas;
    try (InputStream in = getClass().getResourceAsStream("/openapi.json")) {
      schemas = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8)).getJsonObject("components")
          .getJsonObject("schemas");
    }
    assertThat(schemas.getJsonObject("Variant").getJsonArray("enum").getList()).containsExactlyElementsOf(Variant.ids());
    assertThat(schemas.getJsonObject("ContentType").getJsonArray("enum").getList())
        .containsExactlyElementsOf(ContentType.ids());
    assertThat(schemas.getJsonObject("AgentVariant").getJsonArray("enum").getList())
        .containsExactlyElementsOf(Variant.agentChoices());
  }

  @Test
  @DisplayName("every content type has a variant; every variant has publishing hours within the day, ascending")
  void everyKindIsComplete() {
    for (ContentType type : ContentType.values()) {
      assertThat(type.variants()).as(type.id()).isNotEmpty();
    }
    for (Variant v : Variant.values()) {
      int[] hours = v.slotHours();
      assertThat(hours).as(v.id()).isNotEmpty().isSorted().doesNotHaveDuplicates();
      assertThat(Arrays.stream(hours).allMatch(h -> h >= 0 && h < 24)).as(v.id() + " hours within 0..23").isTrue();
    }
  }

  @Test
  @DisplayName("a proposal's variant: a post is a post; a pinned agent's reel is its variant; auto alternates by number")
  void proposalVariant() {
    assertThat(Variant.forProposal(ContentType.POST, "dark", 7)).isEqualTo(Variant.POST);
    assertThat(Variant.forProposal(ContentType.POST, Variant.AUTO, 8)).isEqualTo(Variant.POST);
    assertThat(Variant.forProposal(ContentType.REEL, "dark", 8)).isEqualTo(Variant.DARK);
    assertThat(Variant.forProposal(ContentType.REEL, "light", 7)).isEqualTo(Variant.LIGHT);
    assertThat(Variant.forProposal(ContentType.REEL, Variant.AUTO, 8)).isEqualTo(Variant.LIGHT);
    assertThat(Variant.forProposal(ContentType.REEL, Variant.AUTO, 9)).isEqualTo(Variant.DARK);
  }

  @Test
  @DisplayName("names resolve both ways; an unknown name is not a variant")
  void lookups() {
    for (Variant v : Variant.values()) {
      assertThat(Variant.of(v.id())).isEqualTo(v);
      assertThat(ContentType.find(v.contentType().id())).contains(v.contentType());
    }
    assertThat(Variant.find("video")).isEmpty();
    assertThat(ContentType.find("story")).isEmpty();
  }
}
