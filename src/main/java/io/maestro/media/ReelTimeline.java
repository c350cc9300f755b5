package io.maestro.media;

import java.util.ArrayList;
import java.util.List;

/**
 * When each still is on screen: the title first, then the content (in up to {@link #MAX_LINE_STILLS} stills),
 * the brand last, over {@link #FRAMES} frames. A still's text fades in and out over {@link #FADE} frames at each
 * change, one after the other, so two texts never sit on top of each other.
 */
final class ReelTimeline {
  static final int FRAMES = (int) Math.round(ReelEncoder.SECONDS * Mp4Writer.FPS);
  static final int FADE = 8;
  static final int MAX_LINE_STILLS = 3;
  private static final int TITLE_FRAMES = 66;
  private static final int BRAND_FRAMES = 48;

  /** Frames [start, end) of one still. */
  record Span(int start, int end) {}

  private final List<Span> spans;

  /** @param lineStills how many content stills come between the title and the brand */
  ReelTimeline(int lineStills) {
    List<Span> list = new ArrayList<>();
    int titleEnd = lineStills == 0 ? FRAMES - BRAND_FRAMES : TITLE_FRAMES;
    list.add(new Span(0, titleEnd));
    int contentFrames = FRAMES - BRAND_FRAMES - titleEnd;
    for (int i = 0; i < lineStills; i++) {
      list.add(new Span(titleEnd + contentFrames * i / lineStills, titleEnd + contentFrames * (i + 1) / lineStills));
    }
    list.add(new Span(FRAMES - BRAND_FRAMES, FRAMES));
    spans = List.copyOf(list);
  }

  List<Span> spans() {
    return spans;
  }

  /** Opacity (0–256) of still {@code still} in frame {@code frame}; the first still does not fade in, the last not out. */
  int opacity(int still, int frame) {
    Span span = spans.get(still);
    if (frame < span.start() || frame >= span.end()) {
      return 0;
    }
    int in = still == 0 ? FADE : frame - span.start() + 1;
    int out = still == spans.size() - 1 ? FADE : span.end() - frame;
    return Math.min(256, 256 * Math.min(in, out) / FADE);
  }

  /** Opacity of the footer: on from the first frame, fading out with the text before the closing still. */
  int footerOpacity(int frame) {
    int closing = spans.get(spans.size() - 1).start();
    return frame >= closing ? 0 : Math.min(256, 256 * (closing - frame) / FADE);
  }

  /**
   * The zoom/pan progress at {@code frame}, 0 to 1, linear: a steady, slow push-in (about 1.5 % a second) that
   * reads as motion from the first second on; easing made the opening title look like a still.
   */
  static double motion(int frame) {
    return frame / (double) (FRAMES - 1);
  }
}
