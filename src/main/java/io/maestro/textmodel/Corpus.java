package io.maestro.textmodel;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The offline writer's shipped corpus (content/corpus.json): per brand topic, tips written for women 45+ in the US
 * and lines that name a study. Loaded once; topics not in it fall back to the closest general pool.
 */
final class Corpus {
  /** Tips and study lines of one topic. */
  record Topic(String name, List<String> tips, List<String> studies) {}

  private static final String RESOURCE = "content/corpus.json";
  private static final Map<String, Topic> TOPICS = load();

  private Corpus() {}

  static Map<String, Topic> topics() {
    return TOPICS;
  }

  /** The topic's pool; an unknown topic borrows a known one (chosen by its name's hash, so it is stable). */
  static Topic topic(String name) {
    Topic known = TOPICS.get(name.toLowerCase(java.util.Locale.ROOT).strip());
    if (known != null) {
      return known;
    }
    List<Topic> all = List.copyOf(TOPICS.values());
    Topic borrowed = all.get(Math.floorMod(name.hashCode(), all.size()));
    return new Topic(borrowed.name(), borrowed.tips(), borrowed.studies());
  }

  private static Map<String, Topic> load() {
    try (InputStream in = Corpus.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the class path");
      }
      JsonObject topics = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8)).getJsonObject("topics");
      Map<String, Topic> out = new TreeMap<>();
      topics.forEach(e -> {
        JsonObject t = (JsonObject) e.getValue();
        out.put(e.getKey(), new Topic(e.getKey(), strings(t.getJsonArray("tips")), strings(t.getJsonArray("studies"))));
      });
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> strings(JsonArray array) {
    return array.stream().map(String::valueOf).toList();
  }
}
