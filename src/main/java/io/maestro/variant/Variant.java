package io.maestro.variant;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The registry of job kinds: everything that differs between a post, a light reel and a dark reel is a property
 * here, and every part of Maestro that treats them differently reads it — the HTTP routes (validation, filters,
 * {@code GET /api/variants}), the proposal agents (which variant a proposal becomes), the scheduler (slot hours,
 * content type) and the renderers (which media renderer, which palette). The database keeps its own CHECK
 * constraints as the last guard; {@code VariantRegistryTest} proves they list the same names.
 *
 * <p>This package depends on no other Maestro package, so any of them may read it.
 */
public enum Variant {
  POST("post", "Post", ContentType.POST, Media.IMAGE, false, 8, 14),
  LIGHT("light", "Reel (light)", ContentType.REEL, Media.VIDEO, false, 0, 8, 16),
  DARK("dark", "Reel (dark)", ContentType.REEL, Media.VIDEO, true, 4, 12, 20);

  /** What the media renderer makes for each brand (the text plan comes first either way). */
  public enum Media {
    /** A composed post image and one carousel slide per slide text. */
    IMAGE,
    /** A reel: stills encoded to MP4 with sound. */
    VIDEO;

    public String id() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** An agent's {@code variant} setting that alternates between the reel variants by proposal number. */
  public static final String AUTO = "auto";

  private final String id;
  private final String label;
  private final ContentType contentType;
  private final Media media;
  private final boolean dark;
  private final int[] slotHours;

  Variant(String id, String label, ContentType contentType, Media media, boolean dark, int... slotHours) {
    this.id = id;
    this.label = label;
    this.contentType = contentType;
    this.media = media;
    this.dark = dark;
    this.slotHours = slotHours;
  }

  /** The wire and database name ({@code jobs.variant}). */
  public String id() {
    return id;
  }

  /** A short human name for lists and filters. */
  public String label() {
    return label;
  }

  public ContentType contentType() {
    return contentType;
  }

  public Media media() {
    return media;
  }

  /** The dark palette (white text on a darkened background); false is the light one. */
  public boolean dark() {
    return dark;
  }

  /** Publishing hours of the day in UTC, ascending, before the brand's schedule_offset is added. */
  public int[] slotHours() {
    return slotHours.clone();
  }

  /** Whether an agent may be pinned to this variant (its {@code variant} setting); posts are chosen by type. */
  public boolean agentChoosable() {
    return contentType == ContentType.REEL;
  }

  public static Optional<Variant> find(String id) {
    return Arrays.stream(values()).filter(v -> v.id.equals(id)).findFirst();
  }

  /** The variant named {@code id}; an unknown name is a programming error here (input is validated at the edge). */
  public static Variant of(String id) {
    return find(id).orElseThrow(() -> new IllegalArgumentException("no variant '" + id + "'"));
  }

  /** The wire names, in registry order (error messages list them in this order). */
  public static Set<String> ids() {
    return ordered(Arrays.stream(values()).map(Variant::id).toList());
  }

  /** What an agent's {@code variant} setting may be: a choosable variant or {@link #AUTO}. */
  public static Set<String> agentChoices() {
    List<String> out = new ArrayList<>();
    Arrays.stream(values()).filter(Variant::agentChoosable).forEach(v -> out.add(v.id));
    out.add(AUTO);
    return ordered(out);
  }

  static Set<String> ordered(List<String> names) {
    return Collections.unmodifiableSet(new LinkedHashSet<>(names));
  }

  /**
   * The variant a proposal of {@code type} becomes: the type's only variant, else the agent's pinned variant, else
   * (auto) the type's variants in turn by the proposal's number, so an agent's reels alternate light and dark.
   */
  public static Variant forProposal(ContentType type, String agentSetting, long number) {
    List<Variant> candidates = type.variants();
    if (candidates.size() == 1) {
      return candidates.get(0);
    }
    return find(agentSetting).filter(candidates::contains)
        .orElseGet(() -> candidates.get((int) Math.floorMod(number, (long) candidates.size())));
  }
}
