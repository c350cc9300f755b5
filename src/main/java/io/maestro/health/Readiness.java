package io.maestro.health;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;

/**
 * What start-up and the actors tell readiness: the schema version that must be in force, that every actor is
 * deployed, and problems an actor has detected (e.g. jobs queued past their start budget: nobody is taking work).
 */
public final class Readiness {
  private static final String MAP = "maestro.readiness";
  private static final String SCHEMA = "schema.version";
  private static final String ACTORS = "actors.deployed";
  private static final String PROBLEM_PREFIX = "problem.";

  private Readiness() {}

  private static LocalMap<String, String> map(Vertx vertx) {
    return vertx.sharedData().getLocalMap(MAP);
  }

  public static void expectSchemaVersion(Vertx vertx, String version) {
    map(vertx).put(SCHEMA, version);
  }

  public static String expectedSchemaVersion(Vertx vertx) {
    return map(vertx).get(SCHEMA);
  }

  public static void markActorsDeployed(Vertx vertx) {
    map(vertx).put(ACTORS, "true");
  }

  public static boolean actorsDeployed(Vertx vertx) {
    return "true".equals(map(vertx).get(ACTORS));
  }

  /** Records (or, with a null description, clears) a named problem that makes the node not ready. */
  public static void problem(Vertx vertx, String name, String description) {
    if (description == null) {
      map(vertx).remove(PROBLEM_PREFIX + name);
    } else {
      map(vertx).put(PROBLEM_PREFIX + name, description);
    }
  }

  public static java.util.Map<String, String> problems(Vertx vertx) {
    java.util.Map<String, String> problems = new java.util.TreeMap<>();
    map(vertx).entrySet().stream().filter(e -> e.getKey().startsWith(PROBLEM_PREFIX))
        .forEach(e -> problems.put(e.getKey().substring(PROBLEM_PREFIX.length()), e.getValue()));
    return problems;
  }
}
